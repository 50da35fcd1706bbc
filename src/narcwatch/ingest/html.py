"""HTML pages: the visible text and the title (scripts, styles and templates dropped).

selectolax's lexbor parser is fast and forgiving: broken markup still gives its text.
Block elements become line breaks so a listing's fields stay on separate lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from selectolax.lexbor import LexborHTMLParser

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadItem, ReadOptions, register_reader
from narcwatch.ingest.decode import bom_encoding, decode, decode_as
from narcwatch.ingest.streams import read_bounded

_DROP = "script, style, noscript, template, svg, iframe, object, head > meta"
_BLOCKS = (
    "p, div, br, li, tr, td, th, h1, h2, h3, h4, h5, h6, section, article, header, footer, "
    "table, ul, ol, dd, dt, blockquote, pre, form, nav, aside"
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)


def _sniff(head: bytes) -> float:
    low = head[:2048].lower()
    if b"<!doctype html" in low or b"<html" in low:
        return 0.95
    if b"<body" in low or b"<div" in low or b"<p>" in low:
        return 0.6
    return 0.0


def _decode_page(data: bytes, encoding: str | None, charset: str | None) -> str:
    """Forced encoding, else BOM, else valid UTF-8, else the declared charset, else a guess.

    Valid UTF-8 wins over a declared charset: pages re-encoded to UTF-8 often keep a stale
    ``<meta charset=windows-1252>``, while non-UTF-8 text is rarely valid UTF-8 by chance.
    """
    if encoding or bom_encoding(data):
        return decode(data, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset is None:
        m = _CHARSET.search(data[:4096])
        charset = m.group(1).decode("ascii") if m else None
    if charset:
        try:
            return decode_as(data, charset)
        except LookupError:  # an unknown charset in the page's meta tag
            pass
    return decode(data)


def html_to_text(
    data: bytes | str,
    encoding: str | None = None,
    *,
    charset: str | None = None,
    _nested: bool = False,
) -> tuple[str, str | None, str | None]:
    """Visible text, title and canonical URL of an HTML document.

    ``encoding`` forces one; ``charset`` is the HTTP header's (ahead of ``<meta charset>``).
    """
    html = data if isinstance(data, str) else _decode_page(data, encoding, charset)
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = " ".join(title_node.text().split()) if title_node else None
    canonical = None
    for selector, attr in (
        ('link[rel="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
    ):
        node = tree.css_first(selector)
        if node is not None and node.attributes.get(attr):
            canonical = node.attributes[attr]
            break
    for node in tree.css(_DROP):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        return "", title or None, canonical
    for node in body.css(_BLOCKS):
        node.insert_after("\n")
    text = body.text(separator="", strip=False)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if not text and not _nested and title_node and "<" in (raw_title := title_node.text()):
        # An unclosed <title> swallows the page as title text (as browsers do); read
        # that text as the page instead of losing it.
        head, markup = raw_title.split("<", 1)
        inner, _, _ = html_to_text(f"<body><{markup}</body>", _nested=True)
        return inner, " ".join(head.split()) or None, canonical
    return text, title or None, canonical


@register_reader(
    "html",
    extensions=(".html", ".htm", ".xhtml", ".shtml"),
    sniff=_sniff,
    description="HTML page: visible text, title and canonical URL",
)
def read_html(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    data = read_bounded(stream, source, options.max_record_bytes)
    if isinstance(data, InputError):
        yield data
        return
    text, title, url = html_to_text(data, options.encoding)
    if not text:
        yield InputError(source, None, "no visible text in this page")
        return
    yield RawDocument(text=text, source=source, location="file", raw=data, title=title, url=url)
