"""Messenger identifiers: Telegram, WhatsApp, Signal, Wickr, Session, Threema, Wire,
Snapchat and Instagram.

Links (t.me/NAME, wa.me/NUMBER, signal.me, instagram.com/NAME) are unambiguous. A bare
``@handle`` is reported only when its platform is named next to it ("telegram @shop",
"insta: @shop", "✈️ @shop"): an @name alone could be any site's user, and reporting it
as Telegram would link sellers who merely share a name elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from narcwatch.selectors.registry import Candidate, register_extractor

_LINKS = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?(?P<tg>[A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_])"
    r"|(?:https?://)?(?:wa\.me/|api\.whatsapp\.com/send/?\?phone=)\+?(?P<wa>\d{7,15})"
    r"|(?:https?://)?signal\.me/#p/(?P<sig>\+\d{7,15})"
    r"|(?:https?://)?(?:www\.)?instagram\.com/(?P<ig>[A-Za-z0-9._]{1,30})(?![A-Za-z0-9._])",
    re.IGNORECASE,
)
# "<platform word> [:|-|id|me] @?name" within a few characters.
_PLATFORM_WORDS = {
    "telegram": r"telegram|telegramm|telega|телеграм\w*|телега|tg|tlgrm|✈️|✈",
    "wickr": r"wickr(?:\s?me)?",
    "signal": r"signal",
    "threema": r"threema(?:\s?id)?",
    "wire": r"wire",
    "snapchat": r"snapchat|snap|sc",
    "instagram": r"instagram|insta|ig",
}
_NAME = {
    "telegram": r"@?(?P<name>[A-Za-z][A-Za-z0-9_]{4,31})",
    "wickr": r"@?(?P<name>[A-Za-z0-9_.\-]{3,30})",
    "signal": r"@?(?P<name>[A-Za-z][A-Za-z0-9_]{2,31}\.\d{2,})",  # Signal usernames: name.01
    "threema": r"(?P<name>[A-Z0-9*]{8})",
    "wire": r"@(?P<name>[a-z0-9_]{2,64})",
    "snapchat": r"@?(?P<name>[A-Za-z][A-Za-z0-9._\-]{2,14})",
    "instagram": r"@(?P<name>[A-Za-z0-9._]{1,30})",
}
_NEAR = {
    kind: re.compile(
        rf"(?<![A-Za-z])(?i:{words})\s?(?i:[:\-–=]|id|me|@)?\s?(?:[:\-]\s?)?{_NAME[kind]}",
        re.IGNORECASE if kind not in ("threema", "wire") else 0,
    )
    for kind, words in _PLATFORM_WORDS.items()
}
_SESSION = re.compile(r"(?<![0-9a-fA-F])05[0-9a-fA-F]{64}(?![0-9a-fA-F])")
# Literal words that must be in the (lower-cased) text before a platform's pattern runs.
_GATES = {
    "telegram": ("telegram", "telega", "телег", "tg", "tlgrm", "✈"),
    "wickr": ("wickr",),
    "signal": ("signal",),
    "threema": ("threema",),
    "wire": ("wire",),
    "snapchat": ("snap", "sc:", "sc "),
    "instagram": ("insta", "ig"),
}
_LINK_GATES = (
    "t.me/",
    "telegram.me/",
    "telegram.dog/",
    "wa.me/",
    "whatsapp.com/",
    "signal.me/",
    "instagram.com/",
)
# Words that follow "signal:" or "snap:" in ordinary text and are not user names.
_NOT_NAMES = frozenset({"only", "me", "us", "here", "dm", "pm", "the", "and", "for", "app"})


@register_extractor(
    "messaging",
    triggers=(
        "t.me",
        "telegram",
        "wa.me",
        "whatsapp",
        "signal",
        "instagram",
        "insta",
        "wickr",
        "threema",
        "wire",
        "snap",
        "tg",
        "телег",
        "✈",
        "session",
        "05",
    ),
)
def extract_messaging(text: str, region: str | None = None) -> Iterator[Candidate]:
    low = text.lower()
    links = _LINKS.finditer(text) if any(g in low for g in _LINK_GATES) else ()
    for m in links:
        if m.group("tg"):
            yield Candidate("telegram", m.group("tg").lower(), m.start(), m.end())
        elif m.group("wa"):
            yield Candidate("whatsapp", "+" + m.group("wa"), m.start(), m.end())
        elif m.group("sig"):
            yield Candidate("signal", m.group("sig"), m.start(), m.end())
        elif m.group("ig"):
            yield Candidate("instagram", m.group("ig").lower(), m.start(), m.end())
    for kind, pattern in _NEAR.items():
        if not any(g in low for g in _GATES[kind]):
            continue
        for m in pattern.finditer(text):
            name = m.group("name")
            if name.lower() in _NOT_NAMES:
                continue
            value = name.upper() if kind == "threema" else name.lower()
            start = m.start("name") - (
                1 if text[m.start("name") - 1 : m.start("name")] == "@" else 0
            )
            yield Candidate(kind, value, start, m.end("name"))
    sessions = _SESSION.finditer(text) if "05" in text else ()
    for m in sessions:
        yield Candidate("session", m.group(0).lower(), m.start(), m.end())


def whatsapp_number(value: str) -> str | None:
    """E.164 form of a WhatsApp number, or None when it is not a valid number."""
    try:
        num = phonenumbers.parse(value if value.startswith("+") else "+" + value, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
