"""Reddit dumps: Pushshift / Arctic Shift NDJSON of submissions and comments.

One JSON object per line; a submission (``title``, ``selftext``, ``url``, ``domain``)
becomes ``title + "\\n\\n" + selftext``, a comment its ``body``. Lines of the Reddit API's
own ``{"kind": "t3", "data": {...}}`` wrapping are unwrapped. A link post's external
``url`` (not a self post, not Reddit's own permalink) is appended after a blank line, so
a ``t.me`` or shop link posted as the link is not lost. Bodies that are ``[deleted]`` or
``[removed]`` are skipped silently (counted in a log line); an author ``[deleted]`` is
no author. ``raw`` is the line as read, so re-reading gives the same ids.

Plain and gzip-compressed files are read (gzip through the input layer); zstandard
(``.zst``, how Pushshift ships its monthly dumps) is not: decompress with ``zstd -d``
first, or pipe ``zstd -dc RC_2023-01.zst | narcwatch scan - -i reddit``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadItem, ReadOptions, register_reader
from narcwatch.ingest.fields import parse_date
from narcwatch.ingest.jsonl import LineDecoder, _lines, parse_object

log = logging.getLogger(__name__)

GONE = frozenset({"[deleted]", "[removed]", "[deleted by user]", "[removed by reddit]"})
_SITE = "https://www.reddit.com"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_KEY = re.compile(
    rb'"(subreddit|created_utc|subreddit_id|permalink|link_id|parent_id|body|selftext|title)"\s*:'
)
_TEXT_KEYS = frozenset({b"body", b"selftext", b"title"})


def _sniff(head: bytes) -> float:
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not s.startswith(b"{"):
        return 0.0
    found = set(_KEY.findall(s))
    # A community, another Reddit key and a Reddit text key: not any JSON with a subreddit.
    if b"subreddit" in found and found & _TEXT_KEYS and len(found - _TEXT_KEYS) >= 2:
        return 0.95
    return 0.0


def _str(value: Any) -> str | None:
    """A scalar as clean text; None for null, empty, lists and objects."""
    if isinstance(value, str):
        value = value.strip()
        return _SURROGATE.sub("\ufffd", value) if value else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _odd(value: Any) -> bool:
    """A value present but of a type no text comes from (a list, an object, a bool)."""
    return isinstance(value, bool) or not isinstance(value, str | int | float | None)


def _kind(record: dict[str, Any]) -> str:
    name = _str(record.get("name")) or ""
    if name.startswith(("t1_", "t3_")):
        return "comment" if name.startswith("t1_") else "submission"
    if "body" in record or ("parent_id" in record and "title" not in record):
        return "comment"
    return "submission"


def _text(record: dict[str, Any], kind: str) -> str | None:
    """The document text; None when deleted or removed, "" when there is none."""
    if kind == "comment":
        body = _str(record.get("body"))
        return None if body in GONE else body or ""
    title = _str(record.get("title"))
    selftext = _str(record.get("selftext"))
    if selftext in GONE:
        if title is None or title in GONE:
            return None
        selftext = None
    text = "\n\n".join(p for p in (title, selftext) if p)
    link = _link(record)
    if link and link not in text:
        text = f"{text}\n\n{link}" if text else link
    return text


def _link(record: dict[str, Any]) -> str | None:
    """A link post's external URL (None for self posts and Reddit's own pages)."""
    url = _str(record.get("url"))
    domain = _str(record.get("domain")) or ""
    if not url or domain.startswith("self.") or record.get("is_self") is True:
        return None
    if url.startswith((_SITE, "/r/", "/u/")) or "reddit.com/r/" in url:
        return None
    return url


def _url(record: dict[str, Any], kind: str, rid: str | None) -> str | None:
    permalink = _str(record.get("permalink"))
    if permalink:
        return permalink if permalink.startswith("http") else _SITE + "/" + permalink.lstrip("/")
    sub, link = _str(record.get("subreddit")), _str(record.get("link_id"))
    if kind == "comment" and sub and link and rid:
        return f"{_SITE}/r/{sub}/comments/{link.removeprefix('t3_')}/_/{rid}/"
    return None


def reddit_document(
    record: dict[str, Any], raw: bytes, source: str, location: str
) -> RawDocument | InputError | None:
    """A document for one record, None when deleted, or an error when it has no text."""
    if record.get("kind") in ("t1", "t3") and isinstance(record.get("data"), dict):
        record = record["data"]
    kind = _kind(record)
    text = _text(record, kind)
    if text is None:
        return None
    if not text:
        what = ("body",) if kind == "comment" else ("title", "selftext")
        odd = [f"{k} is {type(record[k]).__name__}" for k in what if _odd(record.get(k))]
        why = f" ({', '.join(odd)})" if odd else ""
        return InputError(source, location, f"no text in {' or '.join(what)}{why}")
    rid = _str(record.get("id"))
    prefix = "t1_" if kind == "comment" else "t3_"
    if rid:
        rid = rid.removeprefix(prefix)
    author = _str(record.get("author"))
    fields = {"kind": kind}
    for key in ("subreddit", "link_id", "parent_id", "score", "domain"):
        if value := _str(record.get(key)):
            fields[key] = value
    if link := _link(record):
        fields["link_url"] = link
    title = _str(record.get("title")) if kind == "submission" else _str(record.get("link_title"))
    return RawDocument(
        text=text,
        source=source,
        location=location,
        raw=raw,
        source_id=prefix + rid if rid else None,
        url=_url(record, kind, rid),
        title=title,
        platform="reddit",
        author=None if author in GONE else author,
        published=parse_date(record.get("created_utc") or record.get("created")),
        fields=fields,
    )


@register_reader(
    "reddit",
    extensions=(".jsonl", ".ndjson", ".json", ".jsonlines"),
    sniff=_sniff,
    description="Reddit submissions and comments, Pushshift-style NDJSON (not .zst)",
)
def read_reddit(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    limit = options.max_record_bytes
    text_of = LineDecoder(options.encoding)
    any_line = False
    skipped = 0
    for number, line in _lines(stream, limit):
        location = f"line {number}"
        if line is None:
            any_line = True
            yield InputError(source, location, f"line longer than {limit:,} bytes, skipped")
            continue
        data = line.strip()
        if number == 1:
            data = data.removeprefix(b"\xef\xbb\xbf")
        if not data:
            continue
        any_line = True
        record = parse_object(text_of(data), source, location)
        if isinstance(record, InputError):
            yield record
            continue
        item = reddit_document(record, data, source, location)
        if item is None:
            skipped += 1
        else:
            yield item
    if not any_line:
        yield InputError(source, None, "empty file: no Reddit records")
    if skipped:
        log.info("%s: %d deleted or removed posts skipped", source, skipped)
