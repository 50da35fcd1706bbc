"""Messenger selectors: links and platform-named handles found, prose and bare @names not."""

from __future__ import annotations

import pytest

from narcwatch.selectors import extract

SESSION_ID = "05" + "a1b2c3d4" * 8

FOUND = [
    # (text, type, value, matched)
    ("t.me/farmacia_shop", "telegram", "farmacia_shop", "t.me/farmacia_shop"),
    ("https://t.me/Farmacia_Shop.", "telegram", "farmacia_shop", "https://t.me/Farmacia_Shop"),
    ("https://t.me/s/farmacia_shop/123", "telegram", "farmacia_shop", None),
    ("telegram.me/plugshop", "telegram", "plugshop", None),
    ("telegram.dog/plugshop", "telegram", "plugshop", None),
    ("Telegram: @Plug_Paris75", "telegram", "plug_paris75", "@Plug_Paris75"),
    ("tg @plugshop", "telegram", "plugshop", "@plugshop"),
    ("TG: plugshop", "telegram", "plugshop", "plugshop"),
    ("✈️ @plugshop", "telegram", "plugshop", "@plugshop"),
    ("телеграм: @plugshop", "telegram", "plugshop", "@plugshop"),
    (
        "Order on telegram, fast replies guaranteed, write to @plugshop",
        "telegram",
        "plugshop",
        None,
    ),
    ("@plugshop is our telegram", "telegram", "plugshop", "@plugshop"),
    ("t.me/+AbCdEf123456", "telegram-invite", "AbCdEf123456", None),
    ("t.me/joinchat/AAAAAEkk2WdoDrB4-Q8-gg", "telegram-invite", "AAAAAEkk2WdoDrB4-Q8-gg", None),
    ("wa.me/33612345678", "whatsapp", "+33612345678", "wa.me/33612345678"),
    ("https://api.whatsapp.com/send?phone=447911123456", "whatsapp", "+447911123456", None),
    ("chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv", "whatsapp-invite", "AbCdEfGhIjKlMnOpQrStUv", None),
    ("signal.me/#p/+33612345678", "signal", "+33612345678", None),
    ("signal: +33 6 12 34 56 78", "signal", "+33612345678", "+33 6 12 34 56 78"),
    ("Signal - shopnl.42", "signal", "shopnl.42", "shopnl.42"),
    ("wickr me: acidqueen_nl", "wickr", "acidqueen_nl", "acidqueen_nl"),
    ("Wickr: AcidQueen", "wickr", "acidqueen", "AcidQueen"),
    ("threema ID: ABCD1234", "threema", "ABCD1234", "ABCD1234"),
    ("Threema: ab12cd34".upper(), "threema", "AB12CD34", None),
    ("wire @plug_nl", "wire", "plug_nl", "@plug_nl"),
    (f"session id {SESSION_ID}", "session", SESSION_ID, SESSION_ID),
    ("snap: coolguy99", "snapchat", "coolguy99", "coolguy99"),
    ("Snapchat @CoolGuy99", "snapchat", "coolguy99", "@CoolGuy99"),
    ("insta @x.y_z", "instagram", "x.y_z", "@x.y_z"),
    ("instagram.com/plug.shop", "instagram", "plug.shop", None),
]


@pytest.mark.parametrize(
    ("text", "kind", "value", "matched"), FOUND, ids=[f[0][:30] for f in FOUND]
)
def test_platform_selectors(text, kind, value, matched):
    hits = [h for h in extract(text) if h.type == kind]
    assert [h.value for h in hits] == [value]
    (hit,) = hits
    assert text[hit.span[0] : hit.span[1]] == hit.matched
    if matched is not None:
        assert hit.matched == matched
    assert hit.strength == "strong"


NOT_FOUND = [
    "@everyone hello",  # bare handle, no platform
    "follow @plugshop for updates",
    "scheme snapshot",  # platform words inside other words
    "wickr available now",  # prose after a platform word
    "Telegram channel closed",
    "Telegram-style exports",  # a compound word
    "TG-based groups",
    "✈️ Worldwide shipping",
    "signal strength is low",
    "ig: shop",  # instagram names need @
    "wire transfer only",
    "wa.me/12345",  # not a valid number
    "t.me/joinchat",  # a reserved path, no code
    "t.me/share",
    "instagram.com/explore",
    "mail me: plugshop@proton.me and tg later",  # an e-mail is not a handle
    "session " + "05" + "a1" * 31,  # 64 hex, not 66
    "hash 1" + SESSION_ID,  # glued into a longer hex run
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_no_messenger_selector(text):
    kinds = {"telegram", "telegram-invite", "whatsapp", "whatsapp-invite", "signal", "wickr"}
    kinds |= {"threema", "wire", "session", "snapchat", "instagram"}
    assert [h for h in extract(text) if h.type in kinds] == []


def test_handle_far_from_the_platform_word_is_not_telegram():
    text = "telegram" + " filler" * 10 + " @plugshop"
    assert [h for h in extract(text) if h.type == "telegram"] == []


def test_link_and_handle_of_one_shop_give_two_hits_with_one_value():
    text = "t.me/plugshop or telegram @PlugShop"
    hits = [h for h in extract(text) if h.type == "telegram"]
    assert [h.value for h in hits] == ["plugshop", "plugshop"]
    assert hits[0].span < hits[1].span
