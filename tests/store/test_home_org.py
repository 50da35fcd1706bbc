"""The store decides who sees the home's findings (issue 18, security), on SQLite and
PostgreSQL: ``Visibility()`` (the local analyst) and a caller of the home organisation
(``home=True``) read the same data; a caller of any other organisation reads nothing
from every read over the findings (empty, or not found for one item), and its writes
over them (review decisions) are not found. The web UI's and API's routes over these
reads are tested in tests/web/test_home_org.py.

Reads covered: store.queue (review_queue, document_view, offer_series,
stored_substances), store.market (first_seen, offer_findings), store.reviews (add,
labelled), store.actors (every ActorRepository read), store.captures (every
CaptureRepository read), store.report (build_report).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from narcwatch.errors import NotFoundError
from narcwatch.link import Linker
from narcwatch.results.review import Decision
from narcwatch.store.actors import ActorRepository
from narcwatch.store.captures import CaptureRepository, StoredCapture
from narcwatch.store.market import first_seen, offer_findings
from narcwatch.store.queue import (
    QueueFilter,
    document_view,
    offer_series,
    review_queue,
    stored_substances,
)
from narcwatch.store.report import build_report
from narcwatch.store.reviews import ReviewRepository
from narcwatch.store.visibility import Visibility, require_findings, sees_findings
from tests.link.conftest import market  # noqa: F401  (the synthetic market, stored)

EVERYTHING = Visibility()
HOME = Visibility(organisation="A", role="analyst", groups=frozenset({"AB"}), home=True)
OTHER = Visibility(organisation="B", role="admin", groups=frozenset({"AB"}))


def test_who_sees_findings() -> None:
    assert sees_findings(None) and sees_findings(EVERYTHING) and sees_findings(HOME)
    assert not sees_findings(OTHER)
    assert not sees_findings(Visibility(organisation="A"))  # home only when told so
    require_findings(HOME, "document")
    with pytest.raises(NotFoundError, match="no document"):
        require_findings(OTHER, "document")


def _reads(store, vis: Visibility, doc: str, actor: str) -> dict[str, object]:
    actors = ActorRepository(store)
    captures = CaptureRepository(store)
    try:
        view = document_view(store, doc, visibility=vis).finding.doc.id
    except NotFoundError:
        view = None
    return {
        "queue": review_queue(store, QueueFilter(), limit=500, visibility=vis),
        "document": view,
        "series": [offer_series(store, by, visibility=vis) for by in ("substance", "platform")],
        "substances": stored_substances(store, visibility=vis),
        "first_seen": first_seen(store, visibility=vis),
        "offers": list(offer_findings(store, visibility=vis)),
        "labelled": list(ReviewRepository(store).labelled(visibility=vis)),
        "ranking": actors.ranking(100, vis),
        "documents": actors.documents([actor], vis),
        "hits": actors.selector_hits([actor], vis),
        "linking": {k: sorted(v) for k, v in actors.linking_keys([actor], vis).items()},
        "actor_substances": actors.substances([actor], vis),
        "resolve": actors.resolve(actor, vis),
        "largest": actors.largest(5, vis),
        "events": actors.events(actor, vis),
        "history": actors.history(50, vis),
        "non_linking": actors.non_linking_keys(vis),
        "occurrences": actors.occurrences(["bc1qSharedVendorWallet"], vis),
        "graph": actors.graph(actor, vis),
        "graph_all": actors.graph(None, vis),
        "key_statuses": actors.key_statuses(
            [i for ids in actors.linking_keys([actor], None).values() for i in ids], vis
        ),
        "captures_of": captures.of_documents([doc], visibility=vis),
        "captures": captures.all(visibility=vis),
        "imported": captures.imported_file("ab" * 32, visibility=vis),
        "starting": captures.doc_ids_starting(doc[:8], limit=2, visibility=vis),
        "recent": captures.recent_doc_ids(limit=5, visibility=vis),
        "findings": captures.document_findings([doc], visibility=vis),
        "report": build_report(store, visibility=vis),
    }


def test_every_findings_read_gives_the_home_org_all_and_others_nothing(market):  # noqa: F811
    store, ids = market
    Linker(store).link()
    doc = ids["snow1"]
    actor = ActorRepository(store).ranking(1)[0].id
    CaptureRepository(store).add([
        StoredCapture(doc, "job-1", "crawl", "http://x.onion/a", "a.warc.gz", 0, 10,
                      "<urn:uuid:1>", "ab" * 32, 200, datetime.now(UTC)),
        StoredCapture(None, "import-1", "import", "file:///a", "b.warc.gz", 0, 10,
                      "<urn:uuid:2>", "ab" * 32, None, datetime.now(UTC)),
    ])  # fmt: skip
    ReviewRepository(store).add(doc, Decision.CONFIRM, analyst="ana@a", org="A", visibility=HOME)

    everything = _reads(store, EVERYTHING, doc, actor)
    assert _reads(store, HOME, doc, actor) == everything
    # the data is there to be seen...
    seen = ("document", "substances", "first_seen", "labelled", "ranking", "documents", "hits",
            "resolve", "largest", "non_linking", "occurrences", "captures_of", "captures",
            "imported", "starting", "recent", "findings")  # fmt: skip
    for key in seen:
        assert everything[key], key
    assert everything["queue"].total == len(ids)  # type: ignore[attr-defined]
    assert everything["report"].totals.documents == len(ids)  # type: ignore[attr-defined]

    # ...and another organisation sees none of it
    other = _reads(store, OTHER, doc, actor)
    queue = other.pop("queue")
    assert (queue.items, queue.total, queue.platforms, queue.substances) == ([], 0, [], [])  # type: ignore[attr-defined]
    assert all(not s.keys and not s.points for s in other.pop("series"))  # type: ignore[attr-defined]
    report = other.pop("report")
    assert report.totals.documents == 0 and report.top_selectors == []  # type: ignore[attr-defined]
    assert other.pop("linking") == {actor: []}
    assert other.pop("actor_substances") == {actor: []}
    assert other.pop("graph") == other.pop("graph_all") == ([], [])
    assert {k: v for k, v in other.items() if v} == {}

    # one document by id: not found, as an unknown one is (and as a prefix is)
    for wanted in (doc, doc[:8], "0" * 64):
        with pytest.raises(NotFoundError, match="no document"):
            document_view(store, wanted, visibility=OTHER)


def test_another_organisation_cannot_record_a_decision(market):  # noqa: F811
    store, ids = market
    repo = ReviewRepository(store)
    with pytest.raises(NotFoundError, match="no document"):
        repo.add(ids["snow1"], Decision.DISMISS, analyst="bo@b", org="B", visibility=OTHER)
    assert repo.history(ids["snow1"]) == []
    made = repo.add(ids["snow1"], Decision.DISMISS, analyst="ana@a", org="A", visibility=HOME)
    assert repo.history(ids["snow1"]) == [made]
