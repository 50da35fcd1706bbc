"""The scan job as the server and the CLI call it: store, link, re-run, Ctrl-C."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from narcwatch.jobs.context import Context
from narcwatch.jobs.scan import scan_job
from narcwatch.model import Finding
from narcwatch.results.base import schema_of
from narcwatch.results.scan import ScanSummary
from tests.conftest import EXAMPLES

POSTS = [
    '{"id": "1", "text": "Cocaine 1g 80 EUR. BTC 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"}',
    '{"id": "2", "text": "MDMA 10 pills 50 EUR, pay BTC 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"}',
    '{"id": "3", "text": "Call 0612345678 for weed, 10g 60 EUR"}',
]


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(POSTS) + "\n")
    return path


def test_scan_stores_links_and_reruns_as_a_no_op(tmp_path: Path, posts: Path) -> None:
    ctx = Context.build(tmp_path / "home", environ={})
    first = scan_job(ctx, [str(posts)])
    assert (first.documents, first.stored_added, first.errors) == (3, 3, 0)
    assert first.linked is not None  # the two posts sharing a wallet were linked
    with ctx.open_store() as store:
        assert len(list(store.findings())) == 3
    again = scan_job(ctx, [str(posts)])
    assert (again.stored_added, again.stored_unchanged) == (0, 3)
    import jsonschema

    jsonschema.validate(again.to_json_dict(), schema_of(ScanSummary))


def test_the_region_setting_reaches_the_pipeline(tmp_path: Path, posts: Path) -> None:
    found: dict[str | None, list[str]] = {}
    for region in (None, "NL"):
        ctx = Context.build(tmp_path / "home", region=region, environ={})
        findings: list[Finding] = []
        scan_job(ctx, [str(posts)], store=False, on_finding=[findings.append])
        found[region] = [s.value for f in findings for s in f.selectors if s.type == "phone"]
    assert found["NL"] == ["+31612345678"]
    assert found[None] == []


def test_ctrl_c_keeps_what_was_analysed(tmp_path: Path) -> None:
    ctx = Context.build(tmp_path / "home", environ={})

    def interrupt_after(n: int):
        def wrap(stream: Iterable[object]) -> Iterator[object]:
            yield from itertools.islice(stream, n)
            raise KeyboardInterrupt

        return wrap

    summary = scan_job(ctx, [str(EXAMPLES)], progress=interrupt_after(4))  # type: ignore[arg-type]
    assert summary.interrupted and summary.documents == 4 and summary.linked is None
    with ctx.open_store() as store:
        assert len(list(store.findings())) == 4  # whole documents, none lost


def test_without_a_store_nothing_is_written(tmp_path: Path, posts: Path) -> None:
    ctx = Context.build(tmp_path / "home", needs_home=False, environ={})
    summary = scan_job(ctx, [str(posts)], store=False)
    assert summary.documents == 3 and not summary.stored
    assert not (tmp_path / "home").exists()
