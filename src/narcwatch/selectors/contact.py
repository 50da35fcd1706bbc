"""E-mail addresses (with the usual obfuscations) and phone numbers (E.164).

"name [at] domain (dot) com", "name(at)domain.com", "name at domain dot com" are read as
e-mail when the result has a real public suffix. Phone numbers are parsed with
phonenumbers: with a default region (``--region FR``) national numbers count too,
without one only numbers written with their country code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from narcwatch.selectors import ascii_view, literal_starts, matches_at
from narcwatch.selectors.registry import Candidate, ExtractOptions, register_extractor
from narcwatch.selectors.web import public_suffix_ok

_AT = r"(?:@|\s?[\[\(\{<]\s?(?:at|@)\s?[\]\)\}>]\s?|\s(?:at|AT)\s)"
_DOT = r"(?:\.|\s?[\[\(\{<]\s?(?:dot|\.)\s?[\]\)\}>]\s?|\s(?:dot|DOT)\s)"
# A host followed by "@" is the user part of the next address ("email me at john.smith@
# gmail.com"), never the end of one: the look-ahead refuses it, so "me at john.smith" is
# not taken and the real address after it is.
_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<user>[A-Za-z0-9][A-Za-z0-9._%+-]{{0,63}}){_AT}"
    rf"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?{_DOT})+[A-Za-z]{{2,24}})"
    r"(?![\w@-])"
)
_DOT_SPLIT = re.compile(_DOT)
# Digit runs that may be phone numbers: 8+ digits with spaces, dots, dashes, brackets.
# (No look-behind in front: a pattern starting with a character class lets the regex engine
# skip quickly to the next candidate; the character before is checked in code.)
_PHONE = re.compile(r"[+\d][\d\s().\-/]{6,20}\d(?!\w)")
# Without a default region only international numbers count: start the search at "+"/"00".
_PHONE_INTL = re.compile(r"(?:\+|00)\d[\d\s().\-/]{6,20}\d(?![\w])")
_SCHEDULE_TAIL = re.compile(r"\s+\d{1,2}/\d{1,2}$")
_LEAD_WORD = re.compile(r"[^\W\d_]+")
# Where an address may be: each "@", each bracketed "at" (brackets are rare, so this regex
# skips through text fast), each " at " followed by a dotted or "dot" host. The e-mail
# regex then runs only in a window around each anchor, never over the whole text.
_BRACKET_AT = re.compile(r"[\[\(\{<]\s?(?:at|AT|At|@)\s?[\]\)\}>]")
_WORD_AT_TAIL = re.compile(
    r"\s(?:at|AT)\s[A-Za-z0-9-]+(?:\.|\s?[\[\(\{<]\s?(?:dot|\.)\s?[\]\)\}>]|\s(?:dot|DOT)\s)"
)
_BEFORE, _AFTER = 70, 300  # user part <= 64 characters; host names <= 253


def _inside_url(text: str, start: int) -> bool:
    before = text[max(0, start - 200) : start]
    if not before or before[-1].isspace():
        return False
    return "://" in before.split()[-1]


def _address_follows(text: str, start: int) -> bool:
    """Whether the word at ``start`` is a plain address ("at john.smith@gmail.com"): then
    the "at" before it is a word, and the address has its own "@" anchor."""
    word = text[start : start + _BEFORE]
    return "@" in word.split(maxsplit=1)[0] if word.strip() else False


_USER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_LABEL = re.compile(r"[A-Za-z0-9-]{1,63}")


def _could_be_address(text: str, a: int) -> bool:
    """Whether the "@" at ``a`` can be the middle of an address: a user character right
    before it and a host label then a dot right after. Most "@" are handles ("@shop"),
    and the e-mail regex, run over the window of each, cost more than the rest of the
    selectors on a social page. Bracketed and worded anchors are left to the regex."""
    if text[a] != "@":
        return True
    if a == 0 or text[a - 1] not in _USER_CHARS:
        return False  # "[@]" after a space has its own bracket anchor
    label = _LABEL.match(text, a + 1)
    return label is not None and _DOT_SPLIT.match(text, label.end()) is not None


def _anchors(text: str) -> list[int]:
    out = []
    i = text.find("@")
    while i != -1:
        out.append(i)
        i = text.find("@", i + 1)
    if any(c in text for c in "([{<"):  # one memchr each: most text has no brackets
        out += [m.start() for m in _BRACKET_AT.finditer(text)]
    for word in (" at ", " AT "):
        i = text.find(word)
        while i != -1:
            if _WORD_AT_TAIL.match(text, i) and not _address_follows(text, i + 4):
                out.append(i)
            i = text.find(word, i + 1)
    return sorted(out)


@register_extractor("email", triggers=None)  # _anchors is the cheap test
def extract_email(text: str, options: ExtractOptions) -> Iterator[Candidate]:
    done = -1  # end of the last address found: anchors inside it are spent
    for a in _anchors(text):
        if a < done or not _could_be_address(text, a):
            continue
        window = _EMAIL.finditer(text, max(0, a - _BEFORE), min(len(text), a + _AFTER))
        m = next((m for m in window if m.start() <= a < m.end()), None)
        if m is None:
            continue
        domain = ".".join(p for p in _DOT_SPLIT.split(m.group("domain")) if p).lower()
        plain = "@" in m.group(0)
        bare_words = not plain and not any(b in m.group(0) for b in "[({<")
        user = m.group("user")
        if plain and _inside_url(text, m.start()):
            continue  # "http://user:password@host": user info, not an address
        if bare_words and not any(c.isdigit() or c in "._-" for c in user):
            continue  # "meet me at home dot com" is prose; "shop_24 at proton dot me" is not
        if not plain and not public_suffix_ok(domain, strict=True):
            continue
        if plain and not public_suffix_ok(domain):
            continue
        # Only an accepted address spends the anchors inside it: a rejected " at " reading
        # must leave the "@" of a real address after it to its own anchor.
        done = m.end()
        yield Candidate("email", f"{user.lower()}@{domain}", m.start(), m.end())


def is_amount(text: str, start: int, end: int, options: ExtractOptions) -> bool:
    """Whether the digits at ``text[start:end]`` read as a decimal, amount or reference
    (next to one of ``options``' unit or currency words or symbols)."""
    before = text[max(0, start - 12) : start]
    if before[-1:] in (".", ",") and before[-2:-1].isdigit():
        return True  # "0.00447911123456 BTC": the fraction of a decimal number
    after = text[end : end + 24].lstrip()
    if after[:1] in (".", ",") and after[1:2].isdigit():
        return True
    words, symbols = options.amount_words, options.amount_symbols
    if before.rstrip().endswith(symbols) or after.startswith(symbols):
        return True
    word = _LEAD_WORD.match(after)
    return word is not None and word.group(0).lower() in words


# The phone regexes are greedy over spaces, so a token of digits written after a number
# joins it ("+7 912 345-67-89 24/7" is read with "24/7" in it, and is then no number). When
# the whole run of an international number ("+" or "00") is too long to be one, it is read
# again without its last space-separated groups, longest first, at most this many times
# (each try is a phonenumbers parse). National numbers are not cut: in tables of figures
# ("7 . 80 6 . 80 7 . 60") some cut of a run is always a valid number of the region.
_MAX_TRIMS = 2
_GAP = re.compile(r"\s+")
_NO_SHORTER = frozenset(
    {phonenumbers.ValidationResult.TOO_SHORT, phonenumbers.ValidationResult.INVALID_COUNTRY_CODE}
)


def _trimmed(raw: str) -> Iterator[str]:
    """``raw``, then ``raw`` cut before its last space-separated groups (longest first)."""
    yield raw
    cuts = [g.start() for g in _GAP.finditer(raw) if raw[g.start() - 1].isdigit()]
    for cut in reversed(cuts[-_MAX_TRIMS:]):
        yield raw[:cut]


def _phone_at(text: str, start: int, raw: str, options: ExtractOptions) -> Candidate | None:
    """The first reading of ``raw`` (at ``text[start:]``) that is a valid number."""
    region = options.region
    international = raw.startswith(("+", "00"))
    if not international and region is None:
        return None
    for part in _trimmed(raw) if international else (raw,):
        digits = sum(c.isdigit() for c in part)
        if digits < 8:
            break  # shorter cuts have fewer digits still
        if digits > 15:
            continue
        candidate = "+" + part[2:] if part.startswith("00") else part
        try:
            num = phonenumbers.parse(candidate, None if international else region)
        except phonenumbers.NumberParseException as exc:
            if exc.error_type == phonenumbers.NumberParseException.TOO_LONG:
                continue
            break  # a bad country code or no number: a shorter cut is no better
        end = start + len(part)
        if phonenumbers.is_valid_number(num):
            if is_amount(text, start, end, options):
                return None
            value = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
            return Candidate("phone", value, start, end)
        if phonenumbers.is_possible_number_with_reason(num) in _NO_SHORTER:
            break  # too short already, or no such country: a shorter cut is no better
    return None


@register_extractor("phone", triggers=None)
def extract_phone(text: str, options: ExtractOptions) -> Iterator[Candidate]:
    region = options.region
    if region is None and "+" not in text and "00" not in text:
        return
    if ascii_view(text)[1].count(b"d") < 8:
        return  # fewer than 8 digits in all
    if region is None:
        # International numbers start at "+" or "00": the regex is tried there only.
        plus, zeros = literal_starts(text, ("+", "00"), (True, True))
        matches = matches_at(_PHONE_INTL, text, sorted({*plus, *zeros}))
    else:
        matches = _PHONE.finditer(text)
    for m in matches:
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "+"):
            continue
        # "+43 664 123456 24/7": a last group that is a short fraction ("24/7", "7/24")
        # is a schedule, not digits of the number; in numbering plans of variable length
        # the run with it is valid too, and wrong.
        raw = _SCHEDULE_TAIL.sub("", m.group(0))
        found = _phone_at(text, m.start(), raw, options)
        if found is not None:
            yield found
