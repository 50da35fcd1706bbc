"""Cluster scans give a plain scan's findings, lose and double nothing when a worker dies,
and resume without analysing finished partitions again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
from distributed import Client, LocalCluster

from narcwatch.errors import InputError
from narcwatch.jobs.cluster import ClusterStart, cluster_scan_job
from narcwatch.jobs.context import Context
from narcwatch.jobs.scan import scan_job
from narcwatch.model import Finding
from tests.cluster import plugins
from tests.conftest import EXAMPLES

# Small partitions: the examples (7 files, 23 documents) make 17 partitions of every kind.
SMALL = 500
cloudpickle.register_pickle_by_value(plugins)  # workers need not import the tests


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two single-threaded worker processes (a process can be killed; a thread cannot)."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """What a plain scan of the examples writes, finding by finding."""
    ctx = Context.build(home=tmp_path_factory.mktemp("plain"))
    found: list[Finding] = []
    scan_job(ctx, [str(EXAMPLES)], store=False, on_finding=[found.append])
    return [f.to_json_dict() for f in found]


def _stored(ctx: Context) -> list[str]:
    with ctx.open_store() as store:
        return sorted(f.doc.id for f in store.findings(latest_only=False))


def test_cli_cluster_scan_writes_what_a_plain_scan_writes(cli, tmp_path: Path) -> None:
    plain = cli("scan", str(EXAMPLES), "--no-store", "-q", "--include-text")
    assert plain.code == 0, plain.stderr
    parquet = tmp_path / "pq"
    out = cli(
        "scan", str(EXAMPLES), "--cluster", "local:2", "--partition-size", "500B",
        "--output-parquet", str(parquet), "--include-text",
    )  # fmt: skip
    assert out.code == 0, out.stderr
    assert out.stdout == plain.stdout
    assert "17 partitions on 2 worker threads" in out.stderr
    assert "stored 23 new" in out.stderr and "narcwatch link: linked" in out.stderr
    import pyarrow.dataset as ds

    table = ds.dataset(parquet).to_table()
    assert [json.loads(s) for s in table.column("finding").to_pylist()] == plain.findings()


def test_a_killed_worker_loses_and_doubles_nothing(
    client: Client, tmp_path: Path, plain: list[dict[str, Any]]
) -> None:
    marker, counter = tmp_path / "killed", tmp_path / "started"
    counter.mkdir()
    client.register_plugin(plugins.KillOnce(str(marker), str(counter), after=4))
    try:
        ctx = Context.build(home=tmp_path / "home")
        found: list[Finding] = []
        errors: list[InputError] = []
        summary = cluster_scan_job(
            ctx, [str(EXAMPLES)], client=client, partition_bytes=SMALL,
            on_finding=[found.append], on_error=[errors.append],
        )  # fmt: skip
    finally:
        client.unregister_worker_plugin(plugins.KillOnce.name)
    assert marker.exists(), "no worker was killed"
    assert [str(e) for e in errors] == []
    assert [f.to_json_dict() for f in found] == plain
    assert (summary.stored_added, summary.stored_unchanged, summary.errors) == (23, 0, 0)
    stored = _stored(ctx)
    assert stored == sorted(f["doc"]["id"] for f in plain)  # each document once
    assert summary.linked is not None


def test_a_stopped_run_resumes_without_analysing_finished_partitions(
    client: Client, tmp_path: Path, plain: list[dict[str, Any]]
) -> None:
    ctx = Context.build(home=tmp_path / "home")
    starts: list[ClusterStart] = []
    first: list[Finding] = []

    def stop_after_ten(finding: Finding) -> None:
        first.append(finding)
        if len(first) == 10:
            raise KeyboardInterrupt

    errors: list[InputError] = []
    stopped = cluster_scan_job(
        ctx, [str(EXAMPLES)], client=client, partition_bytes=SMALL,
        on_finding=[stop_after_ten], on_start=starts.append, on_error=[errors.append],
    )  # fmt: skip
    assert [str(e) for e in errors] == []
    assert stopped.interrupted and stopped.linked is None
    run = starts[0]
    done_before = len((run.run_dir / "done.jsonl").read_text().splitlines())
    assert 0 < done_before < run.partitions

    again: list[Finding] = []
    resumed = cluster_scan_job(
        ctx, [str(EXAMPLES)], client=client, resume=run.run,
        on_finding=[again.append], on_start=starts.append,
    )  # fmt: skip
    assert starts[1].resumed == done_before
    done_after = (run.run_dir / "done.jsonl").read_text().splitlines()
    assert len(done_after) == run.partitions  # each partition finished once, over both runs
    assert len({json.loads(line)["partition"] for line in done_after}) == run.partitions
    assert [f.to_json_dict() for f in again] == plain  # the whole output, in order
    assert not resumed.interrupted and resumed.linked is not None
    assert stopped.stored_added + resumed.stored_added == 23
    assert _stored(ctx) == sorted(f["doc"]["id"] for f in plain)


def test_resume_refuses_other_inputs(client: Client, tmp_path: Path) -> None:
    from narcwatch.errors import UsageError

    ctx = Context.build(home=tmp_path / "home")
    starts: list[ClusterStart] = []
    cluster_scan_job(
        ctx, [str(EXAMPLES / "social_posts.jsonl")], client=client, store=False,
        partition_bytes=SMALL, on_start=starts.append,
    )  # fmt: skip
    with pytest.raises(UsageError, match="resume it with the same inputs"):
        cluster_scan_job(ctx, [str(EXAMPLES)], client=client, resume=starts[0].run)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resume", "x"], "--resume goes with --cluster"),
        (["--output-parquet", "d"], "--output-parquet goes with --cluster"),
        (["--cluster", "lokal"], "unknown --cluster 'lokal'"),
        (["--cluster", "local:0"], "local:N takes a number of workers"),
        (["--cluster", "local", "--jobs", "2"], "with --cluster, workers do"),
        (["--cluster", "local", "--partition-size", "big"], "--partition-size 'big'"),
        (["--cluster", "local", "--resume", "nope"], "no run 'nope'"),
    ],
)
def test_usage_errors(cli, args: list[str], message: str) -> None:
    result = cli("scan", str(EXAMPLES), *args)
    assert result.code == 2, result.stderr
    assert message in result.stderr


def test_a_worker_on_another_narcwatch_version_stops_the_run(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from narcwatch.cluster import worker
    from narcwatch.errors import NarcwatchError

    monkeypatch.setattr(worker, "__version__", "0.0.0-driver")
    ctx = Context.build(home=tmp_path / "home")
    with pytest.raises(NarcwatchError, match=r"driver runs narcwatch 0\.0\.0-driver"):
        cluster_scan_job(ctx, [str(EXAMPLES)], client=client, store=False)


def test_a_multi_member_gzip_is_split_by_member_and_read_as_a_plain_scan_reads_it(
    client: Client, tmp_path: Path
) -> None:
    import gzip

    from tests.cluster.test_partitions import _members

    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(b"".join(_members()))
    ctx = Context.build(home=tmp_path / "home")
    plain: list[Finding] = []
    plain_errors: list[InputError] = []
    scan_job(
        ctx, [str(path)], store=False, on_finding=[plain.append], on_error=[plain_errors.append]
    )
    starts: list[ClusterStart] = []
    found: list[Finding] = []
    errors: list[InputError] = []
    cluster_scan_job(
        ctx, [str(path)], client=client, store=False, partition_bytes=SMALL,
        on_finding=[found.append], on_error=[errors.append], on_start=starts.append,
    )  # fmt: skip
    assert starts[0].partitions > 5
    assert [str(e) for e in errors] == [str(e) for e in plain_errors]  # the lone "{" line
    assert len(errors) == 1 and "invalid JSON" in errors[0].reason
    assert [f.to_json_dict() for f in found] == [f.to_json_dict() for f in plain]
    assert len(plain) == gzip.decompress(path.read_bytes()).count(b"cocaine")
    assert found[-1].doc.location == f"line {len(plain) + 2}"  # "  " and "{" lines counted
