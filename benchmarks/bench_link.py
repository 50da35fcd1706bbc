"""Linking speed and memory (issue 5), each measurement in its own process.

    .venv/bin/python benchmarks/bench_link.py                 # defaults below
    .venv/bin/python benchmarks/bench_link.py --keys 1000000 --edges 5000000 --docs 20000

1. Clustering: ``narcwatch.link.cluster.components`` (what ``link --rebuild`` runs) on a
   synthetic graph of ``--keys`` selectors and ``--edges`` document-selector occurrences
   over 2x as many documents, next to the same graph clustered with igraph (build the
   graph, then connected components), the obvious alternative, when igraph is installed.
2. Incremental linking through the store (SQLite file): ``--docs`` documents stored and
   linked, then 10% more linked incrementally, next to ``link --rebuild`` of the whole
   store: the incremental run reads only the new documents.

Prints seconds, documents/s and peak RSS (MB); ratios are against the baseline of the same run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _graph(n_keys: int, n_edges: int, seed: int = 7):  # type: ignore[no-untyped-def]
    import numpy as np

    rng = np.random.default_rng(seed)
    n_docs = 2 * n_keys
    # Skewed like real data: most selectors appear once or twice, a few very often.
    keys = (rng.zipf(1.6, n_edges) - 1) % n_keys
    docs = rng.integers(0, n_docs, n_edges)
    return n_docs, docs, keys


def _cluster(args: tuple[int, int], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from narcwatch.link.cluster import components

    n_docs, docs, keys = _graph(*args)
    start = time.perf_counter()
    labels = components(n_docs, args[0], docs, keys)
    took = time.perf_counter() - start
    out.put({"seconds": took, "actors": int(labels.max()) + 1, "rss_mb": _rss_mb()})


def _cluster_igraph(args: tuple[int, int], out: mp.Queue) -> None:  # type: ignore[type-arg]
    import igraph
    import numpy as np

    n_docs, docs, keys = _graph(*args)
    start = time.perf_counter()
    edges = np.stack([docs, keys + n_docs], axis=1)
    graph = igraph.Graph(n=n_docs + args[0], edges=edges)
    membership = graph.connected_components().membership
    took = time.perf_counter() - start
    out.put({"seconds": took, "actors": len(set(membership[:n_docs])), "rss_mb": _rss_mb()})


def _findings(n: int, offset: int):  # type: ignore[no-untyped-def]
    """A market-shaped corpus: sellers (one per 4 documents) with one or two wallets of
    their own and sometimes a Telegram handle, listing on one of five platforms; 2% of
    listings quote one of 20 escrow wallets shared by everyone; 1% quote another seller's
    wallet (the bridges that make merges)."""
    import random

    from narcwatch.model import DocumentMeta, Finding, SelectorHit

    rng = random.Random(offset)
    sellers = max(1, (offset + n) // 4)
    out = []
    for i in range(offset, offset + n):
        seller = rng.randrange(sellers)
        vendor = f"vendor{seller}"
        wallet = f"bc1q{seller:010d}w{rng.randrange(2)}"
        hits = [
            SelectorHit(type="vendor", value=vendor, matched=vendor, span=(0, 0), strength="weak"),
            SelectorHit(type="btc", value=wallet, matched=wallet, span=(0, 1)),
        ]
        if seller % 3 == 0:
            hits.append(
                SelectorHit(type="telegram", value=f"shop{seller}", matched="x", span=(0, 1))
            )
        roll = rng.random()
        if roll < 0.02:
            escrow = f"bc1qescrow{rng.randrange(20):04d}"
            hits.append(SelectorHit(type="btc", value=escrow, matched=escrow, span=(0, 1)))
        elif roll < 0.03:
            other = f"bc1q{rng.randrange(sellers):010d}w0"
            hits.append(SelectorHit(type="btc", value=other, matched=other, span=(0, 1)))
        out.append(
            Finding(
                doc=DocumentMeta(
                    id=f"{i:064x}",
                    source="bench.jsonl",
                    location=f"line {i}",
                    source_id=str(i),
                    platform=f"market{seller % 5}",
                    author=vendor,
                ),
                selectors=hits,
            )
        )
    return out


def _incremental(docs: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from narcwatch.link import Linker, rebuild
    from narcwatch.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'b.db'}")
        store.save(_findings(docs, 0))
        # all_documents: the synthetic documents name no substance (only drug-relevant
        # documents link by default); the benchmark measures linking all of them.
        linker = Linker(store, all_documents=True)
        start = time.perf_counter()
        first = linker.link()
        t_first = time.perf_counter() - start
        store.save(_findings(docs // 10, docs))
        start = time.perf_counter()
        more = linker.link()
        t_more = time.perf_counter() - start
        start = time.perf_counter()
        rebuild(linker)
        t_rebuild = time.perf_counter() - start
        out.put(
            {
                "first": [first.documents, t_first],
                "incremental": [more.documents, t_more],
                "rebuild": [docs + docs // 10, t_rebuild],
                "rss_mb": _rss_mb(),
            }
        )


def _run(target, arg):  # type: ignore[no-untyped-def]
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    proc = mp.get_context("fork").Process(target=target, args=(arg, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--docs", type=int, default=20_000)
    args = parser.parse_args()

    ours = _run(_cluster, (args.keys, args.edges))
    print(
        f"cluster  narcwatch: {args.keys:,} selectors, {args.edges:,} edges -> "
        f"{ours['actors']:,} actors in {ours['seconds']:.2f} s, peak RSS {ours['rss_mb']:.0f} MB"
    )
    try:
        import igraph  # noqa: F401

        base = _run(_cluster_igraph, (args.keys, args.edges))
        print(
            f"cluster  igraph:    {base['actors']:,} actors in {base['seconds']:.2f} s, peak RSS "
            f"{base['rss_mb']:.0f} MB  (narcwatch {base['seconds'] / ours['seconds']:.1f}x faster)"
        )
    except ImportError:
        print("cluster  igraph: not installed (pip install igraph to compare)")

    inc = _run(_incremental, args.docs)
    (n1, t1), (n2, t2), (n3, t3) = inc["first"], inc["incremental"], inc["rebuild"]
    print(f"link     first run:   {n1:,} documents in {t1:.2f} s = {n1 / t1:,.0f} documents/s")
    print(f"link     incremental: {n2:,} new documents in {t2:.2f} s = {n2 / t2:,.0f} documents/s")
    print(
        f"link     --rebuild:   {n3:,} documents in {t3:.2f} s = {n3 / t3:,.0f} documents/s "
        f"(adding 10% incrementally took {t2 / t3:.2f}x the time of a rebuild); "
        f"peak RSS {inc['rss_mb']:.0f} MB"
    )
    print(json.dumps({"cluster": ours, "incremental": inc}))


if __name__ == "__main__":
    main()
