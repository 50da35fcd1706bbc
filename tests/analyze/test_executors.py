"""Executors: serial and process pools give the same findings, in input order."""

from __future__ import annotations

from pathlib import Path

import pytest

from narcwatch.analyze.executors import (
    ProcessExecutor,
    SerialExecutor,
    make_executor,
)
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.errors import ComponentError, InputError
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.sources import read_inputs
from narcwatch.kb import load_kb
from tests.analyze.test_pipeline import tiny_kb_dir

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example_items() -> list[RawDocument | InputError]:
    items = list(read_inputs([str(EXAMPLES)], None, ReadOptions()))
    assert sum(isinstance(i, RawDocument) for i in items) > 10
    return items


def dump(results) -> list[str]:
    return [r.model_dump_json() if not isinstance(r, InputError) else str(r) for r in results]


def test_serial_and_process_executors_agree_in_input_order():
    items = example_items()
    with make_executor(1) as serial:
        assert isinstance(serial, SerialExecutor)
        expected = dump(serial.map(items))
    with make_executor(2, chunk_size=2) as pool:  # many small chunks: the window moves
        assert isinstance(pool, ProcessExecutor)
        got = dump(pool.map(items))
        assert dump(pool.map(items[:3])) == expected[:3]  # the workers are reused
    assert got == expected
    ids = [r.doc.id for r in serial.map(items) if not isinstance(r, InputError)]
    assert ids == [i.sha256 for i in items if isinstance(i, RawDocument)]


def test_submit_gives_the_same_finding_as_map():
    """The crawler submits pages one at a time; each comes back as map would give it."""
    items = [i for i in example_items() if isinstance(i, RawDocument)][:5]
    expected = dump(make_executor(1).map(items))
    for processes in (False, True):
        with make_executor(1, processes=processes) as ex:
            assert dump(ex.submit(i).result(timeout=120) for i in items) == expected


def test_input_errors_pass_through_and_a_failing_document_is_reported():
    bad = InputError("a.jsonl", "line 2", "not JSON")
    ok = RawDocument("1g cocaine", "s", "line 1", b"1g cocaine")

    class Broken(RawDocument):
        @property
        def sha256(self) -> str:  # Doc.to_finding reads it
            raise RuntimeError("boom")

    broken = Broken("x", "s", "line 3", b"x")
    out = list(SerialExecutor(Pipeline).map([ok, bad, broken]))
    assert out[1] is bad
    assert isinstance(out[2], InputError) and "analysis failed" in out[2].reason


def test_workers_use_the_knowledge_base_given(tmp_path):
    kb_dir = tiny_kb_dir(tmp_path / "kb")
    text = "zorbaxine and cocaine"
    raw = RawDocument(text, "t", "line 1", text.encode())
    names = ("normalize", "language", "substances")
    for executor in (
        ProcessExecutor(2, names, kb=load_kb(kb_dir)),
        ProcessExecutor(2, names, kb_dir=kb_dir),
        make_executor(1, names=names, kb_dir=kb_dir),
    ):
        with executor:
            (finding,) = executor.map([raw])
        assert [h.id for h in finding.substances] == ["zorbaxine"]


def test_a_bad_pipeline_fails_in_the_parent():
    with pytest.raises(ComponentError, match="telepathy"):
        ProcessExecutor(2, ("normalize", "telepathy"))


def test_a_worker_that_cannot_build_its_pipeline_fails_the_run(tmp_path):
    executor = ProcessExecutor(2, kb_dir=tmp_path / "missing")
    with executor, pytest.raises(RuntimeError, match="knowledge-base directory not found"):
        list(executor.map([RawDocument("x", "s", None, b"x")]))


def test_input_errors_and_failures_cross_the_process_boundary():
    """InputError does not survive pickling: errors stay in the parent, failures come back
    as plain tuples."""
    bad = InputError("a.jsonl", "line 2", "not JSON")
    ok = RawDocument("1g cocaine", "s", "line 1", b"1g cocaine")
    with ProcessExecutor(2, ("normalize", "substances"), chunk_size=2) as executor:
        out = list(executor.map([bad, ok, bad, ok, ok]))
    assert [type(r).__name__ for r in out] == ["InputError", "Finding", "InputError"] + [
        "Finding"
    ] * 2
    assert out[0] is bad
