"""Loading the knowledge base: bad data files fail with the file, entry and field named."""

import shutil
from pathlib import Path

import pytest

from narcwatch.errors import KnowledgeBaseError
from narcwatch.kb import load_kb
from narcwatch.kb.loader import data_dir

SOURCES = """sources:
  - {id: test-src, title: Test, publisher: Tests}
"""


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    (root / "sources").mkdir(parents=True)
    (root / "substances").mkdir()
    (root / "sources" / "s.yaml").write_text(SOURCES)
    return root


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


GOOD = """substances:
  - id: fentanyl
    name: Fentanyl
    cas: ["437-38-7"]
    control: [{schedule: "1961-I", since: 1964}]
    category: opioid
    sources: [test-src]
"""


def test_minimal_kb_loads(kb_dir):
    write(kb_dir, "substances/a.yaml", GOOD)
    kb = load_kb(kb_dir)
    assert list(kb.substances) == ["fentanyl"]
    assert kb.by_cas() == {"437-38-7": "fentanyl"}


@pytest.mark.parametrize(
    ("rel", "text", "message"),
    [
        ("substances/a.yaml", GOOD.replace("437-38-7", "437-38-8"), "check digit"),
        ("substances/a.yaml", GOOD.replace('"1961-I"', '"1961-V"'), "1961-I..IV"),
        ("substances/a.yaml", GOOD.replace("opioid", "opiate"), "category"),
        ("substances/a.yaml", GOOD.replace("test-src", "nowhere"), "unknown source 'nowhere'"),
        ("substances/a.yaml", GOOD.replace("    sources: [test-src]\n", ""), "sources"),
        ("substances/a.yaml", "substances: [\n  - {id: x", "not valid YAML"),
        ("substances/a.yaml", "- just a list\n", "expected a mapping with the key 'substances'"),
        (
            "slang/en.yaml",
            "terms:\n  - {term: snow, substances: [cocaine], lang: en, sources: [test-src]}\n",
            "unknown substance id 'cocaine'",
        ),
        (
            "amount_words.yaml",
            "amounts:\n  - {word: eighth, value: 0.125, lang: en, implies: ounce,"
            " examples: [an eighth], sources: [test-src]}\n",
            "unknown unit 'ounce'; valid units (units.yaml): none",
        ),
    ],
)
def test_bad_entries_are_named(kb_dir, rel, text, message):
    write(kb_dir, "substances/ok.yaml", GOOD.replace("fentanyl", "fentanyl-ok"))
    write(kb_dir, rel, text)
    with pytest.raises(KnowledgeBaseError) as exc:
        load_kb(kb_dir)
    assert message in str(exc.value)
    assert rel.split("/")[-1] in str(exc.value) or rel.split("/")[0] in str(exc.value)


def test_duplicate_ids(kb_dir):
    write(kb_dir, "substances/a.yaml", GOOD)
    write(kb_dir, "substances/b.yaml", GOOD)
    with pytest.raises(KnowledgeBaseError, match="duplicate substance id"):
        load_kb(kb_dir)


def test_missing_directory(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="not found"):
        load_kb(tmp_path / "nope")


def test_packaged_data_dir_is_complete(tmp_path):
    # The shipped data loads from a copy too (nothing depends on the source checkout).
    copy = tmp_path / "copy"
    shutil.copytree(data_dir(), copy)
    assert load_kb(copy).sources
