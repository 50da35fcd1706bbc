"""The actor repository: every read with ``visibility=None`` (everything) and listing
actors in a fixed number of statements, whatever the number of actors."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from narcwatch.link import Linker, list_actors, reject
from narcwatch.link.keys import parse_key
from narcwatch.store.actor_rows import ActorRank
from narcwatch.store.actors import ActorRepository
from narcwatch.store.visibility import Visibility
from tests.link.conftest import market  # noqa: F401  (the synthetic market, stored)
from tests.link.market import BINANCE, ESCROW, listing

EVERYONE = Visibility(organisation=None)


@contextmanager
def counted(store):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_reads_with_visibility_none_see_everything(market):  # noqa: F811
    store, ids = market
    Linker(store).link()
    repo = ActorRepository(store)
    ranks = repo.ranking(100, visibility=None)
    assert ranks == repo.ranking(100, visibility=EVERYONE)
    assert ranks == sorted(ranks, key=ActorRank.order)
    # No offers and no risk in this market: two substances (PillKing) rank first.
    assert (ranks[0].substances, ranks[0].documents) == (2, 2)
    top = next(r for r in ranks if r.documents == 4)  # SnowWhite
    assert (top.platforms, top.substances, top.offers, top.risk) == (2, 1, 0, 0.0)
    docs = repo.documents([top.id], visibility=None)
    assert {d.doc_id for d in docs} == {ids[k] for k in ("snow1", "snow2", "snow3", "snow4")}
    assert [d.doc_id for d in docs] == sorted(d.doc_id for d in docs)
    hits = repo.selector_hits([top.id], visibility=None)
    assert {h.document_pk for h in hits} == {d.pk for d in docs}
    # The PGP key and both vendor names (snow_queen@wallstreet is on one document only).
    assert len(repo.linking_keys([top.id], visibility=None)[top.id]) == 3
    assert repo.substances([top.id], visibility=None) == {top.id: ["cocaine"]}
    assert repo.resolve(top.id, visibility=None) == top.id
    assert repo.resolve("Anope", visibility=None) is None
    assert repo.largest(1, visibility=None) == [ranks[0].id]
    statuses = {(k.type, k.value): k.status for k in repo.non_linking_keys(visibility=None)}
    assert statuses[ESCROW] == "market" and statuses[BINANCE] == "known"
    (found,) = repo.occurrences(["bc1qSharedVendorWallet"], visibility=None)[:1]
    assert found.actor_id and found.type == "btc"
    graph_docs, graph_hits = repo.graph(top.id, visibility=None)
    assert {d.doc_id for d in graph_docs} == {d.doc_id for d in docs}
    assert {h.document_pk for h in graph_hits} == {d.pk for d in docs}
    all_docs, _ = repo.graph(None, visibility=None)
    assert len(all_docs) == len(ids)


def test_history_and_events(market):  # noqa: F811
    store, ids = market
    Linker(store).link()
    actor = next(a for a in list_actors(store, top=100) if ids["snow1"] in a.documents)
    reject(Linker(store), parse_key("vendor:SnowWhite", platform="dream"), reason="two")
    repo = ActorRepository(store)
    newest = repo.history(10, visibility=None)
    assert [e.kind for e in newest[:2]] == ["split", "override"]
    assert newest[1].detail["reason"] == "two"
    assert [e.kind for e in repo.events(actor.id, visibility=None)] == ["override", "split"]
    assert len(repo.history(1, visibility=None)) == 1


def test_listing_actors_is_a_fixed_number_of_statements(store):
    def add(n: int, tag: str) -> None:
        batch = [listing("dream", f"{tag}{i}", ("btc", f"bc1q{tag}{i:04d}")) for i in range(n)]
        store.save(batch)
        Linker(store).link()

    add(2, "few")
    with counted(store) as few:
        assert len(list_actors(store, top=500)) == 2
    add(60, "many")
    with counted(store) as many:
        shown = list_actors(store, top=500)
    assert len(shown) == 62
    assert len(many) == len(few) <= 5


def test_actors_rank_by_drug_relevance_and_risk_not_size(store):
    """A big actor of low-risk mentions ranks below one small high-risk offer."""
    talk = [listing("forum", "Chatty", ("btc", "bc1qchattywallet")) for _ in range(6)]
    offer = listing("dream", "Seller", ("btc", "bc1qsellerwallet"))
    offer.offer, offer.risk = True, 0.9
    store.save([*talk, offer])
    Linker(store).link()
    ranks = ActorRepository(store).ranking(10)
    assert [(r.documents, r.offers, r.risk) for r in ranks] == [(1, 1, 0.9), (6, 0, 0.0)]
    shown = list_actors(store)
    assert (shown[0].offers, shown[0].risk, len(shown[1].documents)) == (1, 0.9, 6)
