"""The crawl frontier repository: jobs, queueing without duplicates, claims in priority
order, batches committed whole (captures, states, links, redirect targets)."""

from __future__ import annotations

from datetime import UTC, datetime

from narcwatch.store.captures import CaptureRepository, StoredCapture
from narcwatch.store.frontier import FrontierRepository, UrlState
from narcwatch.store.visibility import Visibility

WHEN = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
EVERYONE = Visibility(organisation=None)


def test_jobs_are_created_once_and_reopened(store):
    repo = FrontierRepository(store, "job-1")
    assert repo.reopen_job() is None and repo.job_status() is None
    assert repo.create_job(["https://a.example/"], {"max_pages": 5})
    assert not repo.create_job(["https://b.example/"], {})  # taken: nothing written
    repo.close_job("stopped")
    assert repo.job_status(visibility=EVERYONE) == "stopped"
    assert repo.reopen_job() == (["https://a.example/"], {"max_pages": 5})
    assert repo.job_status() == "running"


def test_add_claim_release_and_counts(store):
    repo = FrontierRepository(store, "j")
    items = [("https://a.example/1", 1, 0.5), ("https://a.example/2", 1, 0.9)]
    assert repo.add([*items, ("https://a.example/1", 1, 0.7)]) == 2
    assert repo.add(items) == 0  # seen before: never queued twice
    assert FrontierRepository(store, "other").add(items) == 2  # per job
    first = repo.claim(1)
    assert [t.url for t in first] == ["https://a.example/2"]
    assert repo.counts() == {"queued": 1, "fetching": 1}
    repo.release(t.pk for t in first)
    assert repo.counts(visibility=EVERYONE) == {"queued": 2}
    # the best priority kept for a URL offered twice in one call
    assert {u.url: u.priority for u in repo.urls()}["https://a.example/1"] == 0.7


def test_a_killed_run_is_queued_again_on_reopen(store):
    repo = FrontierRepository(store, "k")
    repo.create_job([], {})
    repo.add([("https://a.example/", 0, 1.0)])
    repo.claim(1)
    repo.reopen_job()
    assert repo.counts() == {"queued": 1}


def test_a_batch_commits_captures_states_links_and_redirect_targets(store):
    repo = FrontierRepository(store, "b")
    repo.add([("https://a.example/", 0, 1.0), ("https://a.example/bad", 0, 0.5)])
    ok, bad = sorted(repo.claim(2), key=lambda t: t.url)
    capture = StoredCapture(
        doc_id=None, job="b", kind="crawl", url=ok.url, warc_path="b/x.warc.gz", offset=0,
        length=10, record_id="<urn:uuid:1>", payload_sha256="0" * 64, status=200,
        captured_at=WHEN,
    )  # fmt: skip
    repo.commit_batch(
        [capture],
        [
            UrlState(ok.pk, "done", 200, None, WHEN),
            UrlState(bad.pk, "failed", 503, "x" * 3000, WHEN),
        ],
        [
            ("https://a.example/next", 1, 0.2),
            ("https://a.example/", 1, 0.2),  # known: stays as it is
            ("https://a.example/moved", 0, -1.0),  # a redirect's target: queued, then done
        ],
        [("https://a.example/moved", 301)],
    )
    states = {u.url: (u.state, u.status) for u in repo.urls()}
    assert states == {
        "https://a.example/": ("done", 200),
        "https://a.example/bad": ("failed", 503),
        "https://a.example/next": ("queued", None),
        "https://a.example/moved": ("done", 301),
    }
    assert repo.errors() == [("https://a.example/bad", "x" * 2000)]  # cut at 2000
    assert [c.url for c in CaptureRepository(store).all(job="b")] == [ok.url]
