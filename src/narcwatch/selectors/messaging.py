"""Messenger identifiers: Telegram, WhatsApp, Signal, Wickr, Session, Threema, Wire,
Snapchat and Instagram, and bare ``@handles``.

Links (t.me/NAME, wa.me/NUMBER, signal.me/#p/+NUMBER, instagram.com/NAME,
snapchat.com/add/NAME) are unambiguous. Telegram invite links (t.me/+HASH,
t.me/joinchat/HASH) are type "telegram-invite" and WhatsApp group links "whatsapp-invite",
value the case-sensitive invite code.
A name written after a platform word needs a separator: "telegram: shop", "wickr me
shop", "snap - shop", "👻 shop", or an ``@`` ("insta @shop"); "telegram channel" is prose.
Wickr and Snapchat names that cannot be words (a digit or "_" in them) need no separator:
"wickr acidqueen_nl", "snap coolguy99". A name is never a platform word itself, a URL
scheme ("snap: https://...") or part of a host name or path.
A Telegram ``@handle`` also counts when a Telegram word or ✈️ is within 40 characters.
Any other ``@handle`` (not inside an e-mail address or URL) is type "handle": strong after
an order/contact cue in front of it ("Order: @shop", "liên hệ @shop", "пиши @shop"), weak
elsewhere: it could be any site's user, and typing it as Telegram would link sellers who
merely share a name elsewhere.
Values: handles lower-case without ``@`` (Threema IDs upper-case), numbers in E.164.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import phonenumbers

from narcwatch.selectors import ascii_view, literal_starts, lowered
from narcwatch.selectors.registry import Candidate, ExtractOptions, register_extractor
from narcwatch.selectors.web import BARE_GTLDS

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
    "snapchat.com/add/",
)
_LINKS = re.compile(
    r"(?:t\.me|telegram\.me|telegram\.dog)/"
    r"(?:(?:\+|joinchat/)(?P<tginv>[A-Za-z0-9_\-]{10,40})"
    r"|(?:s/)?(?P<tg>[A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_]))"
    r"|(?:wa\.me/|api\.whatsapp\.com/send/?\?phone=)(?P<wa>\+?\d{7,15})"
    r"|chat\.whatsapp\.com/(?:invite/)?(?P<wainv>[A-Za-z0-9]{20,24})"
    r"|signal\.me/#p/(?P<sig>\+\d{7,15})"
    r"|instagram\.com/(?P<ig>[A-Za-z0-9._]{1,30})(?![A-Za-z0-9._/])"
    r"|snapchat\.com/add/(?P<sc>[A-Za-z][A-Za-z0-9._\-]{1,13}[A-Za-z0-9])(?![A-Za-z0-9._\-])",
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
    "snapchat": r"snapchat|snap|sc|👻\ufe0f?",
    "instagram": r"instagram|insta|ig",
}
_NAME = {
    "telegram": r"(?P<name>[A-Za-z][A-Za-z0-9_]{4,31})",
    # Names do not end in "." or "-": "wickr: greenshop_nl." ends a sentence.
    "wickr": r"(?P<name>[A-Za-z0-9_][A-Za-z0-9_.\-]{1,28}[A-Za-z0-9_])",
    # Signal: a phone number or a username with its two-digit discriminator ("shop.01").
    "signal": r"(?:(?P<phone>\+\d[\d \-().]{6,18}\d)|(?P<name>[A-Za-z][A-Za-z0-9_]{2,31}\.\d{2,}))",
    "threema": r"(?P<name>[A-Z0-9*]{8})",
    "wire": r"(?P<name>[a-z0-9_]{2,64})",
    "snapchat": r"(?P<name>[A-Za-z][A-Za-z0-9._\-]{1,13}[A-Za-z0-9])",
    "instagram": r"(?P<name>[A-Za-z0-9._]{1,30})",
}
# Platforms whose names need an "@" (a separator alone is not enough).
_NEEDS_AT = frozenset({"wire", "instagram"})
# Platforms whose names need no separator when they cannot be words ("wickr shop_nl"), and
# the platform words that allow it ("sc" is also South Carolina: "SC area51").
_BARE_WORDS = frozenset({"wickr", "snapchat", "snap", "👻", "👻\ufe0f"})
# Separators between a platform word and a name. Listings write Wickr ids as on a contact
# card: "Wickr ID.......name", "WICKR ID>>>>>>> name", "WICKR*******name", "Wickr -- name".
_SEP = {kind: r"[:\-–=]" for kind in _PLATFORM_WORDS}
# (One leading mark, then one bounded character class: nested repeats over a long run of
# dots would backtrack exponentially when no name follows.)
_SEP["wickr"] = r"(?:[:\-–=>;*…]|\.\.|//)[:\-–=>;*…./ \t]{0,40}"
_NEAR = {
    kind: re.compile(
        rf"(?<![A-Za-z])(?P<word>(?i:{words}))(?![A-Za-z0-9_])[ \t]*"
        rf"(?:(?P<sep>(?i:id|me)(?![A-Za-z0-9_])[ \t]*(?:{_SEP[kind]})?|{_SEP[kind]})[ \t]*)?"
        # Not followed by more of a host name, a path or a scheme's "://" ("snap: https://").
        rf"(?P<at>@)?{_NAME[kind]}(?![A-Za-z0-9_@/]|[.\-][A-Za-z0-9]|:/)"
    )
    for kind, words in _PLATFORM_WORDS.items()
}
_TG_CONTEXT = re.compile(
    r"(?<![A-Za-z])(?:telegram|telegramm|telega|tlgrm|tg)(?![A-Za-z])|телег|✈", re.IGNORECASE
)
# Not the "@" of an e-mail address ("shop@proton.me": a word character before it) nor of
# a URL's path or query ("/@name", "?u=@name"), and not followed by a host ("@proton.me").
_AT_HANDLE = re.compile(r"(?<![\w.@+\-/=&?#%])@(?P<name>[A-Za-z][A-Za-z0-9_]{4,31})(?![\w@]|\.\w)")
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
    "snap": ("snapchat", "links"),  # snapchat.com/add/NAME
    "sc": ("snapchat",),
    "👻": ("snapchat",),
    "insta": ("instagram", "links"),
    ".me/": ("links",),  # t.me/, wa.me/, signal.me/, telegram.me/
    "whatsapp": ("links",),
}
# Wire and Instagram names always carry an "@": no "@", no need to look for these.
_AT_LITERALS: dict[str, tuple[str, ...]] = {"wire": ("wire",), "ig": ("instagram",)}
# Words that follow "signal:" or "snap:" in ordinary text and are not user names; platform
# words ("Snap: snapchat: ...") and URL schemes are labels, not names either.
_NOT_NAMES = frozenset({"only", "me", "us", "here", "dm", "pm", "the", "and", "for", "app", "id"})
_NOT_NAMES |= {"http", "https", "www", "snapchat", "snap", "telegram", "wickr", "signal"}
_NOT_NAMES |= {"threema", "instagram", "insta", "whatsapp"}
# Prose after "Wickr...": "Wickr...contact us", "wickr ... download the app".
_NOT_NAMES |= {"contact", "message", "add", "download", "chat", "user", "username", "name"}
# Dotted names (Wickr, Snapchat, Instagram) ending like a host name are host names.
_HOST_ENDINGS = BARE_GTLDS | {"onion", "i2p"}


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
        elif m.group("sc"):
            yield Candidate("snapchat", m.group("sc").lower(), s, e)


def _literal_table(
    literals: dict[str, tuple[str, ...]],
) -> tuple[tuple[str, ...], tuple[bool, ...], tuple[tuple[str, ...], ...]]:
    """(literals, whether each counts anywhere or only where it starts a word, its kinds)."""
    return (
        tuple(literals),
        tuple(kinds == ("links",) for kinds in literals.values()),
        tuple(literals.values()),
    )


_PLAIN_TABLE = _literal_table(_LITERALS)
_AT_TABLE = _literal_table(_LITERALS | _AT_LITERALS)


def _starts(low: str) -> dict[str, list[int]]:
    """Per platform, the offsets where one of its literals starts a word in ``low``."""
    literals, anywhere, kinds_of = _AT_TABLE if "@" in low else _PLAIN_TABLE
    found = literal_starts(low, literals, anywhere)
    out: dict[str, list[int]] = {}
    for kinds, positions in zip(kinds_of, found, strict=True):
        if positions:
            for kind in kinds:
                out.setdefault(kind, []).extend(positions)
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
        sep = m.group("sep")
        if not at and kind in _NEEDS_AT:
            continue
        if not at and sep is None and not _bare_name_ok(m):
            continue
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
        if "." in name and name.rsplit(".", 1)[1].lower() in _HOST_ENDINGS:
            continue  # "snap: mysite.com": a host name, reported by the web extractor
        value = name.upper() if kind == "threema" else name.lower()
        yield Candidate(kind, value, m.start("name") - at, m.end("name"))


def _bare_name_ok(m: re.Match[str]) -> bool:
    """A name right after a platform word, without separator: only where the word allows
    it and the name cannot be an ordinary word ("wickr acidqueen_nl", not "wickr app")."""
    name = m.group("name")
    return (
        m.group("word").lower() in _BARE_WORDS
        and name is not None
        and ".." not in name  # "ID.......name": a separator the name pattern swallowed
        and any(c.isdigit() or c == "_" for c in name)
    )


# Order/contact cues in front of an @handle (case-insensitive, NFC): the handle is then
# the seller's contact, whatever the platform. Words with a space are matched as written.
_CUES = (
    # English (and the "Oder:" spelling of a real Vietnamese channel)
    r"orders?|order now|ordering|oder(?=\s*:)|contacts?|dms?|pm|message|msg|text|inbox"
    r"|hit me up|hmu|reach out|reach me|write|add me|enquiries|inquiries"
    # Vietnamese
    r"|liên hệ|lien he|đặt hàng|dat hang|đặt|nhắn tin|nhắn|ib|lh"
    # Spanish, Portuguese, Italian
    r"|contacto|contactar|contáctame|contáctanos|contactame|pedidos?|escríbeme|escribeme"
    r"|escríbenos|contato|chama|contatto|contattami|contattaci|ordini|scrivimi"
    # French
    r"|contactez|contacte|contacter|commandes?|commander|écris|écrivez|ecris"
    # German, Dutch, Polish
    r"|kontakt|kontaktiere|kontaktiert|bestellungen|bestellung|bestellen|schreib|schreibt"
    r"|bestelling|kontaktujcie|zamówienia|pisz"
    # Russian, Ukrainian
    r"|пиши|пишите|напиши|напишите|заказ|заказы|заказать|заказывать|контакт|контакты|связь"
    r"|оператор|пишіть|замовлення"
)
# Between the cue and the "@": words such as "me", "us", "on", "via" and punctuation,
# markdown ("****") and pointing emoji; nothing else.
_FILLER = (
    r"me|us|now|here|on|via|at|to|with|through|for|orders?|ở|qua|tại|cho|em|en|por|a|al|sur"
    r"|à|par|moi|nous|mir|uns|an|bei|per|на|в|через|мне|нам|тут"
)
_CUE_BEFORE = re.compile(
    rf"(?<!\w)(?:{_CUES})(?!\w)(?P<gap>(?:[\W_]*(?<!\w)(?:{_FILLER})(?!\w))*[\W_]*)\Z",
    re.IGNORECASE,
)
# A cue on the line before counts only with a separator ("Order:\n@shop"): a social page's
# display name ends a line before the @handle ("Law and Order\n@someone").
_LINE_SEPARATORS = frozenset(":：-–—>=👉👇⬇➡")
CUE_CHARS = 48  # how far before the "@" a cue is looked for
# "@a or @b", "@a / @b": a handle listed right after a cued one is cued too.
_LIST_GAP = re.compile(
    r"[\s,/|&*]*(?:(?:or|and|ou|et|o|y|oder|und|или|и|hoặc)[\s,/|&*]*)?\Z", re.IGNORECASE
)
# Names that are everyone's ("contact @support", "message @everyone"): a cue in front does
# not make them one seller's handle, and strong selectors link documents.
_GENERIC_HANDLES = frozenset(
    {"everyone", "admin", "admins", "support", "username", "yourname", "channel", "group"}
    | {"telegram", "whatsapp", "signal", "wickr", "snapchat", "instagram", "twitter"}
)


def _cued(before: str) -> bool:
    m = _CUE_BEFORE.search(before)
    if m is None:
        return False
    gap = m.group("gap")
    return "\n" not in gap or not _LINE_SEPARATORS.isdisjoint(gap)


def _inside_url(text: str, at: int) -> bool:
    """Whether the "@" at ``at`` is in a URL-like token ("https://x.com/@a", "www...")."""
    before = text[max(0, at - 200) : at]
    token = before.split()[-1] if before and not before[-1].isspace() else ""
    return "://" in token or token.lower().startswith("www.")


def _handles(text: str, telegram_near: bool) -> Iterator[Candidate]:
    """Every ``@handle``: Telegram with a Telegram word near (``telegram_near`` says one
    is in the text), else "handle", strong after an order/contact cue, weak otherwise."""
    cued_end = -1  # end of the last cued handle: a list after it is cued too
    i = text.find("@")
    while i != -1:
        m = _AT_HANDLE.match(text, i)
        i = text.find("@", i + 1)
        if m is None or _inside_url(text, m.start()):
            continue
        s, e = m.span()
        name = m.group("name").lower()
        # The gap counts, not the word: "telegram" ending 40 characters before still counts.
        if telegram_near:
            window = text[max(0, s - TG_CONTEXT_CHARS - 8) : e + TG_CONTEXT_CHARS + 8]
            if _TG_CONTEXT.search(window):
                yield Candidate("telegram", name, s, e)
                continue
        before = unicodedata.normalize("NFC", text[max(0, s - CUE_CHARS) : s])
        listed = cued_end >= 0 and s - cued_end <= 12 and _LIST_GAP.match(text, cued_end, s)
        if name not in _GENERIC_HANDLES and (listed or _cued(before)):
            cued_end = e
            yield Candidate("handle", name, s, e)
        else:
            yield Candidate("handle", name, s, e, "weak")


@register_extractor("messaging", triggers=None)
def extract_messaging(text: str, options: ExtractOptions) -> Iterator[Candidate]:
    low = lowered(text)
    starts = _starts(low)
    if "links" in starts:
        yield from _links(text, low if len(low) == len(text) else text)
    same_offsets = len(low) == len(text)  # lower-casing "İ" adds a character
    for kind in _NEAR:
        if kind in starts:
            yield from _named(text, kind, sorted(set(starts[kind])) if same_offsets else None)
    if "@" in text:
        yield from _handles(text, "telegram" in starts)
    if b"a" * 66 in ascii_view(text)[0]:
        for m in _SESSION.finditer(text):
            yield Candidate("session", m.group(0).lower(), m.start(), m.end())
