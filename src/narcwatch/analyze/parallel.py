"""Run the pipeline over a stream of documents, in this process or in N worker processes.

Workers build their own :class:`Pipeline` once (knowledge base, compiled matchers) and
then receive documents in chunks; results come back in input order so output files are
reproducible whatever ``--jobs`` says.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import Any

from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS, Pipeline
from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument
from narcwatch.model import Finding

Item = RawDocument | InputError
Result = Finding | InputError

_worker_pipeline: Pipeline | None = None
_worker_include_text = False


def _init_worker(
    names: Sequence[str], config: Mapping[str, Mapping[str, Any]], include_text: bool
) -> None:
    global _worker_pipeline, _worker_include_text
    _worker_pipeline = Pipeline(names, config)
    _worker_include_text = include_text


def _analyze_chunk(chunk: list[Item]) -> list[Result]:
    assert _worker_pipeline is not None
    return [_analyze_one(_worker_pipeline, item, _worker_include_text) for item in chunk]


def _analyze_one(pipeline: Pipeline, item: Item, include_text: bool) -> Result:
    if isinstance(item, InputError):
        return item
    try:
        return pipeline(item, include_text=include_text)
    except Exception as exc:  # a bug on one document must not end the run: report and go on
        return InputError(item.source, item.location, f"analysis failed: {exc!r}")


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def analyze_stream(
    items: Iterable[Item],
    *,
    jobs: int = 1,
    names: Sequence[str] = DEFAULT_COMPONENTS,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    include_text: bool = False,
    chunk_size: int = 64,
) -> Iterator[Result]:
    """Findings (and the input errors passed through) in input order."""
    config = dict(config or {})
    if jobs <= 1:
        pipeline = Pipeline(names, config)
        for item in items:
            yield _analyze_one(pipeline, item, include_text)
        return
    ctx = mp.get_context("spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork")
    with ctx.Pool(jobs, _init_worker, (tuple(names), config, include_text)) as pool:
        # Pool.imap would drain the whole input into its task queue (no back-pressure), so
        # keep a bounded window of chunks in flight: memory stays flat on any input size.
        window: deque[AsyncResult[list[Result]]] = deque()
        for chunk in _chunks(items, chunk_size):
            window.append(pool.apply_async(_analyze_chunk, (chunk,)))
            if len(window) >= jobs * 4:
                yield from window.popleft().get()
        while window:
            yield from window.popleft().get()
