"""Analyst verdicts: a rejected link stays split through re-runs and rebuilds."""

from __future__ import annotations

import pytest

from narcwatch.errors import UsageError
from narcwatch.link import Linker, list_actors, parse_key, rebuild, reject, restore, show_actor
from tests.link.market import listing


def actor_docs(store, doc_id):
    return next(set(a.documents) for a in list_actors(store, top=1000) if doc_id in a.documents)


@pytest.fixture
def pair(store):
    """Two vendors on different platforms linked only by one phone number."""
    a = listing("dream", "Kappa", ("phone", "+33612345678"))
    b = listing("telegram", "kappa_fr", ("phone", "+33612345678"), ("telegram", "kappa_fr"))
    store.save([a, b])
    Linker(store).link()
    assert actor_docs(store, a.doc.id) == {a.doc.id, b.doc.id}
    return store, a.doc.id, b.doc.id


def test_reject_splits_and_survives_reruns_and_rebuild(pair):
    store, a, b = pair
    result = reject(Linker(store), parse_key("phone:+33612345678"), reason="courier's number")
    assert result.splits == 1
    assert actor_docs(store, a) == {a}
    # A new document with the same phone does not bring the link back...
    c = listing("dream", "Kappa", ("phone", "+33612345678"))
    store.save([c])
    Linker(store).link()
    assert b not in actor_docs(store, a)
    # ...nor does a rebuild.
    rebuild(Linker(store))
    assert b not in actor_docs(store, a)
    history = show_actor(store, next(a_.id for a_ in list_actors(store) if a in a_.documents))
    kinds = [h.kind for h in history.history]
    assert "override" in kinds or "split" in kinds


def test_restore_links_again(pair):
    store, a, b = pair
    key = parse_key("phone:+33612345678")
    reject(Linker(store), key)
    result = restore(Linker(store), key)
    assert result.merges == 1
    assert actor_docs(store, a) == {a, b}


@pytest.mark.parametrize(
    ("text", "platform", "expected"),
    [
        ("btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", None, "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        (
            "eth:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            None,
            "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        ("vendor:SnowWhite", "dream", "vendor:snowwhite @dream"),
        ("telegram:@Kappa_FR", None, "telegram:kappa_fr"),  # as the extractor stores it
    ],
)
def test_parse_key_normalizes_like_the_extractor(text, platform, expected):
    assert parse_key(text, platform=platform).label == expected


@pytest.mark.parametrize("text", ["", "btc", ":value", "btc:"])
def test_parse_key_rejects_malformed_input(text):
    with pytest.raises(UsageError, match="TYPE:VALUE"):
        parse_key(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("btc:notawallet", "'notawallet' is not a valid btc selector"),
        ("eth:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "not a valid eth selector"),  # bad sum
        ("phone:0612345678", "'0612345678' is not a valid phone selector"),
        ("btc:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "it reads as eth:0x5aaeb"),
    ],
)
def test_parse_key_rejects_values_the_extractors_do_not_accept(text, message):
    with pytest.raises(UsageError, match=message):
        parse_key(text)
