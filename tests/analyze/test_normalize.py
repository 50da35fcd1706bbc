"""The normalized view defeats cheap obfuscation and still maps back to the original text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcwatch.analyze.normalize import default_normalizer


@pytest.fixture(scope="module")
def normalize():
    return default_normalizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Buy COCAINE now", "buy cocaine now"),
        ("C0CA1NE", "cocaine"),
        ("m3th", "meth"),
        ("h3r0in", "heroin"),
        ("m@dma", "madma"),  # '@' is 'a' only inside a word
        ("\u0441ocaine", "cocaine"),  # Cyrillic с
        ("f\u0435nt\u0430nyl", "fentanyl"),  # Cyrillic е and а
        ("c.o.c.a.i.n.e", "cocaine"),
        ("k e t a", "keta"),
        ("m-d-m-a", "mdma"),
        ("weeeeed", "weed"),
        ("her\u200boin", "heroin"),  # zero-width space
        ("h\u00e9ro\u00efne", "heroine"),
        ("\uff2d\uff24\uff2d\uff21", "mdma"),  # fullwidth
        ("\U0001d41c\U0001d428\U0001d41c\U0001d41a\U0001d422\U0001d427\U0001d41e", "cocaine"),
        ("Straße", "strasse"),
    ],
)
def test_obfuscations_are_undone(normalize, text, expected):
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "2C-B 25I-NBOMe JWH-018 5F-MDMB-PINACA",  # codes keep their digits
        "20mg 3.5g 100 x 10mg",  # quantities keep their digits
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "Продам мефедрон",  # a Russian word is not a homoglyph attack
    ],
)
def test_codes_numbers_and_other_scripts_are_kept(normalize, text):
    assert normalize(text).text == text.lower()


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("Buy c.o.c.a.i.n.e here", "cocaine", "c.o.c.a.i.n.e"),
        ("HÉROÏNE", "heroine", "HÉROÏNE"),
        ("x her\u200b\u200boin y", "heroin", "her\u200b\u200boin"),
        ("top weeeeed 10g", "weed", "weeeeed"),
        ("Straße cocaine", "cocaine", "cocaine"),
    ],
)
def test_spans_map_back_to_what_was_written(normalize, text, word, original):
    norm = normalize(text)
    start = norm.text.index(word)
    s, e = norm.to_original(start, start + len(word))
    assert text[s:e] == original


@given(st.text(max_size=200))
def test_offsets_are_monotonic_and_in_range(text):
    norm = default_normalizer()(text)
    if norm.origin is None:
        assert len(norm.text) == len(text)
        return
    starts = [norm.to_original(i, i + 1) for i in range(len(norm.text))]
    assert [s for s, _ in starts] == sorted(s for s, _ in starts)
    assert all(0 <= s < e <= len(text) for s, e in starts)


@given(st.lists(st.sampled_from(["a", "ß", "\u200b", "é", "x", " ", ".", "ﬁ"]), max_size=40))
def test_every_normalized_char_maps_to_a_source_char_that_produces_it(chars):
    text = "".join(chars)
    norm = default_normalizer()(text)
    for i, c in enumerate(norm.text):
        s, e = norm.to_original(i, i + 1)
        assert c in default_normalizer()(text[s:e]).text or c in text[s:e].lower()
