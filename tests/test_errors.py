"""Every error survives a process boundary (worker pools, a cluster) whole."""

from __future__ import annotations

import pickle

import pytest

from narcwatch.errors import (
    ComponentError,
    InputError,
    KnowledgeBaseError,
    NoInputError,
    StoreError,
    UsageError,
)


@pytest.mark.parametrize(
    "error",
    [
        InputError("a.jsonl", "line 3", "not JSON"),
        NoInputError("-", None, "no input could be read"),
        KnowledgeBaseError("slang.yaml", "unknown substance", entry="snow", field="substance"),
        UsageError("unknown --format 'x'", value="x", options=["json", "csv"]),
        ComponentError("unknown component"),
        StoreError("cannot open"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle_with_their_fields(error: Exception) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert vars(back) == vars(error)
