"""Telegram Desktop exports (``result.json``): one document per message with text.

Both export shapes are read: one chat or channel (top-level ``name``, ``type``, ``id``,
``messages``) and the whole account (``chats.list[*].messages`` and
``left_chats.list[*].messages``). The file is walked as a stream, one message at a time
(each bounded by ``max_record_bytes``), so a multi-gigabyte account export never sits in
memory; a file cut short or broken mid-way gives one error at the byte offset of the
message it broke in, and every message before it is still read.

Text is what the reader sees: ``text`` (a string, or a list of strings and entity objects
whose ``text`` is kept whatever their ``type``), else ``text_entities``, plus a
``caption`` some tools write. A ``text_link`` hides its URL behind other words ("order
here"); each such ``href`` not already in the visible text is appended after it, one per
line after a blank line, so the visible text stays a prefix of the document text and
spans into it stay valid. Service messages (pins, joins) and messages without text (a
bare photo) are skipped silently and counted in a log line.

``raw`` is the message as canonical JSON (sorted keys, ASCII) with its chat id, so ids
do not depend on the export's indentation and a message exported twice (alone and in an
account export) gets one id. ``date_unixtime`` is preferred to ``date``, which is the
exporting computer's local time without an offset (read as UTC when it is all there is).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadItem, ReadOptions, register_reader
from narcwatch.ingest.fields import parse_date
from narcwatch.ingest.json_stream import JsonCursor, JsonStop, items, keys

log = logging.getLogger(__name__)

CHAT_TYPES = (
    "personal_chat",
    "bot_chat",
    "private_group",
    "private_supergroup",
    "public_supergroup",
    "private_channel",
    "public_channel",
    "saved_messages",
)
CHANNEL_TYPES = frozenset({"private_channel", "public_channel"})
_SNIFF_TYPE = re.compile(rb'"type"\s*:\s*"(?:' + b"|".join(t.encode() for t in CHAT_TYPES) + b')"')
_USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{3,31})")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=True)
_CHAT_KEYS = ("name", "type", "id", "username")
_MESSAGE_FIELDS = ("from_id", "forwarded_from", "reply_to_message_id", "via_bot", "edited")


def _sniff(head: bytes) -> float:
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not s.startswith(b"{"):
        return 0.0
    if b'"messages"' in s and (_SNIFF_TYPE.search(s) or b'"date_unixtime"' in s):
        return 0.95
    if b'"personal_information"' in s and b'"about"' in s:  # a whole-account export
        return 0.95
    return 0.0


def _str(value: Any) -> str | None:
    """A scalar as clean text (lone surrogates from ``\\ud800`` escapes replaced)."""
    if type(value) is str:  # the common case first: ASCII needs no surrogate check
        if not value:
            return None
        return value if value.isascii() else _SURROGATE.sub("\ufffd", value)
    if value is None:
        return None
    if isinstance(value, str):
        return _str(str(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _parts(value: Any, hrefs: list[str]) -> str:
    """The visible text of a ``text`` value; ``text_link`` targets go to ``hrefs``."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    out = []
    for part in value:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, dict):
            out.append(_str(part.get("text")) or "")
            href = part.get("href") if part.get("type") == "text_link" else None
            if isinstance(href, str) and href.strip():
                hrefs.append(href.strip())
    return "".join(out)


def message_text(msg: dict[str, Any]) -> str:
    """Visible text of a message, then the ``text_link`` URLs it hides (see module doc)."""
    hrefs: list[str] = []
    text = _parts(msg.get("text"), hrefs)
    entities = _parts(msg.get("text_entities"), hrefs)
    text = text if text.strip() else entities
    caption = _str(msg.get("caption"))
    if caption and caption not in text:
        text = f"{text}\n\n{caption}" if text.strip() else caption
    text = text.strip()
    if not text:
        return ""
    hidden = [h for h in dict.fromkeys(hrefs) if h not in text]
    if hidden:
        text += "\n\n" + "\n".join(hidden)
    return _SURROGATE.sub("\ufffd", text)


def _media(msg: dict[str, Any], fields: dict[str, str]) -> None:
    kind = _str(msg.get("media_type")) or next((k for k in ("photo", "file") if k in msg), None)
    if kind:
        fields["media_type"] = kind
    name = _str(msg.get("file_name"))
    if name is None:
        path = _str(msg.get("file")) or _str(msg.get("photo"))
        # "(File not included. Change data exporting settings to download.)"
        if path and not path.startswith("("):
            name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if name:
        fields["file_name"] = name


def message_document(
    chat: dict[str, Any], msg: dict[str, Any], source: str, location: str
) -> RawDocument | None:
    """A document for one message, or None when it is a service message or has no text."""
    if msg.get("type", "message") != "message":
        return None
    text = message_text(msg)
    if not text:
        return None
    chat_id, msg_id = _str(chat.get("id")), _str(msg.get("id"))
    chat_type, chat_name = _str(chat.get("type")), _str(chat.get("name"))
    fields = {"chat_type": chat_type} if chat_type else {}
    for key in _MESSAGE_FIELDS:
        if key in msg and (value := _str(msg[key])):
            fields[key] = value
    _media(msg, fields)
    author = _str(msg.get("from")) or _str(msg.get("author"))
    if author is None and chat_type in CHANNEL_TYPES:
        author = chat_name
    user = _USERNAME.fullmatch(_str(chat.get("username")) or "")
    url = f"https://t.me/{user.group(1)}/{msg_id}" if user and msg_id else None
    published = parse_date(_str(msg.get("date_unixtime"))) or parse_date(_str(msg.get("date")))
    return RawDocument(
        text=text,
        source=source,
        location=location,
        raw=_CANONICAL.encode({"chat_id": chat.get("id"), "message": msg}).encode("ascii"),
        source_id=f"{chat_id}/{msg_id}" if chat_id and msg_id else msg_id,
        url=url,
        title=chat_name,
        platform="telegram",
        author=author,
        published=published,
        fields=fields,
    )


def _chat_messages(cur: JsonCursor, chat: dict[str, Any]) -> Iterator[tuple[dict, Any, int]]:
    """(chat, message, offset) for each element of a ``messages`` array."""
    if cur.peek() != "[":
        cur.value()
        return
    cur.advance()
    for _ in items(cur):
        cur.peek()
        offset = cur.offset()
        yield chat, cur.value(), offset


def _chat(cur: JsonCursor) -> Iterator[tuple[dict, Any, int]]:
    """One chat object of an account export (its keys come before its messages)."""
    if cur.peek() != "{":
        cur.value()
        return
    cur.advance()
    chat: dict[str, Any] = {}
    for key in keys(cur):
        if key == "messages":
            yield from _chat_messages(cur, dict(chat))
        elif key in _CHAT_KEYS:
            chat[key] = cur.value()
        else:
            cur.value()


def _chat_list(cur: JsonCursor) -> Iterator[tuple[dict, Any, int]]:
    """``{"about": ..., "list": [chat, ...]}`` of an account export."""
    if cur.peek() != "{":
        cur.value()
        return
    cur.advance()
    for key in keys(cur):
        if key == "list" and cur.peek() == "[":
            cur.advance()
            for _ in items(cur):
                yield from _chat(cur)
        else:
            cur.value()


def _export(cur: JsonCursor) -> Iterator[tuple[dict, Any, int]]:
    if cur.peek() != "{":
        raise JsonStop(cur.offset(), "not a Telegram export: expected a JSON object")
    cur.advance()
    chat: dict[str, Any] = {}
    for key in keys(cur):
        if key == "messages":
            yield from _chat_messages(cur, dict(chat))
        elif key in ("chats", "left_chats"):
            yield from _chat_list(cur)
        elif key in _CHAT_KEYS:
            chat[key] = cur.value()
        else:
            cur.value()


@register_reader(
    "telegram",
    extensions=(".json",),
    sniff=_sniff,
    description="Telegram Desktop export (result.json of a chat, a channel or the account)",
)
def read_telegram(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[ReadItem]:
    cur = JsonCursor(stream, options.max_record_bytes, options.encoding)
    seen = read = skipped = 0
    try:
        if not cur.peek():
            yield InputError(source, None, "empty file: no Telegram export")
            return
        for chat, msg, offset in _export(cur):
            seen += 1
            location = f"offset {offset}"
            if cur.size > options.max_record_bytes:
                limit = options.max_record_bytes
                yield InputError(source, location, f"message larger than {limit:,} bytes, skipped")
                continue
            if not isinstance(msg, dict):
                got = type(msg).__name__
                yield InputError(source, location, f"expected a message object, got {got}")
                continue
            doc = message_document(chat, msg, source, location)
            if doc is None:
                skipped += 1
            else:
                read += 1
                yield doc
        cur.end()
    except JsonStop as stop:
        where = f"{read} messages before it were read" if read else "no message was read"
        yield InputError(source, f"offset {stop.offset}", f"{stop.reason}; {where}")
        return
    if not seen:
        yield InputError(source, None, "no messages: not a Telegram Desktop export")
    if skipped:
        log.info("%s: %d service or text-less messages skipped", source, skipped)
