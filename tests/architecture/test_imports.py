"""The tree is the architecture: imports run one way, and all SQL lives in ``store/``.

    front doors (cli, server, web, __main__) -> jobs -> stages (ingest, kb, selectors, analyze,
    evaluate, link, crawl, evidence, render, cluster) -> store -> foundation (model, results,
    errors, settings, limits, plugins, schemas)

Every import is read from the source (including those inside functions, which is where
lazy imports hide), so an upward import fails here whether or not a test runs it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import narcwatch

PACKAGE = Path(narcwatch.__file__).parent

FOUNDATION = [
    "__init__", "_native", "errors", "limits", "model", "results", "settings", "plugins", "schemas"
]  # fmt: skip
STAGES = [
    "ingest", "kb", "selectors", "analyze", "evaluate", "link", "crawl", "evidence", "render",
    "cluster", "share", "exchange",
]  # fmt: skip
LAYERS: dict[str, int] = {
    **dict.fromkeys(FOUNDATION, 0),
    "store": 1,
    **dict.fromkeys(STAGES, 2),
    "jobs": 3,
    "cli": 4,
    "server": 4,
    "web": 4,
    "__main__": 4,
}

# Libraries that speak SQL: only store/ may use them.
SQL_LIBRARIES = ("sqlalchemy", "alembic", "psycopg", "sqlite3")


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> list[tuple[str, str, str, int]]:
    """(importing file, its top-level part, imported module, line) for every import."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        part = _top(module) if "." in module else "__init__"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [(str(path.relative_to(PACKAGE)), part, n, node.lineno) for n in names]
    return found


IMPORTS = _imports()


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert sorted(parts - set(LAYERS)) == []


def test_imports_run_one_way() -> None:
    upward = [
        f"{file}:{line}: {part} (layer {LAYERS[part]}) imports {name} (layer {LAYERS[_top(name)]})"
        for file, part, name, line in IMPORTS
        if name.startswith("narcwatch.") and LAYERS[_top(name)] > LAYERS[part]
    ]
    assert upward == []


@pytest.mark.parametrize("library", SQL_LIBRARIES)
def test_only_the_store_speaks_sql(library: str) -> None:
    outside = [
        f"{file}:{line}: imports {name}"
        for file, part, name, line in IMPORTS
        if part != "store" and (name == library or name.startswith(library + "."))
    ]
    assert outside == []


def test_only_the_store_imports_table_definitions() -> None:
    outside = [
        f"{file}:{line}: imports {name}"
        for file, part, name, line in IMPORTS
        if part != "store" and name.startswith("narcwatch.store.tables")
    ]
    assert outside == []


def test_the_command_line_calls_jobs_not_the_store() -> None:
    """The CLI, the web UI and the sharing server parse, call a job and render: they never
    open the store."""
    direct = [
        f"{file}:{line}: imports {name}"
        for file, part, name, line in IMPORTS
        if part in ("cli", "web", "server") and _top(name) == "store"
    ]
    assert direct == []
