"""Linking a synthetic market: renamed vendors, shared wallets, reused PGP keys, escrow."""

import pytest

from narcwatch.link import build_actors
from narcwatch.model import DocumentMeta, Finding, SelectorHit, SubstanceHit
from narcwatch.store import Store

N = iter(range(1, 10_000))


def listing(platform: str, vendor: str, *selectors: tuple[str, str], substance="cocaine"):
    n = next(N)
    hits = [SelectorHit(type=t, value=v, matched=v, span=(0, len(v))) for t, v in selectors]
    hits.append(
        SelectorHit(
            type="vendor", value=vendor.casefold(), matched=vendor, span=(0, 0), strength="weak"
        )
    )
    return Finding(
        doc=DocumentMeta(
            id=f"{n:064x}",
            source="m.jsonl",
            location=f"line {n}",
            source_id=str(n),
            platform=platform,
            author=vendor,
        ),
        substances=[SubstanceHit(id=substance, name=substance, matched=substance, span=(0, 1))],
        selectors=hits,
    )


@pytest.fixture
def market(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'n.db'}")
    escrow = ("btc", "bc1qescrowmarketwallet")
    docs = {
        # Same vendor name on one market: one actor.
        "snow1": listing("dream", "SnowWhite"),
        "snow2": listing("dream", "SnowWhite"),
        # After an exit scam, renamed on another market, same PGP key: same actor.
        "snow3": listing("wallstreet", "Snow_Queen", ("pgp-fingerprint", "ABCD" * 10)),
        "snow4": listing("dream", "SnowWhite", ("pgp-fingerprint", "ABCD" * 10)),
        # Same name on another market, nothing else in common: not linked.
        "other": listing("wallstreet", "SnowWhite"),
        # Two names sharing a wallet: one actor.
        "w1": listing("dream", "PillKing", ("btc", "bc1qsharedvendorwallet")),
        "w2": listing(
            "telegram", "pills_direct", ("btc", "bc1qsharedvendorwallet"), substance="alprazolam"
        ),
    }
    # The market's escrow wallet appears with many vendors: it must not link them.
    for i in range(5):
        docs[f"e{i}"] = listing("dream", f"Vendor{i}", escrow)
    store.save(list(docs.values()))
    return store, {k: f.doc.id for k, f in docs.items()}


def actor_docs(graph, doc_id):
    return set(graph.actor_of(doc_id).documents)


def test_vendor_name_links_within_one_platform_and_pgp_across(market):
    store, ids = market
    graph = build_actors(store)
    snow = actor_docs(graph, ids["snow1"])
    assert {ids["snow1"], ids["snow2"], ids["snow3"], ids["snow4"]} == snow
    assert ids["other"] not in snow
    actor = graph.actor_of(ids["snow3"])
    assert set(actor.platforms) == {"dream", "wallstreet"}
    assert {"SnowWhite", "Snow_Queen"} <= set(actor.vendors)
    evidence = {(ln.type, ln.value) for ln in actor.links}
    assert ("pgp-fingerprint", "ABCD" * 10) in evidence and ("vendor", "snowwhite") in evidence


def test_shared_wallet_links_two_names(market):
    store, ids = market
    graph = build_actors(store)
    actor = graph.actor_of(ids["w1"])
    assert actor_docs(graph, ids["w1"]) == {ids["w1"], ids["w2"]}
    assert actor.substances == ["alprazolam", "cocaine"]
    (link,) = actor.links
    assert link.type == "btc" and link.first_seen is not None


def test_escrow_wallet_is_a_market_selector(market):
    store, ids = market
    graph = build_actors(store)
    assert ("btc", "bc1qescrowmarketwallet", 5) in graph.market_selectors
    assert actor_docs(graph, ids["e0"]) == {ids["e0"]}
    # With a looser rule the escrow wallet would merge them: the threshold is what decides.
    assert len(actor_docs(build_actors(store, max_vendors=10), ids["e0"])) == 5


def test_actor_ids_are_stable(market):
    store, _ = market
    first = [a.id for a in build_actors(store).actors]
    assert first == [a.id for a in build_actors(store).actors]
    assert first[0].startswith("A") and len(first[0]) == 11
