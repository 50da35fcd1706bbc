"""Telegram Desktop exports: both shapes, entities, skipped messages, damage, auto-detection."""

import io
import json
import logging

import pytest

from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.sources import _by_content, read_inputs, read_stream
from narcwatch.ingest.telegram import message_text
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "telegram"
CHANNEL = DATA / "channel_result.json"
ACCOUNT = DATA / "account_result.json"
TRUNCATED = DATA / "channel_truncated.json"


def split(items) -> tuple[list[RawDocument], list[InputError]]:
    items = list(items)
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, InputError)],
    )


def read_path(path, fmt=None, **opts):
    return split(read_inputs([str(path)], fmt, ReadOptions(**opts)))


def read_bytes(data: bytes, name: str = "result.json", fmt: str | None = "telegram", **opts):
    return split(read_stream(io.BytesIO(data), name, fmt, ReadOptions(**opts)))


def export(*messages, **chat) -> bytes:
    chat = {"name": "shop", "type": "public_channel", "id": 42, **chat}
    return json.dumps({**chat, "messages": list(messages)}, ensure_ascii=False).encode()


# --- the channel export ------------------------------------------------------------------


def test_channel_export_documents():
    found, errs = read_path(CHANNEL)
    assert errs == []
    assert [d.source_id for d in found] == [f"1873342211/{i}" for i in (2, 3, 5, 7, 8)]
    first = found[0]
    assert first.platform == "telegram" and first.title == "Snow Dispatch 🇳🇱"
    assert first.author == "Snow Dispatch 🇳🇱" and first.url == "https://t.me/snow_dispatch_nl/2"
    assert first.published == "2024-05-31T07:00:11Z"  # date_unixtime, not the local "date"
    assert first.fields == {"chat_type": "public_channel", "from_id": "channel1873342211"}


def test_text_link_targets_are_appended_after_the_visible_text():
    (first, *_), _ = read_path(CHANNEL)
    visible = (
        "❄️ Peruvian flake 1g = 80€, 5g = 350€\nOrders: click here\n"
        "Backup: @snow_backup_nl #amsterdam"
    )
    assert first.text == visible + "\n\nhttps://t.me/snowman_dispatch"


@pytest.mark.parametrize(
    ("source_id", "fields"),
    [
        ("1873342211/3", {"media_type": "photo", "file_name": "photo_3@31-05-2024_12-30-00.jpg"}),
        ("1873342211/5", {"forwarded_from": "Dutch Reviews Hub"}),
        (
            "1873342211/7",
            {"reply_to_message_id": "3", "media_type": "file", "file_name": "prices_june.pdf"},
        ),
        ("1873342211/8", {"media_type": "voice_message"}),  # file not included: no name
    ],
)
def test_message_fields(source_id, fields):
    found, _ = read_path(CHANNEL)
    doc = next(d for d in found if d.source_id == source_id)
    extra = {k: v for k, v in doc.fields.items() if k not in ("chat_type", "from_id")}
    assert extra == fields


def test_unknown_entity_types_keep_their_text():
    found, _ = read_path(CHANNEL)
    assert found[1].text.startswith("New menu, MDMA 84% crystal 10g 200€. Call +31 6 12345678")


def test_service_and_textless_messages_are_skipped_and_counted(caplog):
    with caplog.at_level(logging.INFO, logger="narcwatch.ingest.telegram"):
        found, errs = read_path(CHANNEL)
    assert len(found) == 5 and errs == []
    assert "3 service or text-less messages skipped" in caplog.text


def test_ids_are_stable_and_independent_of_formatting():
    once, _ = read_path(CHANNEL)
    twice, _ = read_path(CHANNEL)
    compact, _ = read_bytes(json.dumps(json.loads(CHANNEL.read_bytes())).encode())
    assert [d.sha256 for d in once] == [d.sha256 for d in twice] == [d.sha256 for d in compact]
    assert len({d.sha256 for d in once}) == len(once)


def test_locations_are_byte_offsets_of_the_messages():
    found, _ = read_path(CHANNEL)
    data = CHANNEL.read_bytes()
    for doc in found:
        offset = int(doc.location.removeprefix("offset "))
        message = json.JSONDecoder().raw_decode(data[offset:].decode())[0]
        assert f"1873342211/{message['id']}" == doc.source_id


# --- the account export --------------------------------------------------------------------


def test_account_export_reads_chats_and_left_chats():
    found, errs = read_path(ACCOUNT)
    assert errs == []
    got = [(d.source_id, d.title, d.author, d.fields["chat_type"]) for d in found]
    assert got == [
        ("6100200300/101", "Mo", "Mo", "personal_chat"),
        ("6100200300/102", "Mo", "Case Officer", "personal_chat"),
        ("6100200300/103", "Mo", None, "personal_chat"),  # deleted account: no author
        ("1700112233/12", "Zuid Plug Group", "Zuid Pharma", "private_supergroup"),
        ("1600000001/40", "Old Weed Channel", "Old Weed Channel", "private_channel"),
    ]
    assert all(d.url is None for d in found)  # no public username in these chats
    assert found[3].text == "Pills in stock: xanax 2mg 30 for 60€, DM Zuid Pharma"


def test_same_message_in_both_export_shapes_has_one_id():
    message = {"id": 7, "type": "message", "date": "2024-01-01T00:00:00", "text": "hi there"}
    single, _ = read_bytes(export(message, id=9, type="personal_chat", name="A"))
    chat = {"name": "A", "type": "personal_chat", "id": 9, "messages": [message]}
    whole = {"about": "x", "personal_information": {}, "chats": {"list": [chat]}}
    account, _ = read_bytes(json.dumps(whole, indent=2).encode())
    assert single[0].sha256 == account[0].sha256


# --- damage --------------------------------------------------------------------------------


def test_truncated_export_keeps_the_messages_before_the_cut():
    found, (err,) = read_path(TRUNCATED)
    assert [d.source_id for d in found] == [f"1873342211/{i}" for i in (2, 3, 5)]
    cut_at = TRUNCATED.read_bytes().index(b'{\n   "id": 7')
    assert err.source == str(TRUNCATED) and err.location == f"offset {cut_at}"
    assert "cut short" in err.reason and "3 messages before it were read" in err.reason


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        (b"", None, "empty file"),
        (b"{}", None, "no messages"),
        (b"[]", "offset 0", "expected a JSON object"),
        (b'{"name": "x", "messages": [', "offset 27", "cut short"),
        (b'{"name": "x", "messages": [{"id": 1,, }]}', "offset 27", "invalid JSON at byte 36"),
        (b'{"name": "x" "messages": []}', "offset 13", "expected , or }"),
        (b'{"messages": []} trailing', "offset 17", "extra data"),
        (b'{"messages": [' + b"[" * 100_000 + b"]}", "offset 14", "nested too deeply"),
    ],
)
def test_broken_exports_give_one_error(data, where, words):
    found, (err,) = read_bytes(data)
    assert found == [] and err.location == where and words in err.reason


def test_a_message_over_the_record_limit():
    ok = {"id": 1, "type": "message", "text": "ok"}
    big = {"id": 2, "type": "message", "text": "x" * 5000}
    # Buffered whole (the file is smaller than a read chunk): skipped, the rest is read.
    found, (err,) = read_bytes(export(ok, big, ok), max_record_bytes=1000)
    assert [d.text for d in found] == ["ok", "ok"] and "larger than 1,000 bytes" in err.reason
    # Bigger than any read: its end cannot be found without parsing it, so reading stops.
    huge = {"id": 2, "type": "message", "text": "x" * 3_000_000}
    found, (err,) = read_bytes(export(ok, huge, ok), max_record_bytes=1000)
    assert [d.text for d in found] == ["ok"] and "larger than 1,000 bytes" in err.reason


def test_messages_across_chunk_boundaries():
    messages = [{"id": i, "type": "message", "text": f"msg {i} " + "é" * 300} for i in range(5000)]
    found, errs = read_bytes(export(*messages))  # ~3 MB: several 1 MiB chunks
    assert errs == [] and len(found) == 5000 and found[-1].source_id == "42/4999"


# --- hostile fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "text"),
    [
        ({"text": "plain"}, "plain"),
        ({"text": ["a ", {"type": "bold", "text": "b"}, " c"]}, "a b c"),
        ({"text": [{"type": "wormhole", "text": "unknown kept"}]}, "unknown kept"),
        ({"text": [{"type": "bold"}, {"text": 5}, None, 3, ["x"], "!"]}, "5!"),
        (
            {"text": "", "text_entities": [{"type": "plain", "text": "from entities"}]},
            "from entities",
        ),
        ({"text": 12345}, ""),
        ({"text": {"type": "bold", "text": "a dict"}}, ""),
        ({"text": "see photo", "caption": "caption too"}, "see photo\n\ncaption too"),
        ({"caption": "only a caption"}, "only a caption"),
        (
            {"text": [{"type": "text_link", "text": "here", "href": "https://t.me/a_b_c"}]},
            "here\n\nhttps://t.me/a_b_c",
        ),
        (  # an href already visible is not repeated; duplicates once; bad hrefs ignored
            {
                "text": [
                    "https://x.io ",
                    {"type": "text_link", "text": "x", "href": "https://x.io"},
                    {"type": "text_link", "text": "y", "href": "https://y.io"},
                    {"type": "text_link", "text": "z", "href": "https://y.io"},
                    {"type": "text_link", "text": "w", "href": ["not", "a", "url"]},
                ]
            },
            "https://x.io xyzw\n\nhttps://y.io",
        ),
        ({"text": "bad \ud800 surrogate"}, "bad \ufffd surrogate"),
    ],
)
def test_message_text(message, text):
    assert message_text(message) == text


@pytest.mark.parametrize(
    ("message", "chat", "expect"),
    [
        (  # wrong types everywhere: no crash, no made-up values
            {
                "id": [1],
                "type": "message",
                "text": "t",
                "from": {"x": 1},
                "date": 17,
                "date_unixtime": "soon",
                "forwarded_from": ["a"],
                "media_type": 5,
            },
            {"id": None, "name": ["n"], "type": 3, "username": "@@"},
            {"source_id": None, "author": None, "published": None, "title": None, "url": None},
        ),
        (
            {"id": 5, "text": "no type field", "date": "2024-02-03T04:05:06"},
            {"id": "77", "username": "@public_shop"},
            {
                "source_id": "77/5",
                "published": "2024-02-03T04:05:06Z",
                "url": "https://t.me/public_shop/5",
            },
        ),
    ],
)
def test_hostile_fields(message, chat, expect):
    (doc,), errs = read_bytes(json.dumps({**chat, "messages": [message]}).encode())
    assert errs == [] and doc.text
    for key, value in expect.items():
        assert getattr(doc, key) == value, key


def test_non_message_items_are_errors_and_reading_goes_on():
    found, errs = read_bytes(export("a string", {"id": 2, "type": "message", "text": "ok"}))
    assert [d.text for d in found] == ["ok"]
    assert [e.reason for e in errs] == ["expected a message object, got str"]


def test_non_utf8_bytes_are_read_as_cp1252():
    data = export({"id": 1, "type": "message", "text": "Qualité 50 €"}).replace(
        "Qualité 50 €".encode(), "Qualité 50 €".encode("cp1252")
    )
    (doc,), errs = read_bytes(data)
    assert errs == [] and doc.text == "Qualité 50 €"


def test_utf8_bom_and_forced_encoding():
    data = export({"id": 1, "type": "message", "text": "Кокаин"})
    (doc,), _ = read_bytes(b"\xef\xbb\xbf" + data)
    assert doc.text == "Кокаин" and doc.location.startswith("offset ")
    cyr = json.dumps({"id": 1, "messages": [{"id": 1, "text": "Кокаин"}]}, ensure_ascii=False)
    (doc,), _ = read_bytes(cyr.encode("cp1251"), encoding="cp1251")
    assert doc.text == "Кокаин"


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (CHANNEL.read_bytes()[:4096], "telegram"),
        (ACCOUNT.read_bytes()[:4096], "telegram"),
        (b'{"id": 1, "messages": [{"id": 1, "date_unixtime": "1"}]}', "telegram"),
        (b'{"messages": [{"text": "generic"}]}', "jsonl"),
        (b'{"type": "public_channel"}\n', "jsonl"),
        (b'[{"type": "public_channel", "messages": []}]', "jsonl"),
    ],
)
def test_sniffing(head, fmt):
    assert _by_content(head).name == fmt


@pytest.mark.parametrize("name", ["result.json", "result.json.gz", "export", "chat.JSON"])
def test_detected_by_content_whatever_the_name(tmp_path, name):
    import gzip

    data = CHANNEL.read_bytes()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    found, errs = read_path(path)
    assert errs == [] and [d.platform for d in found] == ["telegram"] * 5


def test_generic_json_keeps_the_generic_reader(tmp_path):
    path = tmp_path / "posts.json"
    path.write_text('[{"id": "a", "text": "plain json array"}]')
    (doc,), _ = read_path(path)
    assert doc.source_id == "a" and doc.platform is None


# --- end to end ----------------------------------------------------------------------------


def test_scan_finds_what_the_export_hides(cli, validate_findings):
    result = cli("scan", str(CHANNEL), "--no-store", "-f", "jsonl", "--include-text")
    assert result.code == 0, result.stderr
    findings = validate_findings(result.findings())
    by_id = {f["doc"]["source_id"]: f for f in findings}
    assert set(by_id) == {f"1873342211/{i}" for i in (2, 3, 5, 7, 8)}
    offer = by_id["1873342211/2"]
    assert offer["doc"]["platform"] == "telegram"
    assert "cocaine" in {s["id"] for s in offer["substances"]}
    # The handle only in a text_link's href is found.
    assert ("telegram", "snowman_dispatch") in {(s["type"], s["value"]) for s in offer["selectors"]}
    assert {p["amount"] for p in offer["prices"]} >= {80, 350}
    menu = by_id["1873342211/3"]
    assert "mdma" in {s["id"] for s in menu["substances"]}
    assert "email" in {s["type"] for s in menu["selectors"]}
