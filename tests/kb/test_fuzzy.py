"""Long drug names written one letter off, as pharmacy spam and titles write them."""

import pytest

from narcwatch.analyze.pipeline import Pipeline
from narcwatch.ingest.base import RawDocument
from narcwatch.kb import default_kb
from narcwatch.kb.fuzzy import FuzzyIndex, deletions


def test_deletion_neighbourhood():
    assert deletions("abc") == {"abc", "bc", "ac", "ab"}


def test_one_edit_in_any_direction():
    idx = FuzzyIndex(["viagra", "cialis", "vicodin"], exclude=["vicodim"])
    assert idx.lookup("vlagra") == "viagra"  # a letter changed
    assert idx.lookup("cialiis") == "cialis"  # a letter added
    assert idx.lookup("vicodn") == "vicodin"  # a letter dropped
    assert idx.lookup("viagra") is None  # the name itself is the exact matcher's
    assert idx.lookup("vicodim") is None  # a real word near a name is never read
    assert idx.lookup("vaaliuum") is None  # two edits
    assert idx.find("buy vlagra now, 2vlagra") == [(4, 10, "viagra")]


def test_a_word_near_two_names_is_not_guessed():
    idx = FuzzyIndex(["ketamine", "letamine"])
    assert idx.lookup("metamine") is None


def test_real_words_near_names_come_from_data():
    # Measured on the word lists of seven languages by scripts/term_usage.py.
    assert {"heroic", "methanol", "britain"} <= default_kb().near_words


@pytest.fixture(scope="module")
def found():
    pipe = Pipeline(("normalize", "language", "substances"))

    def run(text: str) -> list[tuple[str, str | None]]:
        doc = pipe.analyze(RawDocument(text, "s", "l", text.encode()))
        return [(h.id, h.via) for h in doc.substances]

    return run


def test_spam_spellings_are_read_with_context(found):
    got = found("cheap vlagra and cialiis, no prescription needed, order now")
    assert ("sildenafil", "fuzzy") in got and ("tadalafil", "fuzzy") in got


def test_a_misspelt_name_alone_is_not_a_drug(found):
    assert found("the vlagra river") == []  # no sale cue, amount or other drug nearby


def test_an_english_word_that_is_a_french_name(found):
    assert found("my heroine is my mother and she is wonderful") == []
    assert ("heroin", "name") in found("Vends héroïne 1g 50€ livraison rapide à Paris")
