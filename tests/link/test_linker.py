"""The linking rules, incremental linking, merges and splits, on the synthetic market."""

from __future__ import annotations

import pytest

from narcwatch.link import Linker, list_actors, non_linking, rebuild, show_actor
from narcwatch.store.actors import ActorRepository
from tests.link.market import BINANCE, ESCROW, PGP, listing


def actor_of(store, doc_id):
    for actor in list_actors(store, top=10_000):
        if doc_id in actor.documents:
            return actor
    raise AssertionError(f"{doc_id} is in no actor")


def events(store, kind):
    history = reversed(ActorRepository(store).history(1_000))  # oldest first
    return [e.detail | {"actor": e.actor_id} for e in history if e.kind == kind]


def test_vendor_name_links_within_one_platform_and_pgp_across(market):
    store, ids = market
    Linker(store).link()
    snow = actor_of(store, ids["snow1"])
    assert set(snow.documents) == {ids[k] for k in ("snow1", "snow2", "snow3", "snow4")}
    assert ids["other"] not in snow.documents
    shown = show_actor(store, snow.id)
    assert set(shown.platforms) == {"dream", "wallstreet"}
    assert {"SnowWhite", "Snow_Queen"} <= set(shown.vendors)
    evidence = {(ln.type, ln.value, ln.scope) for ln in shown.links}
    assert ("pgp-fingerprint", PGP, "") in evidence
    assert ("vendor", "snowwhite", "dream") in evidence
    pgp = next(ln for ln in shown.links if ln.type == "pgp-fingerprint")
    assert pgp.documents == sorted([ids["snow3"], ids["snow4"]]) and pgp.first_seen


def test_shared_wallet_links_two_names(market):
    store, ids = market
    Linker(store).link()
    actor = show_actor(store, actor_of(store, ids["w1"]).id)
    assert set(actor.documents) == {ids["w1"], ids["w2"]}
    assert actor.substances == ["alprazolam", "cocaine"]
    assert [(ln.type, ln.value) for ln in actor.links] == [("btc", "bc1qsharedvendorwallet")]
    spans = {s.value for item in actor.items for s in item.selectors}
    assert "bc1qsharedvendorwallet" in spans
    assert [t.doc_id for t in actor.timeline] == sorted(actor.documents)


@pytest.mark.parametrize(
    ("selector", "status"), [(ESCROW, "market"), (BINANCE, "known")], ids=["spread", "known"]
)
def test_market_and_known_selectors_link_nobody(market, selector, status):
    store, ids = market
    Linker(store).link()
    doc = "e0" if selector == ESCROW else "x1"
    assert actor_of(store, ids[doc]).documents == [ids[doc]]
    found = {(m.type, m.value): m for m in non_linking(store)}
    assert found[selector].status == status
    if status == "known":
        assert "Binance" in (found[selector].owner or "")


def test_threshold_decides_and_rebuild_applies_new_limits(market):
    store, ids = market
    Linker(store).link()
    assert len(actor_of(store, ids["e0"]).documents) == 1
    rebuild(Linker(store, max_vendors=10))
    assert len(actor_of(store, ids["e0"]).documents) == 5


def test_incremental_linking_merges_and_records_it(store):
    a = listing("dream", "Alpha", ("btc", "bc1qalphawallet"))
    b = listing("agora", "Beta", ("telegram", "beta_shop"))
    store.save([a, b])
    first = Linker(store).link()
    assert (first.documents, first.created, first.merges) == (2, 2, 0)
    bigger = listing("dream", "Alpha", ("btc", "bc1qalphawallet"))
    store.save([bigger])
    assert Linker(store).link().documents == 1  # only the new document is read
    # A new post quotes both the wallet and the handle: the two actors are one.
    bridge = listing("telegram", None, ("btc", "bc1qalphawallet"), ("telegram", "beta_shop"))
    store.save([bridge])
    result = Linker(store).link()
    assert (result.documents, result.merges) == (1, 1)
    merged = actor_of(store, a.doc.id)
    assert set(merged.documents) == {a.doc.id, b.doc.id, bigger.doc.id, bridge.doc.id}
    (merge,) = events(store, "merge")
    assert merge["actor"] == merged.id  # the larger actor keeps its id
    assert set(merge["by"]) == {"btc:bc1qalphawallet", "telegram:beta_shop"}
    # The merged actor's id still leads somewhere.
    assert show_actor(store, merge["merged"][0]).id == merged.id
    assert Linker(store).link().documents == 0  # idempotent


def test_a_selector_turning_market_splits_the_actor_it_held(store):
    wallet = ("btc", "bc1qturnsintoescrow")
    first = [listing("dream", "V1", wallet), listing("dream", "V2", wallet)]
    store.save(first)
    Linker(store).link()
    assert len(actor_of(store, first[0].doc.id).documents) == 2
    store.save([listing("dream", f"V{i}", wallet) for i in range(3, 6)])
    result = Linker(store).link()
    assert result.market_keys == ["btc:bc1qturnsintoescrow"]
    assert result.splits == 1
    assert actor_of(store, first[0].doc.id).documents == [first[0].doc.id]
    assert events(store, "split")[0]["reason"] == "selector seen with too many vendors"


def test_rebuild_keeps_actor_ids(market):
    store, _ids = market
    Linker(store).link()
    before = {a.id: sorted(a.documents) for a in list_actors(store, top=100)}
    rebuild(Linker(store))
    after = {a.id: sorted(a.documents) for a in list_actors(store, top=100)}
    assert before == after


def test_actor_ids_stay_while_actors_grow(store):
    docs = [listing("dream", "Same", ("btc", "bc1qorderwallet")) for _ in range(4)]
    seen = set()
    for d in docs:  # one at a time: four incremental runs
        store.save([d])
        Linker(store).link()
        seen.add(actor_of(store, d.doc.id).id)
    assert len(seen) == 1 and next(iter(seen)).startswith("A")


def test_a_new_version_of_a_document_moves_with_its_evidence(store):
    a1 = listing("dream", "Gamma", ("btc", "bc1qgammawallet"))
    a2 = listing("dream", "Delta", ("btc", "bc1qgammawallet"))
    store.save([a1, a2])
    Linker(store).link()
    # The second listing is edited: the wallet is gone (same listing id, new content).
    edited = a2.model_copy(deep=True)
    edited.doc.id = "f" * 64
    edited.selectors = [s for s in edited.selectors if s.type != "btc"]
    store.save([edited])
    result = Linker(store).link()
    assert (result.documents, result.created) == (1, 1)
    assert actor_of(store, a1.doc.id).documents == [a1.doc.id]
    assert actor_of(store, edited.doc.id).documents == [edited.doc.id]
