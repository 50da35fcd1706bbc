"""Field mapping for record formats (JSON Lines, CSV): which field is the text, the title,
the author... The same rules for every record format, so a CSV export and a JSONL dump of
the same data give the same documents.

Field names are compared case- and separator-insensitively ("Item Description",
"item_description" and "itemDescription" are one name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
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
_ROLES = (TEXT_FIELDS, TITLE_FIELDS, URL_FIELDS, ID_FIELDS, AUTHOR_FIELDS, PLATFORM_FIELDS)
_SEP = re.compile(r"[\s_\-.]+")


def field_key(name: str) -> str:
    return _SEP.sub("", name).casefold()


def _scalar(value: Any) -> str | None:
    """A record value as text; Telegram-style lists of strings and entities are joined."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
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
    if value is None or value == "":
        return None
    if isinstance(value, str):
        v = value.strip()
        if re.fullmatch(r"\d{9,13}(\.\d+)?", v):
            value = float(v)
        else:
            try:
                dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                return None
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            dt = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return dt.isoformat().replace("+00:00", "Z")
    return None


def _pick(keyed: Mapping[str, tuple[str, Any]], names: Sequence[str]) -> tuple[str, Any] | None:
    for name in names:
        hit = keyed.get(field_key(name))
        if hit is not None and _scalar(hit[1]) not in (None, ""):
            return hit
    return None


def record_to_document(
    record: Mapping[str, Any],
    *,
    raw: bytes,
    source: str,
    location: str,
    text_fields: Sequence[str] | None = None,
) -> RawDocument | InputError:
    """Map one record to a document, or an error naming what is missing."""
    keyed = {field_key(k): (k, v) for k, v in record.items() if isinstance(k, str)}
    used: set[str] = set()
    if text_fields:
        present = [keyed[field_key(f)] for f in text_fields if field_key(f) in keyed]
        if not present:
            return InputError(
                source,
                location,
                f"none of the text fields {', '.join(text_fields)} in this record "
                f"(fields: {', '.join(str(k) for k in record)})",
            )
        text = "\n".join(t for _, v in present if (t := _scalar(v)))
        used.update(k for k, _ in present)
    else:
        hit = _pick(keyed, TEXT_FIELDS)
        if hit is None:
            return InputError(
                source,
                location,
                f"no text field ({', '.join(TEXT_FIELDS)}; choose one with --text-field) "
                f"in fields: {', '.join(str(k) for k in record)[:200]}",
            )
        text = _scalar(hit[1]) or ""
        used.add(hit[0])
    values: dict[str, str | None] = {}
    for role, names in zip(("title", "url", "id", "author", "platform"), _ROLES[1:], strict=True):
        hit = _pick(keyed, names)
        values[role] = _scalar(hit[1]) if hit else None
        if hit:
            used.add(hit[0])
    date_hit = next((keyed[field_key(n)] for n in DATE_FIELDS if field_key(n) in keyed), None)
    if date_hit:
        used.add(date_hit[0])
    platform = values["platform"]
    if platform and "subreddit" in keyed and keyed["subreddit"][1] == platform:
        platform = "reddit"
    extra = {
        str(k): s
        for k, v in record.items()
        if k not in used and (s := _scalar(v)) not in (None, "") and not isinstance(v, list)
    }
    return RawDocument(
        text=text,
        source=source,
        location=location,
        raw=raw,
        source_id=values["id"],
        url=values["url"],
        title=values["title"],
        platform=platform,
        author=values["author"],
        published=parse_date(date_hit[1]) if date_hit else None,
        fields={k: v for k, v in extra.items() if v is not None},
    )
