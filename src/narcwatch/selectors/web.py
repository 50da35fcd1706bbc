"""Web selectors: URLs, domains (public-suffix aware), Tor onion and I2P addresses.

Onion v3 addresses are checked as Tor does: base32 of public key (32 bytes), checksum
(2 bytes) and version (0x03), the checksum being SHA3-256(".onion checksum" | key |
version)[:2]. v2 addresses (16 characters, retired by Tor in 2021) are reported as
"onion-v2", weak: they appear in old dumps and cannot be verified.
I2P: "name.b32.i2p" (52 base32 characters, a hash: nothing to verify) is strong; a named
host ("shop.i2p", resolved by address books) is weak.

URLs are always weak, even around an onion: the onion (or I2P) host inside is reported as
its own strong selector and the URL says which page. Bare domains are weak and reported
only under a known public suffix (the list bundled with tldextract, never fetched).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache

import tldextract

from narcwatch import _native
from narcwatch.selectors import _ALNUM, lowered
from narcwatch.selectors.registry import Candidate, ExtractOptions, register_extractor

_ONION = re.compile(r"(?<![a-z2-7])(?P<host>[a-z2-7]{56}|[a-z2-7]{16})\.onion(?![a-z0-9])", re.I)
_I2P = re.compile(
    r"(?<![a-z0-9.-])(?:(?P<b32>[a-z2-7]{52})\.b32|(?P<named>(?:[a-z0-9-]+\.)*[a-z0-9-]+))"
    r"\.i2p(?![a-z0-9-])",
    re.I,
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`{}|\\^\[\]]+", re.I)
# A top-level label: "." then letters, not followed by more host characters. Searching
# for the literal "." first is much faster than trying a host pattern at every position.
_TLD = re.compile(r"\.(?!onion(?![a-z0-9-])|i2p(?![a-z0-9-]))[a-z]{2,24}(?![a-z0-9-]|\.[a-z0-9])")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
# Bare host names (no scheme) are reported only under country-code TLDs and these
# long-standing generic ones: the hundreds of new gTLDs (.contact, .shop, .online) make
# "sale.Contact" or "home.Shop" look like domains in page text that lost its spaces.
BARE_GTLDS = frozenset(
    {
        "com",
        "net",
        "org",
        "info",
        "biz",
        "edu",
        "gov",
        "int",
        "mil",
        "pro",
        "xyz",
        "top",
        "club",
        "online",
        "site",
        "store",
        "shop",
        "app",
        "dev",
    }
)
# Suffixes that are mostly file names in text ("notes.md", "setup.py", "clip.mov").
# (".pl" and ".rs" are Polish and Serbian domains too often to be treated as file names.)
_FILE_LIKE = frozenset({"py", "md", "sh", "zip", "mov", "so", "exe", "txt", "pdf"})


@lru_cache(maxsize=1)
def _tld() -> tldextract.TLDExtract:
    # The public suffix list bundled with tldextract: never fetched over the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def public_suffix_ok(host: str, *, strict: bool = False) -> bool:
    """Whether ``host`` ends in a known public suffix (and has a name before it)."""
    parts = _tld()(host)
    if not parts.suffix or not parts.domain:
        return False
    return not strict or parts.suffix.split(".")[-1] not in _FILE_LIKE


@lru_cache(maxsize=4096)
def onion_v3_ok(host: str) -> bool:
    try:
        raw = base64.b32decode(host.upper())
    except ValueError:
        return False
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34:]
    if version != b"\x03":
        return False
    digest = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()
    return digest[:2] == checksum


def _clean_url(url: str) -> str:
    url = url.rstrip(".,;:!?)»”’")
    return url


_AUTHORITY_END = re.compile(r"[/?#]")


def _split_url(url: str) -> tuple[str, str, str]:
    """(scheme, authority, rest) of a URL; ``www.`` links get "http"."""
    if url.lower().startswith("www."):
        url = "http://" + url
    scheme, _, rest = url.partition("://")
    m = _AUTHORITY_END.search(rest)
    cut = m.start() if m else len(rest)
    return scheme, rest[:cut], rest[cut:]


def _authority_host(authority: str) -> str:
    authority = authority.rpartition("@")[2]
    return authority.rsplit(":", 1)[0].lower() if "]" not in authority else authority.lower()


def url_host(url: str) -> str:
    """The lower-case host of a URL, without user info or port."""
    return _authority_host(_split_url(url)[1])


def normalize_url(url: str) -> str:
    """Scheme and host lower-cased, fragment dropped, ``www.`` links given a scheme."""
    scheme, authority, rest = _split_url(url)
    return f"{scheme.lower()}://{authority.lower()}{rest.split('#', 1)[0]}"


def host_spans(low: str) -> list[tuple[int, int]]:
    """Spans of dotted host names ending in a letters-only label (C when the native path
    is on, else :func:`_hosts`)."""
    native = _native.speedups
    return native.host_spans(low) if native is not None else list(_hosts(low))


def _hosts(low: str) -> Iterator[tuple[int, int]]:
    """Spans of dotted host names ending in a letters-only label (the reference)."""
    last_start = -1
    for m in _TLD.finditer(low):
        start = m.start()
        while start > 0 and low[start - 1] in _HOST_CHARS:
            start -= 1
        while start < m.start() and low[start] in ".-":
            start += 1
        if start >= m.start() or start == last_start:
            continue
        last_start = start
        yield start, m.end()


_BASE32 = frozenset("abcdefghijklmnopqrstuvwxyz234567")
# Onions written to slip past filters: "host[.]onion", "host (dot) onion", "host dot onion".
_DEFANGED_ONION = re.compile(
    r"(?<![a-z2-7])(?P<host>[a-z2-7]{56})\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)"
    r"|\{\s*(?:\.|dot)\s*\}|\s+dot\s+|\s+\.\s*|\.\s+)\s*onion(?![a-z0-9])",
    re.I,
)


def url_parts(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """(host, normal form) of each URL ``text[start:end]``: C for ASCII URLs when the
    native path is on, else :func:`_url_part`."""
    native = _native.speedups
    if native is None:
        return [_url_part(text[s:e]) for s, e in spans]
    parts: list[tuple[str, str] | None] = native.url_parts(text, spans)
    return [
        p if p is not None else _url_part(text[s:e]) for p, (s, e) in zip(parts, spans, strict=True)
    ]


def _url_part(url: str) -> tuple[str, str]:
    """(:func:`url_host`, :func:`normalize_url`) of ``url``, splitting it once."""
    scheme, authority, rest = _split_url(url)
    return _authority_host(
        authority
    ), f"{scheme.lower()}://{authority.lower()}{rest.split('#', 1)[0]}"


# A defanged onion's host is a whole run of exactly 56 base32 characters (the look-behind
# refuses one more before it, and every way of writing the dot starts with another
# character), so in ASCII text it can only start where a run of 56+ ASCII letters and
# digits does: found with bytes.find, where the regex over the whole page cost ~25 µs.
_B32_RUN = re.compile(r"(?<![a-z2-7])[a-z2-7]{56}(?![a-z2-7])", re.I)
_RUN56 = b"a" * 56


def _defanged_onions(low: str) -> Iterator[re.Match[str]]:
    """``_DEFANGED_ONION.finditer(low)``: the regex tried only at the start of each run of
    56 base32 characters (non-ASCII text, where ``re.I`` reads "ſ" as an "s", is scanned
    whole)."""
    if not low.isascii():
        yield from _DEFANGED_ONION.finditer(low)
        return
    view = low.encode("ascii").translate(_ALNUM)
    done = 0  # end of the last match: finditer's matches do not overlap
    i = view.find(_RUN56)
    while i != -1:
        end = view.find(b" ", i)
        end = len(view) if end == -1 else end
        for run in _B32_RUN.finditer(low, i, end):
            if run.start() >= done and (m := _DEFANGED_ONION.match(low, run.start())):
                done = m.end()
                yield m
        i = view.find(_RUN56, end)


def onion_spans(low: str) -> list[tuple[int, int, int]]:
    """``(start, end, size)`` of each onion host of ``low`` that may be one: C when the
    native path is on, else :func:`_onion_spans`."""
    native = _native.speedups
    return native.onion_spans(low) if native is not None else list(_onion_spans(low))


def _onion_spans(low: str) -> Iterator[tuple[int, int, int]]:
    """At each literal ".onion" not followed by a letter or digit (found with str.find, no
    regex scan of the text), the first host size, 56 (v3) or 16 (v2), whose base32 host
    ends there and does not continue a word: ``(start, end of ".onion", size)``."""
    i = low.find(".onion")
    while i != -1:
        end = i + 6
        if end >= len(low) or not low[end].isalnum():
            for size in (56, 16):
                start = i - size
                if start < 0 or (start > 0 and low[start - 1].isalnum()):
                    continue
                if not _BASE32.issuperset(low[start:i]):
                    continue
                yield start, end, size
                break
        i = low.find(".onion", end)


def _onions(low: str) -> Iterator[Candidate]:
    """Onion hosts: v3 ones whose checksum holds (strong), v2 ones (weak)."""
    for start, end, size in onion_spans(low):
        if size == 16:
            yield Candidate("onion-v2", low[start:end], start, end, "weak")
        elif onion_v3_ok(low[start : end - 6]):
            yield Candidate("onion", low[start:end], start, end)


def url_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each URL of ``text`` (``_URL``, without the trailing punctuation
    :func:`_clean_url` drops): C when the native path is on, else :func:`_url_spans`."""
    native = _native.speedups
    return native.url_spans(text) if native is not None else list(_url_spans(text))


def _url_spans(text: str) -> Iterator[tuple[int, int]]:
    for m in _URL.finditer(text):
        yield m.start(), m.start() + len(_clean_url(m.group(0)))


@register_extractor("web", triggers=("http", "www.", "onion", ".i2p", "."))
def extract_web(text: str, options: ExtractOptions) -> Iterator[Candidate]:
    low = lowered(text)
    if len(low) != len(text):  # lower-casing changed lengths ("İ"): keep offsets right
        low = text
    if ".onion" in low:
        yield from _onions(low)
    if "onion" in low and any(mark in low for mark in ("[", "(", "{", " dot ", " .", ". ")):
        for m in _defanged_onions(low):
            host = m.group("host")
            if onion_v3_ok(host):
                yield Candidate("onion", host + ".onion", m.start(), m.end())
    if ".i2p" in low:
        for m in _I2P.finditer(text):
            host = m.group(0).lower()
            if m.group("named") and host.endswith(".b32.i2p"):
                continue  # a b32 address of the wrong length
            yield Candidate("i2p", host, m.start(), m.end(), "strong" if m.group("b32") else "weak")
    if "http" in low or "www." in low:
        spans = url_spans(text)
        for (s, e), (host, url) in zip(spans, url_parts(text, spans), strict=True):
            if host.endswith((".onion", ".i2p")) or public_suffix_ok(host):
                yield Candidate("url", url, s, e, "weak")
    for s, e in host_spans(low):
        if s > 0 and (low[s - 1] in "@_/" or low[s - 1].isalnum()):
            continue  # inside an e-mail, URL path or longer token
        host = low[s:e]
        tld = host.rpartition(".")[2]
        if host.endswith((".onion", ".i2p")) or (len(tld) != 2 and tld not in BARE_GTLDS):
            continue
        if text[e - len(tld)].isupper() and host.count(".") == 1 and text[s].islower():
            continue  # "sale.Contact": a sentence that lost the space after its full stop
        if public_suffix_ok(host, strict=True):
            yield Candidate("domain", host, s, e, "weak")
