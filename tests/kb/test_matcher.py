import pytest

from narcwatch.analyze.normalize import normalize_term
from narcwatch.kb.matcher import TermMatcher


@pytest.fixture(scope="module")
def matcher():
    terms = ["meth", "mda", "mdma", "china white", "china", "ice", "❄️", "соль", "2C-B"]
    return TermMatcher(((t, t) for t in terms), normalize_term)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("pure meth here", ["meth"]),
        ("the method works", []),
        ("mdma and mda", ["mdma", "mda"]),
        ("fine china white powder", ["china white"]),
        ("the price of service", []),
        ("ice ice baby", ["ice", "ice"]),
        ("❄️❄️ available", ["❄️", "❄️"]),
        ("продам соль срочно", ["соль"]),
        ("солью", []),
        ("2c-b tabs", ["2C-B"]),
    ],
)
def test_word_bounded_leftmost_longest(matcher, text, found):
    norm = text.lower()
    assert [p[0] for _, _, p in matcher.find(norm)] == found


def test_empty_matcher():
    assert TermMatcher([], normalize_term).find("anything") == []
