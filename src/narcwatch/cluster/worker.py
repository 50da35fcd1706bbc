"""What runs on a Dask worker: the pipeline, built once per worker, and the partition task.

:class:`PipelinePlugin` travels to each worker once (when the driver registers it, and
again to a worker that restarts): it holds the pipeline settings and either the path of a
knowledge-base directory every worker sees or nothing (the packaged knowledge base, from
the worker's own on-disk cache); a knowledge base built in the driver's memory is pickled
into it, once per worker. Tasks carry a :class:`~narcwatch.cluster.partitions.Partition`
(a few numbers and a path), never document text and never the knowledge base.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from distributed import WorkerPlugin, get_worker

from narcwatch import __version__
from narcwatch.analyze.executors import analyze_one
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.cluster.arrow import to_table
from narcwatch.cluster.partitions import Partition, read_partition
from narcwatch.cluster.runs import ErrorRow
from narcwatch.errors import InputError
from narcwatch.ingest.base import ReadOptions

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

__all__ = ["PLUGIN", "PartitionResult", "PipelinePlugin", "analyze_partition"]

PLUGIN = "narcwatch-pipeline"


@dataclass(frozen=True, slots=True)
class PartitionResult:
    index: int
    findings: pa.Table  # one row per document, in input order
    errors: list[ErrorRow]


class PipelinePlugin(WorkerPlugin):
    """Builds the knowledge base once per worker; each of the worker's threads gets its own
    Pipeline over it (a pipeline is built in well under a millisecond once the knowledge
    base's matchers exist)."""

    name = PLUGIN

    def __init__(
        self,
        names: Sequence[str],
        config: Mapping[str, Mapping[str, Any]],
        *,
        kb: KnowledgeBase | None = None,
        kb_dir: str | None = None,
        include_text: bool = False,
        read_options: ReadOptions | None = None,
    ) -> None:
        self.names = tuple(names)
        self.config = {k: dict(v) for k, v in config.items()}
        self.kb = kb
        self.kb_dir = kb_dir
        self.include_text = include_text
        self.read_options = read_options or ReadOptions()
        self.version = __version__  # the driver's: a worker on another one refuses to start
        self._local: threading.local | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_local"] = None  # built on the worker
        return state

    def setup(self, worker: Any) -> None:
        from narcwatch.kb.loader import default_kb, load_kb

        if self.version != __version__:
            raise RuntimeError(
                f"the driver runs narcwatch {self.version}, this worker {__version__}: install "
                "the same version everywhere (findings would differ)"
            )
        if self.kb is None:
            self.kb = load_kb(self.kb_dir) if self.kb_dir else default_kb()
        self._local = threading.local()
        self.pipeline()  # a bad setting fails registration, not every task

    def pipeline(self) -> Pipeline:
        assert self._local is not None, "plugin used before setup"
        built: Pipeline | None = getattr(self._local, "pipeline", None)
        if built is None:
            built = self._local.pipeline = Pipeline(self.names, self.config, kb=self.kb)
        return built


def analyze_partition(part: Partition) -> PartitionResult:
    """The task: read ``part`` on this worker and analyse it with the worker's pipeline."""
    plugin = get_worker().plugins[PLUGIN]
    assert isinstance(plugin, PipelinePlugin)
    pipeline = plugin.pipeline()
    findings = []
    errors: list[ErrorRow] = []
    for position, item in enumerate(read_partition(part, plugin.read_options)):
        result = analyze_one(pipeline, item, plugin.include_text)
        if isinstance(result, InputError):
            errors.append((position, result.source, result.location, result.reason))
        else:
            findings.append(result)
    return PartitionResult(part.index, to_table(findings), errors)
