"""Pipelines built by these tests run in check mode: a component that reads or writes a
Doc attribute it does not declare fails the test (narcwatch.analyze.checked)."""

import pytest


@pytest.fixture(autouse=True)
def _check_components(monkeypatch):
    monkeypatch.setenv("NARCWATCH_CHECK_COMPONENTS", "1")
