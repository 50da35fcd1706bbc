import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_word_chars_match_the_regex(text):
    # The ASCII fast path (bytes.translate) and the Unicode path (re.sub) agree.
    from narcwatch.kb.matcher import _NOT_WORD, word_chars

    assert word_chars(text) == _NOT_WORD.sub(" ", text)


def test_word_boundaries_on_real_listing_forms():
    from narcwatch.kb.matcher import TermMatcher

    m = TermMatcher([("cocaine", "c"), ("kokain", "k"), ("don", "d"), ("2c-t", "t")], str.lower)

    def found(text: str) -> list[str]:
        return [p for _, _, ps in m.find(text.lower()) for p in ps]

    assert found("5g kokain/cocaine 80%") == ["k", "c"]  # a slash between alternatives
    assert found("10gcocaine") == ["c"]  # an amount glued to the word
    assert found("don't worry") == []  # a contraction is not a word
    assert found("t.me/cocaine") == []  # a path is not a word
    assert found("2c-t-2 blotters") == []  # another compound's name
    assert found("2c-t, 10 tabs") == ["t"]
    assert found("uncut cocaine-92-97% pure") == ["c"]  # a purity range is an amount
    assert found("2c-t-2-3 blotters") == []


@settings(deadline=None)  # no wall-clock limit: the pure-Python matcher under load
@given(
    st.lists(
        st.sampled_from(["coke", "mdma", "2c-b", "speed", "x", "the", "–", "🍁"]), max_size=400
    ),
    st.integers(min_value=1, max_value=64),
)
def test_long_texts_are_matched_in_slices_with_the_same_result(words, size):
    """pyahocorasick copies a whole text into 4 bytes a character, so a long text is fed
    to it in slices: the matches (keys across slice borders included) are the same."""
    import narcwatch.kb.matcher as matcher

    m = TermMatcher(
        [(t, t) for t in ("coke", "speed", "2c-b", "mdma", "the speed", "🍁")], normalize_term
    )
    text = " ".join(words)
    whole = m.find(text, cap=3, overflow=(whole_over := {}))
    slice_was = matcher._SLICE
    matcher._SLICE = size  # every text above 2 * size characters goes in slices
    try:
        sliced = m.find(text, cap=3, overflow=(sliced_over := {}))
    finally:
        matcher._SLICE = slice_was
    assert sliced == whole and sliced_over == whole_over
