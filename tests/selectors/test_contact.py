"""E-mail (plain and obfuscated) and phone numbers (E.164), and what must not pass for them."""

from __future__ import annotations

import pytest

from narcwatch.selectors import extract


def of_type(text: str, kind: str, region: str | None = None) -> list[tuple[str, str]]:
    return [(h.value, h.matched) for h in extract(text, region=region) if h.type == kind]


EMAILS = [
    # (text, value, matched)
    ("Contact: Sales@BestMeds24.com", "sales@bestmeds24.com", "Sales@BestMeds24.com"),
    ("mail plug.shop+eu@proton.me.", "plug.shop+eu@proton.me", "plug.shop+eu@proton.me"),
    ("shop [at] proton (dot) me", "shop@proton.me", "shop [at] proton (dot) me"),
    ("shop[at]proton[dot]me", "shop@proton.me", "shop[at]proton[dot]me"),
    ("name(at)domain.com", "name@domain.com", "name(at)domain.com"),
    ("plug {at} mail {dot} co {dot} uk", "plug@mail.co.uk", None),
    ("write shop_24 at proton dot me", "shop_24@proton.me", "shop_24 at proton dot me"),
    ("vendor.nl AT tutanota DOT com", "vendor.nl@tutanota.com", None),
    ("mail: info@bücher.de", None, None),  # IDN hosts are not read (documented)
]


@pytest.mark.parametrize(("text", "value", "matched"), EMAILS, ids=[e[0][:25] for e in EMAILS])
def test_emails(text, value, matched):
    hits = of_type(text, "email")
    if value is None:
        assert hits == []
        return
    assert [v for v, _ in hits] == [value]
    if matched is not None:
        assert hits[0][1] == matched


NOT_EMAILS = [
    "meet me at home dot com",  # prose
    "we are at the shop dot",
    "price at 20 dot 5",
    "user@localhost",  # no public suffix
    "photo@2x.png",  # a file name
    "tg @plugshop",
    "shop [at] proton (dot) notatld",
]


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_not_emails(text):
    assert of_type(text, "email") == []


PHONES = [
    # (text, region, value)
    ("call +33 6 12 34 56 78", None, "+33612345678"),
    ("call +33 (0)6 12 34 56 78", None, "+33612345678"),
    ("whatsapp 0044 7911 123456", None, "+447911123456"),
    ("UK +44 7911 123456 text only", None, "+447911123456"),
    ("tel 06 12 34 56 78", "FR", "+33612345678"),
    ("tel 06.12.34.56.78", "FR", "+33612345678"),
    ("call 07911 123456", "GB", "+447911123456"),
    ("ruf an: 0151 23456789", "DE", "+4915123456789"),
    ("+1 (202) 123-4567", "FR", None),  # no US exchange starts with 1
    ("+1 212-456-7890", None, "+12124567890"),
]


@pytest.mark.parametrize(("text", "region", "value"), PHONES, ids=[p[0] for p in PHONES])
def test_phones(text, region, value):
    hits = of_type(text, "phone", region)
    assert [v for v, _ in hits] == ([value] if value else [])
    for h in extract(text, region=region):
        assert text[h.span[0] : h.span[1]] == h.matched


NOT_PHONES = [
    # (text, region)
    ("price 06 12 34 56 78", None),  # national number, no region given
    ("price 0.00447911123456 BTC", None),  # an amount
    ("send 0.0061234567 btc", "FR"),
    ("total 1,0612345678 eur", "FR"),
    ("order 100 x 20mg, 250 x 10mg", "FR"),
    ("stock 0612345678 pcs", "FR"),
    ("posted 2024-01-15 12:30:45", "FR"),
    ("date 15/01/2024 14:30", "FR"),
    ("batch #0612345678", "FR"),
    ("ref ABC0612345678", "FR"),
    ("1 000 000 000 000", "FR"),
    ("tx 3f4e1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f", "FR"),
    ("€ 0612345678", "FR"),
    ("0612345678€", "FR"),
]


@pytest.mark.parametrize(("text", "region"), NOT_PHONES, ids=[p[0] for p in NOT_PHONES])
def test_not_phones(text, region):
    assert of_type(text, "phone", region) == []
