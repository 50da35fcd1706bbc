"""Scan throughput in one process, in ``--jobs 2`` processes and on ``--cluster local:2``,
in one run, with the cluster's costs: scheduler overhead per partition, peak RSS per
worker, driver memory and CPU, and the partition size where the overhead is under 5%.

    python benchmarks/bench_cluster.py [--docs 20000] [--partition 1MB] [--sweep-docs 4000]
                                       [--postgres postgresql+psycopg://USER@HOST/EMPTY_DB]

Corpus: ``--docs`` JSON Lines records of ~1 KB real text built as bench_scan.py builds its
own (darknet page pieces, listings, reviews and mail from ../shared/data, read in place);
when the data run out the texts are used again, each record distinct by its id (so every
document is stored). The corpus is written to a temporary folder, in 8 files.

Each run is its own process (its peak RSS is its own) scanning into its own SQLite store
without linking:

* ``1 process``: ``scan_job`` with one pipeline in the process;
* ``--jobs 2``: ``scan_job`` with two analysis processes;
* ``--cluster local:2``: ``cluster_scan_job`` on a LocalCluster of two single-threaded
  worker processes (started before the clock starts; its start is reported apart).

The single writer's store cost alone: ``Store.save`` of 2,000 findings in batches of 500
on SQLite (and on PostgreSQL with ``--postgres``).

The ``--sweep-docs`` corpus is scanned on one cluster with partitions of several sizes
(wall time, the workers' busy share, CPU). Overhead per partition, ``c``, is measured by a
probe: 300 tiny documents as 300 partitions and as one; their CPU time (driver, with the
local scheduler in its process, plus workers) differs by 299 partitions' cost: the task
round trip, the Arrow table back, the driver's Parquet file and its finished record. CPU
time, not wall time, so that a shared machine does not blur it. Overhead is under 5% once
a partition's documents take 20 c, i.e. from ``20 c / (CPU s per document)`` documents.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

FILES = 8


def build(folder: Path, n: int, seed: int = 7) -> tuple[int, float]:
    """``n`` records of real text in ``FILES`` files; (bytes, mean bytes per record)."""
    import random

    from bench_scan import MIX, documents

    rng = random.Random(seed)
    pools = {k: rng.sample(v, len(v)) for k, v in documents().items()}
    folder.mkdir(parents=True, exist_ok=True)
    handles = [(folder / f"part-{i}.jsonl").open("w", encoding="utf-8") for i in range(FILES)]
    size = 0
    for i in range(n):
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        pool = pools[kind]
        line = json.dumps({"id": f"bench-{i}", "platform": kind, "text": pool[i % len(pool)]})
        handles[i * FILES // n].write(line + "\n")
        size += len(line.encode()) + 1
    for fh in handles:
        fh.close()
    return size, size / max(1, n)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_peak_mb() -> float:
    import resource as r

    return r.getrusage(r.RUSAGE_SELF).ru_maxrss / 1024


def _worker_cpu() -> float:
    return time.process_time()


def child_scan(corpus: Path, home: Path, jobs: int) -> dict[str, Any]:
    from narcwatch.jobs import Context
    from narcwatch.jobs.scan import scan_job

    ctx = Context.build(home=home, jobs=jobs)
    ctx.kb  # noqa: B018  (loaded before the clock, as the cluster's workers load theirs)
    t0, c0 = time.perf_counter(), time.process_time()
    s = scan_job(ctx, [str(corpus)], link=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "docs": s.documents, "seconds": wall, "driver_cpu": cpu,
        "worker_cpu": kids.ru_utime + kids.ru_stime, "driver_peak_mb": _peak_mb(),
        "stored": s.stored_added,
    }  # fmt: skip


def _cluster(workers: int) -> tuple[Any, Any, float]:
    import logging

    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=logging.ERROR,
    )  # fmt: skip
    client = Client(cluster)
    return cluster, client, time.perf_counter() - t0


def _cluster_run(client: Any, corpus: Path, home: Path, partition: int) -> dict[str, Any]:
    from distributed import get_task_stream

    from narcwatch.jobs import Context
    from narcwatch.jobs.cluster import ClusterStart, cluster_scan_job

    ctx = Context.build(home=home)
    starts: list[ClusterStart] = []
    w0 = client.run(_worker_cpu)
    t0, c0 = time.perf_counter(), time.process_time()
    with get_task_stream(client) as ts:
        s = cluster_scan_job(
            ctx, [str(corpus)], client=client, partition_bytes=partition, link=False,
            on_start=starts.append,
        )  # fmt: skip
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    w1 = client.run(_worker_cpu)
    compute = sum(
        s["stop"] - s["start"]
        for task in ts.data
        if str(task["key"]).startswith("narcwatch-partition-")
        for s in task["startstops"]
        if s["action"] == "compute"
    )
    return {
        "docs": s.documents, "seconds": wall, "driver_cpu": cpu,
        "worker_cpu": sum(w1.values()) - sum(w0.values()),
        "partitions": starts[0].partitions, "compute": compute, "stored": s.stored_added,
    }  # fmt: skip


def child_cluster(corpus: Path, home: Path, partition: int, workers: int) -> dict[str, Any]:
    cluster, client, started = _cluster(workers)
    try:
        out = _cluster_run(client, corpus, home, partition)
        out["cluster_start_s"] = started
        out["worker_peak_mb"] = sorted(client.run(_worker_peak_mb).values())
        out["driver_peak_mb"] = _peak_mb()
    finally:
        client.close()
        cluster.close()
    return out


PROBE = 300  # one-line partitions of the overhead probe


def child_store(corpus: Path, home: Path, url: str | None, n: int = 2_000) -> dict[str, Any]:
    """The single writer's store cost alone: Store.save of ``n`` findings in batches of 500
    (as the driver saves them), analysed before the clock starts."""
    from itertools import islice

    from narcwatch.jobs import Context
    from narcwatch.jobs.scan import analyze_inputs
    from narcwatch.model import Finding

    ctx = Context.build(home=home, db=url)
    found = [f for f in islice(analyze_inputs(ctx, [str(corpus)]), n) if isinstance(f, Finding)]
    with ctx.open_store() as store:
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, len(found), 500):
            store.save(found[i : i + 500])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"findings": len(found), "seconds": wall, "cpu": cpu}


def child_sweep(
    corpus: Path, probe: Path, home: Path, sizes: list[int], workers: int
) -> dict[str, Any]:
    """The corpus at each partition size; then the probe: ``PROBE`` tiny documents as
    ``PROBE`` partitions and as one, whose CPU differs by ``PROBE - 1`` partitions' cost."""
    cluster, client, _ = _cluster(workers)
    try:
        _cluster_run(client, corpus, home / "warm", sizes[-1])  # plugin and caches warm
        sweep = [
            {"partition_bytes": size, **_cluster_run(client, corpus, home / str(size), size)}
            for size in sizes
        ]
        many = _cluster_run(client, probe, home / "probe-many", 1)
        one = _cluster_run(client, probe, home / "probe-one", 1 << 30)
        return {"sweep": sweep, "many": many, "one": one}
    finally:
        client.close()
        cluster.close()


def _child(*args: str) -> Any:
    cmd = [sys.executable, __file__, "--child", *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _size(text: str) -> int:
    units = {"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}
    for unit, factor in units.items():
        if text.upper().endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--partition", default="1MB", help="partition size of the main cluster run")
    ap.add_argument("--sweep-docs", type=int, default=4_000)
    ap.add_argument("--sweep", default="16KB,32KB,64KB,256KB,1MB", help="partition sizes")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--postgres",
        metavar="URL",
        help="also time Store.save on this PostgreSQL database (SQLAlchemy URL; it must be empty)",
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, corpus, home, *rest = args.child
        if mode == "store":
            out: Any = child_store(Path(corpus), Path(home), rest[0] if rest else None)
        elif mode == "scan":
            out = child_scan(Path(corpus), Path(home), int(rest[0]))
        elif mode == "cluster":
            out = child_cluster(Path(corpus), Path(home), int(rest[0]), int(rest[1]))
        else:
            sizes = [int(s) for s in rest[1].split(",")]
            out = child_sweep(Path(corpus), Path(rest[0]), Path(home), sizes, int(rest[2]))
        print(json.dumps(out))
        return

    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        root = Path(tmp)
        size, mean = build(root / "corpus", args.docs)
        print(
            f"corpus: {args.docs:,} documents, {size / 1e6:.1f} MB, {mean:,.0f} bytes each, "
            f"{FILES} JSONL files"
        )
        w = args.workers
        runs = {
            "1 process": _child("scan", str(root / "corpus"), str(root / "h1"), "1"),
            f"--jobs {w}": _child("scan", str(root / "corpus"), str(root / "h2"), str(w)),
            f"--cluster local:{w}": _child(
                "cluster", str(root / "corpus"), str(root / "h3"),
                str(_size(args.partition)), str(w),
            ),
        }  # fmt: skip
        base = runs["1 process"]["docs"] / runs["1 process"]["seconds"]
        print(
            "\n| run | documents | wall s | documents/s | x 1 process | driver CPU s | "
            "worker CPU s | documents / CPU s | driver peak RSS |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for name, r in runs.items():
            rate = r["docs"] / r["seconds"]
            per_cpu = r["docs"] / (r["driver_cpu"] + r["worker_cpu"])
            print(
                f"| {name} | {r['docs']:,} | {r['seconds']:.1f} | {rate:,.0f} | "
                f"{rate / base:.2f} | {r['driver_cpu']:.1f} | {r['worker_cpu']:.1f} | "
                f"{per_cpu:,.0f} | {r['driver_peak_mb']:.0f} MB |"
            )
        c = runs[f"--cluster local:{w}"]
        per_doc_cpu = runs["1 process"]["driver_cpu"] / runs["1 process"]["docs"]
        print(
            f"\ncluster: {c['partitions']} partitions of {args.partition}; cluster start "
            f"{c['cluster_start_s']:.1f} s (not in the wall time); peak RSS per worker "
            f"{', '.join(f'{m:.0f} MB' for m in c['worker_peak_mb'])}; driver CPU "
            f"{1e6 * c['driver_cpu'] / c['docs']:,.0f} µs per document (the single "
            f"writer's cost: it can take {c['docs'] / c['driver_cpu']:,.0f} documents/s)"
        )

        stores = {"SQLite": _child("store", str(root / "corpus"), str(root / "hs1"))}
        if args.postgres:
            stores["PostgreSQL"] = _child(
                "store", str(root / "corpus"), str(root / "hs2"), args.postgres
            )
        for name, r in stores.items():
            print(
                f"Store.save alone, {name}: {1e6 * r['cpu'] / r['findings']:,.0f} µs of CPU "
                f"({1e6 * r['seconds'] / r['findings']:,.0f} µs wall) per finding, "
                f"batches of 500"
            )

        sweep_docs = min(args.sweep_docs, args.docs)
        build(root / "sweep", sweep_docs, seed=11)
        probe = root / "probe.jsonl"
        probe.write_text(
            "".join(f'{{"id": "p{i}", "text": "probe line {i}"}}\n' for i in range(PROBE))
        )
        sizes = [_size(s) for s in args.sweep.split(",")]
        got = _child(
            "sweep", str(root / "sweep"), str(root / "hs"), str(probe),
            ",".join(map(str, sizes)), str(w),
        )  # fmt: skip
        print(f"\nsweep: {sweep_docs:,} documents on local:{w}")
        print("| partition | partitions | documents each | wall s | busy share | CPU s, all |")
        print("|---|---|---|---|---|---|")
        for p in got["sweep"]:
            busy = p["compute"] / (p["seconds"] * w)
            print(
                f"| {p['partition_bytes'] // 1024:,} KB | {p['partitions']} | "
                f"{p['docs'] / p['partitions']:,.0f} | {p['seconds']:.2f} | {busy:.0%} | "
                f"{p['driver_cpu'] + p['worker_cpu']:.2f} |"
            )
        many, one = got["many"], got["one"]
        extra = many["partitions"] - one["partitions"]
        cpu = many["driver_cpu"] + many["worker_cpu"] - one["driver_cpu"] - one["worker_cpu"]
        cost, driver = cpu / extra, (many["driver_cpu"] - one["driver_cpu"]) / extra
        wall = (many["seconds"] - one["seconds"]) / extra
        docs_5 = 20 * cost / per_doc_cpu
        print(
            f"\noverhead per partition (probe: {PROBE} tiny documents as {many['partitions']} "
            f"partitions and as {one['partitions']}): {1e3 * cost:.1f} ms of CPU, of which "
            f"{1e3 * driver:.1f} ms in the driver (with the scheduler); {1e3 * wall:.1f} ms "
            f"of wall time on local:{w}"
        )
        print(
            f"overhead under 5% from {docs_5:,.0f} documents per partition "
            f"({1e3 * per_doc_cpu:.2f} ms of CPU each in one process) = "
            f"{docs_5 * mean / 1024:,.0f} KB of this corpus"
        )


if __name__ == "__main__":
    main()
