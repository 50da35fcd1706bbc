"""Messenger selectors: links and platform-named handles found, prose and bare @names not."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

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
    # Wickr: a sentence's full stop is not part of the name; no colon needed for a name
    # that cannot be a word; contact-card separators
    ("wickr: greenshop_nl.", "wickr", "greenshop_nl", "greenshop_nl"),
    ("wickr acidqueen_nl", "wickr", "acidqueen_nl", "acidqueen_nl"),
    ("Wickr ID.......plugshop77", "wickr", "plugshop77", "plugshop77"),
    ("WICKR ID>>>>>>> plugshop77", "wickr", "plugshop77", "plugshop77"),
    ("Wickr -- plugshop77.", "wickr", "plugshop77", "plugshop77"),
    # Snapchat: after "snapchat:", "snap:", "sc:", the ghost, and snapchat.com/add/NAME
    ("snapchat: coolguy99.", "snapchat", "coolguy99", "coolguy99"),
    ("sc: coolguy99", "snapchat", "coolguy99", "coolguy99"),
    ("👻 coolguy99", "snapchat", "coolguy99", "coolguy99"),
    ("👻: cool.guy", "snapchat", "cool.guy", "cool.guy"),
    ("https://www.snapchat.com/add/cool_guy", "snapchat", "cool_guy", None),
    # as a scraped tweet writes it: a label, another label, then the link
    (
        "Snap:snapchat:https://snapchat.com/add/coolguy99…",
        "snapchat",
        "coolguy99",
        "https://snapchat.com/add/coolguy99",
    ),
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
    "snap: https://example.com/x",  # a URL scheme is not a name
    "snapchat: snap.com",  # nor a host name
    "Snap: snapchat",  # nor the platform word
    "👻 happy halloween",  # a word after the ghost needs a separator
    "SC area51 results",  # "sc" (South Carolina) needs a separator
    "wickr... contact us on wickr",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_no_messenger_selector(text):
    kinds = {"telegram", "telegram-invite", "whatsapp", "whatsapp-invite", "signal", "wickr"}
    kinds |= {"threema", "wire", "session", "snapchat", "instagram"}
    assert [h for h in extract(text) if h.type in kinds] == []


def test_handle_far_from_the_platform_word_is_not_telegram():
    text = "telegram" + " filler" * 10 + " @plugshop"
    assert [h for h in extract(text) if h.type == "telegram"] == []


def test_link_and_handle_of_one_shop_give_one_hit_with_both_spans():
    text = "t.me/plugshop or telegram @PlugShop"
    (hit,) = [h for h in extract(text) if h.type == "telegram"]
    assert hit.value == "plugshop" and hit.matched == "t.me/plugshop"
    assert hit.span == hit.spans[0] and hit.spans[0] < hit.spans[1] and len(hit.spans) == 2
    assert [text[s:e] for s, e in hit.spans] == ["t.me/plugshop", "@PlugShop"]


def test_a_channel_repeated_eleven_times_is_one_selector_with_eleven_spans():
    # The case: one Telegram message gave 11 identical telegram selectors.
    text = "\n".join(f"Order now: t.me/plugshop (line {i})" for i in range(11))
    (hit,) = [h for h in extract(text) if h.type == "telegram"]
    assert len(hit.spans) == 11 and all(text[s:e] == "t.me/plugshop" for s, e in hit.spans)


@pytest.mark.parametrize(
    "text",
    [
        "weed 10g 50 euro, contact @legitboy420",
        "Order: @legitboy420",
        "Order:@legitboy420",
        "☎️Order: ****@legitboy420**",  # markdown bold around the handle
        "DM me @legitboy420",
        "message us on @legitboy420",
        "text me at @legitboy420",
        "hit me up @legitboy420",
        "Liên hệ : @legitboy420",
        "đặt hàng: @legitboy420",
        "contacto @legitboy420",
        "contactez-nous @legitboy420",
        "Kontakt: @legitboy420",
        "пиши @legitboy420",
        "Заказ: @legitboy420",
        "Order:\n@legitboy420",  # the cue on the line before, with its colon
    ],
)
def test_handle_after_an_order_or_contact_cue_is_a_strong_handle(text):
    hits = [(h.type, h.value, h.matched, h.strength) for h in extract(text)]
    assert hits == [("handle", "legitboy420", "@legitboy420", "strong")]


def test_handles_listed_after_a_cue_are_all_cued():
    hits = [(h.type, h.value, h.strength) for h in extract("DM @shop_one or @shop_two")]
    assert hits == [("handle", "shop_one", "strong"), ("handle", "shop_two", "strong")]


@pytest.mark.parametrize(
    "text",
    [
        "follow @plugshop for updates",
        "@everyone hello",
        "Law and Order\n@plugshop",  # a display name ending a line, not a cue
        "contact form below. thanks to @plugshop",
        "for orders message @support",  # everyone's name, not one seller's
    ],
)
def test_handle_without_a_cue_is_kept_as_a_weak_handle(text):
    hits = [(h.type, h.strength) for h in extract(text)]
    assert hits == [("handle", "weak")]


@pytest.mark.parametrize(
    "text",
    [
        "contact plugshop@proton.me",  # an e-mail address's local part and host
        "contact: plug.shop@gmail.com",
        "contact https://medium.com/@plugshop/menu",  # a URL's path
        "order at www.example.com/@plugshop",
        "contact https://example.com/?u=@plugshop",
        "order @plugshop@mastodon.social",  # another network's address
    ],
)
def test_no_handle_inside_e_mail_addresses_or_urls(text):
    assert [h for h in extract(text) if h.type in ("handle", "telegram")] == []


def test_a_platform_reading_of_the_handle_wins_over_the_bare_handle():
    hits = [(h.type, h.value) for h in extract("Order on telegram: @plugshop")]
    assert hits == [("telegram", "plugshop")]
    hits = [(h.type, h.value) for h in extract("contact me, snapchat @coolguy99")]
    assert hits == [("snapchat", "coolguy99")]


def _telegram_messages(path: Path) -> list[str]:
    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("message"), str):
                yield node["message"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return list(walk(json.loads(path.read_text(encoding="utf-8"))))


@pytest.mark.shared_data
def test_real_channel_handle_is_read_in_every_message(shared_data: Path):
    """A real Vietnamese Telegram channel signs every price list with its order handle
    ("Order: @legitboy420", "Liên hệ : ****@...**", "Đặt hàng: ..."); it was read in one
    message of nine, where the word Telegram happened to be near."""
    path = shared_data / "trace-telegram-twitter" / "telegram_channels.json"
    messages = [m for m in _telegram_messages(path) if "@legitboy420" in m]
    assert len(messages) >= 9
    for message in messages:
        hits = [h for h in extract(message) if h.value == "legitboy420"]
        assert hits and all(h.strength == "strong" for h in hits), message[-60:]
        assert {h.type for h in hits} <= {"telegram", "handle"}


@pytest.mark.shared_data
def test_real_tweets_give_the_snapchat_handle_not_labels(shared_data: Path):
    """Scraped tweets write "Snap:snapchat:https://snapchat.com/add/NAME…": the
    selectors came out as "snapchat" and "https" and NAME was missed."""
    tweets = json.loads(
        (shared_data / "trace-telegram-twitter" / "imgs_0512.json").read_text(encoding="utf-8")
    )
    texts = [t["content"] for t in tweets if re.search(r"snap|👻", t["content"], re.I)]
    assert texts
    linked = 0
    for text in texts:
        values = [h.value for h in extract(text) if h.type == "snapchat"]
        assert not {"snapchat", "snap", "sc", "https", "http"} & set(values)
        names = [n.lower() for n in re.findall(r"snapchat\.com/add/([A-Za-z0-9._-]+)", text)]
        names = [n.rstrip("._-") for n in names]
        assert values == names
        linked += bool(names)
    assert linked >= 1
