"""Run the pipeline over a stream of documents, in this process or in N worker processes.

A thin wrapper over :mod:`narcwatch.analyze.executors` for callers that want a stream and
no executor to manage (``scan``, ``crawl``): results come back in input order so output
files are reproducible whatever ``--jobs`` says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narcwatch.analyze.executors import Item, Result, make_executor
from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase


def analyze_stream(
    items: Iterable[Item],
    *,
    jobs: int = 1,
    names: Sequence[str] = DEFAULT_COMPONENTS,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    include_text: bool = False,
    chunk_size: int = 64,
    kb: KnowledgeBase | None = None,
    kb_dir: Path | str | None = None,
) -> Iterator[Result]:
    """Findings (and the input errors passed through) in input order, analysed over ``kb``
    (else the one in ``kb_dir``, else the packaged one) by ``jobs`` processes."""
    with make_executor(
        jobs,
        names=names,
        config=config,
        kb=kb,
        kb_dir=kb_dir,
        include_text=include_text,
        chunk_size=chunk_size,
    ) as executor:
        yield from executor.map(items)
