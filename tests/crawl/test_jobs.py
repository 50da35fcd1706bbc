"""The crawl job as every front door runs it: the Context's pipeline settings, then linking
the stored pages into actors like ``scan`` does."""

from __future__ import annotations

import jsonschema
import pytest

from narcwatch.results.base import schema_of
from narcwatch.results.evidence import CrawlSummary
from narcwatch.store.actors import ActorRepository
from narcwatch.store.captures import CaptureRepository
from narcwatch.store.frontier import FrontierRepository

from .conftest import SHOP_MAIL, Site, context, crawl


def _actors(store) -> dict[str, list[str]]:
    """Each active actor's documents (ids)."""
    repo = ActorRepository(store)
    out: dict[str, list[str]] = {a: [] for a in repo.largest(50)}
    for member in repo.documents(list(out)):
        out[member.actor_id].append(member.doc_id)
    return out


def test_a_crawl_links_the_pages_of_one_seller_into_one_actor(site: Site, store, crawl_home, fast):
    summary = crawl(crawl_home, [site.base + "/shop/a"], fast, job="shops")
    assert summary.pages == 2 and summary.linked
    docs = {f.doc.id: f for f in store.findings()}
    assert len(docs) == 2
    for finding in docs.values():
        assert ("email", SHOP_MAIL) in {(s.type, s.value) for s in finding.selectors}
    (members,) = _actors(store).values()
    assert sorted(members) == sorted(docs)
    # the actor's documents are the crawled captures
    captured = {c.doc_id for c in CaptureRepository(store).all(job="shops")}
    assert captured == set(docs)


def test_no_link_stores_without_actors(site: Site, store, crawl_home, fast):
    summary = crawl(crawl_home, [site.base + "/shop/a"], fast, job="shops", link=False)
    assert summary.pages == 2 and summary.linked is None
    assert len(list(store.findings())) == 2 and _actors(store) == {}


def test_a_resumed_crawl_links_what_it_stored(site: Site, store, crawl_home, fast):
    fast.max_pages = 1
    crawl(crawl_home, [site.base + "/shop/a"], fast, job="r", link=False)
    assert _actors(store) == {}
    second = crawl(crawl_home, [], resume="r", overrides={"max_pages": 2})
    assert second.pages == 1 and second.linked
    (members,) = _actors(store).values()
    assert len(members) == 2


def _phones(store) -> set[str]:
    return {s.value for f in store.findings() for s in f.selectors if s.type == "phone"}


@pytest.mark.parametrize("workers", [0, 1], ids=["in-process", "worker"])
def test_the_pipeline_comes_from_the_context(site: Site, store, crawl_home, fast, workers):
    # A national number reads as a phone only with a default region: --region reaches the
    # analysis, in the crawler's process and in analysis workers alike.
    from narcwatch.jobs.crawl import crawl_job

    fast.max_depth = 0
    fast.analysis_workers = workers
    crawl_job(context(crawl_home, region="FR"), [site.base + "/phone"], fast, job="fr")
    assert _phones(store) == {"+33612345678"}


def test_without_a_region_the_national_number_is_no_phone(site: Site, store, crawl_home, fast):
    fast.max_depth = 0
    crawl(crawl_home, [site.base + "/phone"], fast, job="none")
    assert _phones(store) == set()


def test_the_summary_is_a_valid_crawl_summary(site: Site, store, crawl_home, fast):
    fast.max_depth = 0
    summary = crawl(crawl_home, [site.base + "/seized", site.base + "/shop/a"], fast, job="s")
    data = summary.to_json_dict()
    jsonschema.Draft202012Validator(schema_of(CrawlSummary)).validate(data)
    assert data["error_samples"] == [{"url": site.base + "/seized", "error": "HTTP 410"}]
    assert {u.state for u in FrontierRepository(store, "s").urls()} == {"done", "failed"}


def test_the_analysts_site_profiles_come_from_the_home(site: Site, store, crawl_home, fast):
    """A profile in HOME/profiles reads a listing's fields (vendor) during a crawl."""
    profiles = crawl_home / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "shops.yaml").write_text(
        "profiles:\n  - id: test-shop\n    description: the test site's shop pages\n"
        "    detect: body\n    fields: {title: title}\n    sources: [narcwatch-curated]\n"
        "    examples: [{html: '<html><title>A</title><body>x</body></html>', "
        "expect: {title: A}}]\n",
        encoding="utf-8",
    )
    fast.max_depth = 0
    crawl(crawl_home, [site.base + "/shop/a"], fast, job="profiled")
    (finding,) = store.findings()
    assert (finding.doc.fields or {}).get("profile") == "test-shop"
