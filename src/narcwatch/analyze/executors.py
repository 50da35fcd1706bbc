"""Where the pipeline runs over a stream of documents: this process, worker processes, or
an external engine, behind one protocol.

An :class:`Executor` turns documents (and the input errors a reader yielded, passed
through) into findings, **in input order**, so output files are the same whatever runs
them. A document whose analysis raises becomes an ``InputError("analysis failed: ...")``:
one bad document never ends a run. ``close()`` (or leaving a ``with`` block) releases what
the executor holds (worker processes)::

    with make_executor(jobs=4, names=DEFAULT_COMPONENTS, config=config, kb=kb) as ex:
        for result in ex.map(read_inputs(paths, None, ReadOptions())):
            ...

* :class:`SerialExecutor`: one pipeline, built on first use, in this process.
* :class:`ProcessExecutor`: N worker processes (fork, or spawn where that is the start
  method); each builds its Pipeline once in its initializer, then analyses chunks of
  documents; a bounded window of chunks is in flight, so memory stays flat on any input.

A Dask or Ray executor is one more class implementing the same two methods: ship the
pipeline settings (names, config and the knowledge base, which pickles) to each worker,
build the Pipeline once per worker (a Dask ``WorkerPlugin``, a Ray actor), submit chunks,
and yield their results in submission order with a bounded number in flight, as
:meth:`ProcessExecutor.map` does. Nothing else in narcwatch needs to change: ``scan`` and
``crawl`` only call ``map`` and ``close``.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from itertools import islice
from multiprocessing.pool import AsyncResult
from multiprocessing.pool import Pool as ProcessPool
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS, Pipeline, check_order
from narcwatch.errors import InputError
from narcwatch.ingest.base import RawDocument
from narcwatch.model import Finding

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

Item = RawDocument | InputError
Result = Finding | InputError
Config = Mapping[str, Mapping[str, Any]]


class Executor(Protocol):
    def map(self, items: Iterable[Item]) -> Iterator[Result]:
        """A Finding (or the InputError) for each item, in input order."""
        ...

    def submit(self, item: RawDocument) -> Future[Result]:
        """One document's Finding (or InputError) when it is ready: for callers that get
        documents one at a time (the crawler, ``await asyncio.wrap_future(...)``)."""
        ...

    def close(self) -> None:
        """Release workers; the executor is not used again."""
        ...

    def __enter__(self) -> Executor: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _Closing:
    def close(self) -> None:
        pass

    def __enter__(self) -> Any:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def analyze_one(pipeline: Pipeline, item: Item, include_text: bool) -> Result:
    """``pipeline(item)``, or the item itself when it is an input error; a document whose
    analysis raises becomes an InputError."""
    if isinstance(item, InputError):
        return item
    try:
        return pipeline(item, include_text=include_text)
    except Exception as exc:  # a bug on one document must not end the run: report and go on
        return InputError(item.source, item.location, f"analysis failed: {exc!r}")


class SerialExecutor(_Closing):
    """The pipeline ``pipeline_factory()`` builds (once, on first use), in this process."""

    def __init__(
        self, pipeline_factory: Callable[[], Pipeline], *, include_text: bool = False
    ) -> None:
        self._factory = pipeline_factory
        self._pipeline: Pipeline | None = None
        self.include_text = include_text

    def _built(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = self._factory()
        return self._pipeline

    def map(self, items: Iterable[Item]) -> Iterator[Result]:
        pipeline = self._built()
        for item in items:
            yield analyze_one(pipeline, item, self.include_text)

    def submit(self, item: RawDocument) -> Future[Result]:
        """Analysed now, in this process (the future is done when it is returned)."""
        future: Future[Result] = Future()
        future.set_result(analyze_one(self._built(), item, self.include_text))
        return future


# -- worker processes: the per-process pipeline exists only in workers, set by the initializer
_worker: tuple[Pipeline, bool] | str | None = None
# What crosses the process boundary: documents one way, findings or (source, location,
# reason) of a failed document the other (InputError does not survive pickling).
_Failed = tuple[str, str | None, str]


def _init_worker(
    names: Sequence[str],
    config: Config,
    kb: KnowledgeBase | None,
    kb_dir: str | None,
    include_text: bool,
) -> None:
    global _worker
    try:
        if kb is None and kb_dir is not None:
            from narcwatch.kb.loader import load_kb

            kb = load_kb(kb_dir)
        _worker = (Pipeline(names, config, kb=kb), include_text)
    except Exception as exc:  # reported with the first chunk: a worker that died here
        _worker = f"{type(exc).__name__}: {exc}"  # would be restarted by the pool forever


def _analyze_chunk(chunk: list[RawDocument]) -> list[Finding | _Failed]:
    if isinstance(_worker, str):
        raise RuntimeError(f"a worker could not build its pipeline: {_worker}")
    assert _worker is not None, "worker started without its initializer"
    pipeline, include_text = _worker
    out: list[Finding | _Failed] = []
    for raw in chunk:
        result = analyze_one(pipeline, raw, include_text)
        out.append(
            (result.source, result.location, result.reason)
            if isinstance(result, InputError)
            else result
        )
    return out


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Pending:
    """One chunk in flight: its input errors stay here, its documents went to a worker."""

    __slots__ = ("chunk", "future")

    def __init__(self, chunk: list[Item], future: AsyncResult[list[Finding | _Failed]]) -> None:
        self.chunk = chunk
        self.future = future

    def results(self) -> Iterator[Result]:
        done = iter(self.future.get())
        for item in self.chunk:
            if isinstance(item, InputError):
                yield item
                continue
            result = next(done)
            yield InputError(*result) if isinstance(result, tuple) else result


class ProcessExecutor(_Closing):
    """``jobs`` worker processes, each with its own Pipeline (see the module docstring).

    The knowledge base reaches the workers as ``kb`` (pickled once per worker) or
    ``kb_dir`` (each worker loads it); with neither, or with the packaged one, each worker
    uses ``default_kb()`` (from the on-disk cache)."""

    def __init__(
        self,
        jobs: int,
        names: Sequence[str] = DEFAULT_COMPONENTS,
        config: Config | None = None,
        *,
        kb_dir: Path | str | None = None,
        kb: KnowledgeBase | None = None,
        include_text: bool = False,
        chunk_size: int = 64,
        start_method: str | None = None,
    ) -> None:
        from narcwatch.kb.loader import is_default_kb

        check_order(names)  # a bad name or order fails here, not in every worker
        self.jobs = max(1, jobs)
        self.chunk_size = chunk_size
        if kb is not None and is_default_kb(kb):
            kb = None
        self._initargs = (
            tuple(names),
            dict(config or {}),
            kb,
            str(kb_dir) if kb_dir is not None and kb is None else None,
            include_text,
        )
        if start_method is None:
            start_method = "spawn" if mp.get_start_method(allow_none=True) == "spawn" else "fork"
        self.start_method = start_method
        self._pool: ProcessPool | None = None

    def _started(self) -> ProcessPool:
        if self._pool is None:
            ctx = mp.get_context(self.start_method)
            self._pool = ctx.Pool(self.jobs, _init_worker, self._initargs)
        return self._pool

    def map(self, items: Iterable[Item]) -> Iterator[Result]:
        pool = self._started()
        # Pool.imap would drain the whole input into its task queue (no back-pressure), so
        # keep a bounded window of chunks in flight: memory stays flat on any input size.
        window: deque[_Pending] = deque()
        for chunk in _chunks(items, self.chunk_size):
            docs = [item for item in chunk if not isinstance(item, InputError)]
            window.append(_Pending(chunk, pool.apply_async(_analyze_chunk, (docs,))))
            if len(window) >= self.jobs * 4:
                yield from window.popleft().results()
        while window:
            yield from window.popleft().results()

    def submit(self, item: RawDocument) -> Future[Result]:
        """Sent to a worker at once; the future is resolved from the pool's result thread."""
        future: Future[Result] = Future()
        future.set_running_or_notify_cancel()

        def done(results: list[Finding | _Failed]) -> None:
            (result,) = results
            future.set_result(InputError(*result) if isinstance(result, tuple) else result)

        self._started().apply_async(
            _analyze_chunk, ([item],), callback=done, error_callback=future.set_exception
        )
        return future

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def make_executor(
    jobs: int = 1,
    *,
    names: Sequence[str] = DEFAULT_COMPONENTS,
    config: Config | None = None,
    kb: KnowledgeBase | None = None,
    kb_dir: Path | str | None = None,
    include_text: bool = False,
    chunk_size: int = 64,
    processes: bool | None = None,
    start_method: str | None = None,
) -> Executor:
    """A :class:`SerialExecutor` for ``jobs`` <= 1, else a :class:`ProcessExecutor`;
    ``processes=True`` asks for worker processes even for one job (the crawler keeps its
    own process for fetching), ``start_method`` for how they start.

    The knowledge base is ``kb``, else the one in ``kb_dir``, else the packaged one."""
    if not (processes if processes is not None else jobs > 1):

        def build() -> Pipeline:
            base = kb
            if base is None and kb_dir is not None:
                from narcwatch.kb.loader import load_kb

                base = load_kb(kb_dir)
            return Pipeline(names, config, kb=base)

        return SerialExecutor(build, include_text=include_text)
    return ProcessExecutor(
        jobs,
        names,
        config,
        kb=kb,
        kb_dir=kb_dir,
        include_text=include_text,
        chunk_size=chunk_size,
        start_method=start_method,
    )
