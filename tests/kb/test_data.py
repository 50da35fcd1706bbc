"""Lint of the shipped knowledge base: it loads, and every term finds its own substance."""

import re
from collections import Counter

import pytest

from narcwatch.analyze.normalize import normalize_term
from narcwatch.analyze.substances import default_matchers
from narcwatch.kb import default_kb


@pytest.fixture(scope="module")
def kb():
    return default_kb()


def test_shipped_kb_loads_and_references_resolve(kb):
    # load_kb validates every entry and every source/substance reference.
    assert kb.substances and kb.sources


@pytest.mark.parametrize(
    ("schedule", "minimum"),
    [("1961-", 100), ("1971-", 150), ("1988-", 25)],
)
def test_every_convention_is_covered(kb, schedule, minimum):
    n = sum(any(c.schedule.startswith(schedule) for c in s.control) for s in kb.substances.values())
    assert n >= minimum, f"only {n} substances under {schedule}*"


def test_every_term_matches_its_own_substance(kb):
    """The capa-style lint: each name, synonym, slang term and emoji, written alone, is found
    by the matcher and resolves (among others) to the substance it belongs to."""
    matcher = default_matchers().terms
    missed = []
    for term in kb.iter_terms():
        key = normalize_term(term.text)
        core = re.sub(r"^[\W_]+|[\W_]+$", "", key) or key  # "(S)-amphetamine" edges
        hits = matcher.find(key)
        found = {
            sid
            for s, e, payloads in hits
            if e - s == len(core)
            for t in payloads
            for sid in t.substances
        }
        if not set(term.substances) <= found:
            missed.append(term.text)
    assert not missed, f"{len(missed)} terms do not match themselves: {missed[:20]}"


def test_term_collisions_are_declared(kb):
    """A normalized key shared by unambiguous terms of different substances is a data bug
    (e.g. the same synonym on two entries), unless one of them is marked ambiguous."""
    owners: dict[str, set[str]] = {}
    for term in kb.iter_terms():
        if term.via in ("slang", "emoji") or term.ambiguous:
            continue
        owners.setdefault(normalize_term(term.text), set()).update(term.substances)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert len(clashes) <= 5, f"names shared by different substances: {list(clashes.items())[:10]}"


def test_sources_are_all_used_or_core(kb):
    used = Counter(sid for sub in kb.substances.values() for sid in sub.sources)
    assert used, "no substance names a source"
