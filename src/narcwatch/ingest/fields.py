"""Field mapping for record formats (JSON Lines, CSV): which field is the text, the title,
the author... The same rules for every record format, so a CSV export and a JSONL dump of
the same data give the same documents.

Field names are compared case- and separator-insensitively ("Item Description",
"item_description" and "itemDescription" are one name). Records of one file nearly always
share their keys, so the name matching is worked out once per key set (a *plan*) and
each record only looks up its values: mapping must cost little next to ``json.loads``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument

TEXT_FIELDS = ("text", "body", "content", "description", "selftext", "message")
TITLE_FIELDS = ("title", "item", "name", "subject", "product_title")
URL_FIELDS = ("url", "link", "permalink", "target_uri")
ID_FIELDS = ("id", "_id", "message_id", "post_id", "listing_id", "uid")
AUTHOR_FIELDS = ("author", "vendor", "vendor_name", "seller", "user", "username", "from", "sender")
PLATFORM_FIELDS = ("platform", "site", "market", "source_platform", "subreddit", "channel")
DATE_FIELDS = ("published", "created", "created_at", "created_utc", "timestamp", "date", "time")
_ROLES = (
    ("title", TITLE_FIELDS),
    ("url", URL_FIELDS),
    ("source_id", ID_FIELDS),
    ("author", AUTHOR_FIELDS),
    ("platform", PLATFORM_FIELDS),
    ("published", DATE_FIELDS),
)
_SEP = re.compile(r"[\s_\-.]+")
_WORDS = re.compile(r"[\s_\-.]+|(?<=[a-z])(?=[A-Z])")
_EPOCH = re.compile(r"\d{9,13}(\.\d+)?")
_PLAN_CACHE_SIZE = 256
_YEAR_10000 = 253402300800  # first second of year 10000, epoch seconds


def field_key(name: str) -> str:
    """The comparable form of a field name: no case, spaces, dashes, dots or underscores."""
    return _SEP.sub("", name).casefold()


def _scalar(value: Any) -> str | None:
    """A record value as text; Telegram-style lists of strings and entities are joined."""
    if type(value) is str:
        return value
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = [
            p if isinstance(p, str) else str(p.get("text", ""))
            for p in value
            if isinstance(p, str | dict)
        ]
        return "".join(parts)
    return None


def parse_date(value: Any) -> str | None:
    """Epoch seconds or milliseconds, or an ISO-like string, as ISO 8601 UTC; else None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str):
        v = value.strip()
        if _EPOCH.fullmatch(v):
            value = float(v)
        else:
            try:
                dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                try:  # RFC 2822, as in e-mail, RSS and HTTP headers
                    dt = parsedate_to_datetime(v)
                except (TypeError, ValueError, IndexError):
                    return None
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        if not 0 <= seconds < _YEAR_10000:
            return None
        # gmtime + strftime: half the cost of datetime; whole seconds are enough.
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    return None


@dataclass(frozen=True, slots=True)
class _Plan:
    """For one key set: the actual keys to try for each role, in preference order."""

    text: tuple[str, ...]
    explicit: bool  # text from --text-field: join every present field
    roles: tuple[tuple[str, tuple[str, ...]], ...]
    subreddit: str | None
    keys: tuple[str, ...]


def _candidates(by_key: Mapping[str, list[str]], names: Sequence[str]) -> tuple[str, ...]:
    return tuple(k for name in names for k in by_key.get(field_key(name), ()))


def _by_last_word(keys: Sequence[str], names: Sequence[str]) -> tuple[str, ...]:
    """Keys whose last word is one of ``names``: "Item Description", "full_text", "postDate".

    The fallback when no key is exactly a known name; whole words only, so "context" is
    not a "text" field.
    """
    last = {k: _WORDS.split(k.strip())[-1].casefold() for k in keys}
    return tuple(k for name in names for k in keys if last[k] == name)


def _make_plan(keys: tuple[Any, ...], text_fields: tuple[str, ...] | None) -> _Plan:
    keys = tuple(k for k in keys if isinstance(k, str))
    by_key: dict[str, list[str]] = {}
    for k in keys:
        by_key.setdefault(field_key(k), []).append(k)
    if text_fields:
        text = _candidates(by_key, text_fields)
    else:
        text = _candidates(by_key, TEXT_FIELDS) or _by_last_word(keys, TEXT_FIELDS)
        # A title alone is a document ("Cocaine 10 gram wholesale" in a dump of listing
        # titles): the title fields come last, read when no text field has a value.
        text += tuple(k for k in _candidates(by_key, TITLE_FIELDS) if k not in text)
    roles = []
    for role, names in _ROLES:
        found = _candidates(by_key, names)
        if not found and role == "published":
            found = _by_last_word(keys, ("date", "time", "timestamp"))
        if found:
            roles.append((role, found))
    sub = by_key.get("subreddit")
    return _Plan(text, bool(text_fields), tuple(roles), sub[0] if sub else None, keys)


_plans: dict[tuple[tuple[Any, ...], tuple[str, ...] | None], _Plan] = {}


def _plan(keys: tuple[Any, ...], text_fields: tuple[str, ...] | None) -> _Plan:
    plan = _plans.get((keys, text_fields))
    if plan is None:
        if len(_plans) >= _PLAN_CACHE_SIZE:  # files with ever-changing keys: stay bounded
            _plans.clear()
        plan = _plans[keys, text_fields] = _make_plan(keys, text_fields)
    return plan


def text_keys(
    keys: Sequence[str], text_fields: Sequence[str] | None = None, *, titles: bool = True
) -> tuple[str, ...]:
    """The keys (e.g. CSV header names) the text would be taken from, in preference order;
    without the title fields read as a fallback when ``titles`` is false."""
    found = _plan(tuple(keys), tuple(text_fields) if text_fields else None).text
    if titles or text_fields:
        return found
    title_keys = {field_key(t) for t in TITLE_FIELDS}
    return tuple(k for k in found if field_key(k) not in title_keys)


def _fields_list(record: Mapping[str, Any]) -> str:
    names = ", ".join(str(k) for k in record)
    return names if len(names) <= 200 else names[:200] + "..."


def record_to_document(
    record: Mapping[str, Any],
    *,
    raw: bytes,
    source: str,
    location: str,
    text_fields: Sequence[str] | None = None,
) -> RawDocument | InputError:
    """Map one record to a document, or an error naming what is missing.

    Keys that are not strings (never from JSON or CSV headers) are ignored.
    """
    record_get = record.__getitem__
    keys = tuple(record)
    tf = tuple(text_fields) if text_fields else None
    plan = _plans.get((keys, tf)) or _plan(keys, tf)
    used: set[str] = set()
    if plan.explicit:
        if not plan.text:
            return InputError(
                source,
                location,
                f"none of the text fields {', '.join(text_fields or ())} in this record "
                f"(fields: {_fields_list(record)})",
            )
        values = [s for k in plan.text if (s := _scalar(record_get(k)))]
        used.update(plan.text)
        text = "\n".join(values)
        if not text.strip():
            return InputError(source, location, f"empty text in {', '.join(plan.text)}")
    else:
        text = ""
        for k in plan.text:
            s = _scalar(record_get(k))
            if s and not s.isspace():
                text = s
                used.add(k)
                break
        else:
            what = "empty text" if plan.text else "no text field"
            return InputError(
                source,
                location,
                f"{what} ({', '.join(TEXT_FIELDS)}; choose one with --text-field) "
                f"in fields: {_fields_list(record)}",
            )
    meta: dict[str, str] = {}
    date: Any = None
    for role, candidates in plan.roles:
        for k in candidates:
            if k in used:  # one field plays one role (e.g. "description" as text only)
                continue
            value = record_get(k)
            if s := _scalar(value):
                if role == "published":
                    date = value  # an epoch number stays a number for parse_date
                else:
                    meta[role] = s
                used.add(k)
                break
    platform = meta.get("platform")
    if plan.subreddit is not None and plan.subreddit in used:
        # A subreddit names a community, not the platform; keep it as a field too.
        platform = "reddit"
        used.discard(plan.subreddit)
    fields: dict[str, str] = {}
    for k in plan.keys:
        if k not in used:
            value = record_get(k)
            if type(value) is str:  # the common case, inline
                if value:
                    fields[k] = value
            elif not isinstance(value, list | dict) and (s := _scalar(value)):
                fields[k] = s
    return RawDocument(
        text=text,
        source=source,
        location=location,
        raw=raw,
        source_id=meta.get("source_id"),
        url=meta.get("url"),
        title=meta.get("title"),
        platform=platform,
        author=meta.get("author"),
        published=None if date is None else parse_date(date),
        fields=fields,
    )
