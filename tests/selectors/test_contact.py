"""E-mail (plain and obfuscated) and phone numbers (E.164), and what must not pass for them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, settings
from hypothesis import given as hgiven
from hypothesis import strategies as st

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
    # A real address after the word "at" (issue: " at " was read as an obfuscated "@")
    ("email me at john.smith@gmail.com", "john.smith@gmail.com", "john.smith@gmail.com"),
    ("reach us at john.smith@gmail.com today", "john.smith@gmail.com", "john.smith@gmail.com"),
    (
        "email me at vendor.shop@protonmail.com.",
        "vendor.shop@protonmail.com",
        "vendor.shop@protonmail.com",
    ),
]


@pytest.mark.parametrize(("text", "value", "matched"), EMAILS, ids=[e[0][:40] for e in EMAILS])
def test_emails(text, value, matched):
    hits = of_type(text, "email")
    if value is None:
        assert hits == []
        return
    assert [v for v, _ in hits] == [value]
    if matched is not None:
        assert hits[0][1] == matched


@pytest.mark.parametrize(
    "text",
    [
        "email me at john.smith@gmail.com",
        "reach us at john.smith@gmail.com today",
        "email me at vendor.shop@protonmail.com.",
    ],
)
def test_address_after_the_word_at_is_one_email_and_nothing_else(text):
    """The " at " obfuscation must not swallow the user part of a real address: no
    ``domain:vendor.shop``, no missing address; the same address as without "at"."""
    without_at = text.replace(" at ", " ", 1)
    got = [(h.type, h.value) for h in extract(text)]
    assert got == [(h.type, h.value) for h in extract(without_at)]
    assert [t for t, _ in got] == ["email"]


def test_obfuscated_address_and_plain_address_after_at_are_both_read():
    text = "write shop_24 at proton dot me or at shop.eu@proton.me"
    assert [v for v, _ in of_type(text, "email")] == ["shop_24@proton.me", "shop.eu@proton.me"]


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
    # Tokens of digits after the number (the greedy run took "24/7" in)
    ("call +7 912 345-67-89 24/7", None, "+79123456789"),
    ("contacto +49 1512 3456789 24/7", None, "+4915123456789"),
    ("whatsapp 0044 7911 123456 7/7 fast", None, "+447911123456"),
    ("call +7 912 345-67-89 24/7", "RU", "+79123456789"),
]


@pytest.mark.parametrize(
    ("text", "region", "value"), PHONES, ids=[f"{p[0]}-{p[1]}" for p in PHONES]
)
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
    # National runs are not cut down to a valid prefix: tables of figures would give numbers
    ("rates 7 . 80 6 . 80 7 . 60 8 . 00", "FR"),
    ("+1 2 3 4 5 6 7 8 9 0 24/7", None),
]


@pytest.mark.parametrize(("text", "region"), NOT_PHONES, ids=[p[0] for p in NOT_PHONES])
def test_not_phones(text, region):
    assert of_type(text, "phone", region) == []


@pytest.mark.parametrize("text", ["call +7 912 345-67-89 24/7", "contacto +49 1512 3456789 24/7"])
def test_phone_span_stops_before_the_token_after_it(text):
    (hit,) = [h for h in extract(text) if h.type == "phone"]
    assert hit.matched.startswith("+") and hit.matched[-1].isdigit()
    assert text[hit.span[1] :] == " 24/7"


def _example_numbers():
    import phonenumbers as pn

    for region in sorted(pn.SUPPORTED_REGIONS):
        number = pn.example_number_for_type(region, pn.PhoneNumberType.MOBILE)
        if number is not None:
            yield region, number


CONTEXTS = ["call {} 24/7", "WhatsApp me {}", "contact: {} for prices", "tel {}.", "text ({})"]


def test_every_countrys_mobile_numbers_are_read_as_people_write_them():
    # phonenumbers' example mobile number of every region (not numbers we wrote), in its
    # international, E.164 and national forms (national ones with the region given), in
    # the contexts real offers put them. Numbers of fewer than 8 digits are not read
    # without a region (they are everywhere in text): the few plans that short are skipped.
    import phonenumbers as pn

    fmt = pn.PhoneNumberFormat
    tried, missed = 0, []
    for region, number in _example_numbers():
        e164 = pn.format_number(number, fmt.E164)
        if len(e164) - 1 - len(str(number.country_code)) < 7:
            continue
        forms = [(pn.format_number(number, f), None) for f in (fmt.INTERNATIONAL, fmt.E164)]
        if sum(c.isdigit() for c in pn.format_number(number, fmt.NATIONAL)) >= 8:
            forms.append((pn.format_number(number, fmt.NATIONAL), region))
        for written, given in forms:
            for context in CONTEXTS:
                tried += 1
                text = context.format(written)
                if e164 not in {h.value for h in extract(text, region=given)}:
                    missed.append((region, text))
    assert tried > 2000 and len(missed) <= tried // 200, (tried, missed[:20])


_PHONE_PIECES = [
    "+",
    "00",
    "0",
    "000",
    "+44",
    " ",
    "7",
    "12",
    "(",
    ")",
    "-",
    ".",
    "/",
    "a",
    "\n",
    "٣",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@hgiven(st.lists(st.sampled_from(_PHONE_PIECES), max_size=40).map("".join))
@example("+44 20 7946 0000 00 0044 20 7946 0958 +1+1 000000000000 a+33 6 12 34 56 78")
def test_phone_regex_at_its_literals_is_finditer(text):
    """International numbers are matched only at "+" and "00" (found by a literal scan):
    the same matches as the regex over the whole text, native and pure."""
    from narcwatch import _native
    from narcwatch.selectors import literal_starts, matches_at
    from narcwatch.selectors.contact import _PHONE_INTL

    want = [m.span() for m in _PHONE_INTL.finditer(text)]
    for on in (False, True):
        with _native.use_native(on):
            plus, zeros = literal_starts(text, ("+", "00"), (True, True))
            got = [m.span() for m in matches_at(_PHONE_INTL, text, sorted({*plus, *zeros}))]
        assert got == want
