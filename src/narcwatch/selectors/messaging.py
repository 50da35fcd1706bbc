"""Messenger identifiers: Telegram, WhatsApp, Signal, Wickr, Session, Threema, Wire,
Snapchat and Instagram.

Links (t.me/NAME, wa.me/NUMBER, signal.me/#p/+NUMBER, instagram.com/NAME) are unambiguous.
Telegram invite links (t.me/+HASH, t.me/joinchat/HASH) are type "telegram-invite" and
WhatsApp group links "whatsapp-invite", value the case-sensitive invite code.
A name written after a platform word needs a separator: "telegram: shop", "wickr me
shop", "snap - shop", or an ``@`` ("insta @shop"); "telegram channel" is prose. A Telegram
``@handle`` also counts when a Telegram word or ✈️ is within 40 characters. A bare
``@handle`` with no platform nearby is NOT reported: it could be any site's user, and
typing it as Telegram would link sellers who merely share a name elsewhere.
Values: handles lower-case without ``@`` (Threema IDs upper-case), numbers in E.164.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from narcwatch.selectors import ascii_view
from narcwatch.selectors.registry import Candidate, register_extractor

# Paths of t.me that are not user or channel names.
_TG_RESERVED = frozenset(
    {"joinchat", "addstickers", "addemoji", "addtheme", "share", "proxy", "socks", "iv", "login"}
    | {"setlanguage", "confirmphone", "invoice", "bg", "c", "s", "boost", "addlist", "contact"}
)
# Links are matched at the host (found with str.find), then widened over "https://www.".
_LINK_HOSTS = (
    "t.me/",
    "telegram.me/",
    "telegram.dog/",
    "wa.me/",
    "api.whatsapp.com/",
    "chat.whatsapp.com/",
    "signal.me/",
    "instagram.com/",
)
_LINKS = re.compile(
    r"(?:t\.me|telegram\.me|telegram\.dog)/"
    r"(?:(?:\+|joinchat/)(?P<tginv>[A-Za-z0-9_\-]{10,40})"
    r"|(?:s/)?(?P<tg>[A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_]))"
    r"|(?:wa\.me/|api\.whatsapp\.com/send/?\?phone=)(?P<wa>\+?\d{7,15})"
    r"|chat\.whatsapp\.com/(?:invite/)?(?P<wainv>[A-Za-z0-9]{20,24})"
    r"|signal\.me/#p/(?P<sig>\+\d{7,15})"
    r"|instagram\.com/(?P<ig>[A-Za-z0-9._]{1,30})(?![A-Za-z0-9._/])",
    re.IGNORECASE,
)
_LINK_PREFIXES = ("https://www.", "http://www.", "https://", "http://", "www.")
_IG_RESERVED = frozenset({"p", "reel", "reels", "explore", "stories", "accounts", "tv", "about"})
# Platform words; each must stand alone (not "snapshot", "scheme", "signals").
_PLATFORM_WORDS = {
    "telegram": r"telegram|telegramm|telega|телеграм\w*|телега|tg|tlgrm|✈️|✈",
    "wickr": r"wickr",
    "signal": r"signal",
    "threema": r"threema",
    "wire": r"wire",
    "snapchat": r"snapchat|snap|sc",
    "instagram": r"instagram|insta|ig",
}
_NAME = {
    "telegram": r"(?P<name>[A-Za-z][A-Za-z0-9_]{4,31})",
    "wickr": r"(?P<name>[A-Za-z0-9_.\-]{3,30})",
    # Signal: a phone number or a username with its two-digit discriminator ("shop.01").
    "signal": r"(?:(?P<phone>\+\d[\d \-().]{6,18}\d)|(?P<name>[A-Za-z][A-Za-z0-9_]{2,31}\.\d{2,}))",
    "threema": r"(?P<name>[A-Z0-9*]{8})",
    "wire": r"(?P<name>[a-z0-9_]{2,64})",
    "snapchat": r"(?P<name>[A-Za-z][A-Za-z0-9._\-]{2,14})",
    "instagram": r"(?P<name>[A-Za-z0-9._]{1,30})",
}
# Platforms whose names need an "@" (a separator alone is not enough).
_NEEDS_AT = frozenset({"wire", "instagram"})
_NEAR = {
    kind: re.compile(
        rf"(?<![A-Za-z])(?i:{words})(?![A-Za-z0-9_])[ \t]*"
        r"(?:(?P<sep>(?i:id|me)(?![A-Za-z0-9_])[ \t]*[:\-–=]?|[:\-–=])[ \t]*)?"
        rf"(?P<at>@)?{_NAME[kind]}(?![A-Za-z0-9_@])"
    )
    for kind, words in _PLATFORM_WORDS.items()
}
_TG_CONTEXT = re.compile(
    r"(?<![A-Za-z])(?:telegram|telegramm|telega|tlgrm|tg)(?![A-Za-z])|телег|✈", re.IGNORECASE
)
_AT_HANDLE = re.compile(r"(?<![\w.@])@(?P<name>[A-Za-z][A-Za-z0-9_]{4,31})(?![\w@]|\.\w)")
TG_CONTEXT_CHARS = 40
_SESSION = re.compile(r"(?<![0-9a-fA-F])05[0-9a-fA-F]{64}(?![0-9a-fA-F])")
# Where patterns are tried: at each occurrence of one of these lower-case literals that
# does not continue a word (str.find is C-speed; one regex scanning for all platform words
# would cost ~15 µs per KB). Each literal gates the platforms it names ("links": _LINKS).
_LITERALS: dict[str, tuple[str, ...]] = {
    "teleg": ("telegram", "links"),
    "tlgrm": ("telegram",),
    "tg": ("telegram",),
    "✈": ("telegram",),
    "телег": ("telegram",),
    "wickr": ("wickr",),
    "signal": ("signal",),
    "threema": ("threema",),
    "snap": ("snapchat",),
    "sc": ("snapchat",),
    "insta": ("instagram", "links"),
    ".me/": ("links",),  # t.me/, wa.me/, signal.me/, telegram.me/
    "whatsapp": ("links",),
}
# Wire and Instagram names always carry an "@": no "@", no need to look for these.
_AT_LITERALS: dict[str, tuple[str, ...]] = {"wire": ("wire",), "ig": ("instagram",)}
# Words that follow "signal:" or "snap:" in ordinary text and are not user names.
_NOT_NAMES = frozenset({"only", "me", "us", "here", "dm", "pm", "the", "and", "for", "app", "id"})


def phone_e164(value: str) -> str | None:
    """E.164 form of an international number ("+..." or bare digits), None when invalid."""
    digits = "".join(c for c in value if c.isdigit())
    try:
        num = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def _link_matches(text: str, low: str) -> Iterator[tuple[re.Match[str], int]]:
    """(match at a link host, start of the link including its scheme)."""
    for host in _LINK_HOSTS:
        i = low.find(host)
        while i != -1:
            if i == 0 or not (low[i - 1].isalnum() or low[i - 1] in "-_"):
                m = _LINKS.match(text, i)
                if m is not None:
                    start = i
                    for prefix in _LINK_PREFIXES:
                        if low.startswith(prefix, i - len(prefix)):
                            start = i - len(prefix)
                            break
                    yield m, start
            i = low.find(host, i + 1)


def _links(text: str, low: str) -> Iterator[Candidate]:
    for m, s in _link_matches(text, low):
        e = m.end()
        if m.group("tginv"):
            yield Candidate("telegram-invite", m.group("tginv"), s, e)
        elif m.group("tg"):
            name = m.group("tg").lower()
            if name not in _TG_RESERVED:
                yield Candidate("telegram", name, s, e)
        elif m.group("wa"):
            number = phone_e164(m.group("wa"))
            if number:
                yield Candidate("whatsapp", number, s, e)
        elif m.group("wainv"):
            yield Candidate("whatsapp-invite", m.group("wainv"), s, e)
        elif m.group("sig"):
            number = phone_e164(m.group("sig"))
            if number:
                yield Candidate("signal", number, s, e)
        elif m.group("ig") and m.group("ig").lower() not in _IG_RESERVED:
            yield Candidate("instagram", m.group("ig").lower(), s, e)


def _starts(low: str) -> dict[str, list[int]]:
    """Per platform, the offsets where one of its literals starts a word in ``low``."""
    out: dict[str, list[int]] = {}
    literals = _LITERALS if "@" not in low else _LITERALS | _AT_LITERALS
    for lit, kinds in literals.items():
        i = low.find(lit)
        while i != -1:
            if i == 0 or not low[i - 1].isalpha() or kinds == ("links",):
                for kind in kinds:
                    out.setdefault(kind, []).append(i)
            i = low.find(lit, i + 1)
    return out


def _named(text: str, kind: str, starts: list[int] | None) -> Iterator[Candidate]:
    pattern = _NEAR[kind]
    matches = (
        pattern.finditer(text)
        if starts is None
        else (m for m in (pattern.match(text, i) for i in starts) if m is not None)
    )
    for m in matches:
        at = m.group("at") is not None
        if not at and (m.group("sep") is None or kind in _NEEDS_AT):
            continue
        sep = m.group("sep")
        glued = sep in ("-", "–") and m.end("sep") == m.start("name")
        if not at and glued and text[m.start("sep") - 1 : m.start("sep")].isalnum():
            continue  # "Telegram-style": a compound word, not "telegram - name"
        if kind == "signal" and m.group("phone"):
            number = phone_e164(m.group("phone"))
            if number:
                yield Candidate("signal", number, m.start("phone"), m.end("phone"))
            continue
        name = m.group("name")
        if name is None or name.lower() in _NOT_NAMES:
            continue
        value = name.upper() if kind == "threema" else name.lower()
        yield Candidate(kind, value, m.start("name") - at, m.end("name"))


def _tg_handles(text: str) -> Iterator[Candidate]:
    """``@handle`` with a Telegram word or ✈ within TG_CONTEXT_CHARS either side."""
    for m in _AT_HANDLE.finditer(text):
        s, e = m.span()
        # The gap counts, not the word: "telegram" ending 40 characters before still counts.
        window = text[max(0, s - TG_CONTEXT_CHARS - 8) : e + TG_CONTEXT_CHARS + 8]
        if _TG_CONTEXT.search(window):
            yield Candidate("telegram", m.group("name").lower(), s, e)


@register_extractor("messaging", triggers=None)
def extract_messaging(text: str, region: str | None = None) -> Iterator[Candidate]:
    low = text.lower()
    starts = _starts(low)
    if "links" in starts:
        yield from _links(text, low if len(low) == len(text) else text)
    same_offsets = len(low) == len(text)  # lower-casing "İ" adds a character
    for kind in _NEAR:
        if kind in starts:
            yield from _named(text, kind, sorted(set(starts[kind])) if same_offsets else None)
    if "telegram" in starts and "@" in text:
        yield from _tg_handles(text)
    if b"a" * 66 in ascii_view(text)[0]:
        for m in _SESSION.finditer(text):
            yield Candidate("session", m.group(0).lower(), m.start(), m.end())
