"""The native fast path against its Python reference: same output, function by function and
whole findings, on real documents and on generated strings.

A faster path that changes a single finding is a defect: every comparison here is exact
(texts, offset maps, counts in order, spans, whole findings as JSON).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from narcwatch import _native
from narcwatch.analyze.language import default_detector
from narcwatch.analyze.normalize import (
    _REPEAT,
    _SPACED,
    Normalizer,
    _edit,
    _fold,
    default_normalizer,
)
from narcwatch.analyze.offer_model import MAX_CHARS, MAX_WORDS, TITLE_WORDS, default_model
from narcwatch.analyze.offsets import identity
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.analyze.quantities import default_reader, next_number
from narcwatch.ingest.base import RawDocument
from narcwatch.kb.matcher import word_view

pytestmark = pytest.mark.usefixtures("native_built")


def _origin_of(o):
    return None if o is None else (o.n_starts, o.o_starts, o.steps)


def _origin(norm):
    return _origin_of(norm.origin)


def _tail_ref(normalizer: Normalizer, s: str):
    """What Normalizer.__call__ does after folding, in Python."""
    mapped = normalizer._map_tokens(s)
    if _SPACED.search(mapped) or _REPEAT.search(mapped):
        mapped, origin = _edit(mapped, None)
        return mapped, _origin_of(origin)
    return mapped, None


def _tail_native(normalizer: Normalizer, s: str):
    out, drops = _native.BUILT.normalize_tail(s, *normalizer.native_maps)
    return out, None if drops is None else _origin_of(identity().without(drops, len(s)))


def check_normalize(text: str, normalizer: Normalizer | None = None) -> None:
    normalizer = normalizer or default_normalizer()
    with _native.use_native(False):
        ref = normalizer(text)
    with _native.use_native(True):
        via = normalizer(text)
    assert (via.text, _origin(via)) == (ref.text, _origin(ref))
    if normalizer.native_leet is not None:
        got = _native.BUILT.ascii_normalize(text, normalizer.native_leet)
        assert (got is None) == (not text.isascii())
        if got is not None:
            assert got[0] == ref.text
    # The part after folding, on any text (folded or not).
    for s in (text, text.lower(), _fold(text)[0]):
        assert _tail_native(normalizer, s) == _tail_ref(normalizer, s)


def check_word_view(text: str) -> None:
    with _native.use_native(False):
        ref = word_view(text)
    assert _native.BUILT.word_view(text) == ref


def check_language(text: str) -> None:
    detector = default_detector()
    low = text.lower()
    with _native.use_native(False):
        ref = detector.counts(low)
        ref_lang = detector(text)
    got = _native.BUILT.stopword_counts(low, detector.stopwords)
    assert list(got.items()) == list(ref.items())
    with _native.use_native(True):
        assert detector(text) == ref_lang


def check_offer_terms(text: str, title: str | None = None) -> None:
    from narcwatch.analyze.offer_model import _vocab_table, known_terms

    model = default_model()
    if model is None:
        pytest.skip("no trained offer model shipped")
    norm = text.lower()
    with _native.use_native(False):
        ref = known_terms(norm, title, model.vocab)
    low_title = title.lower() if title else None
    limits = (MAX_CHARS, MAX_WORDS, TITLE_WORDS)
    assert _native.BUILT.offer_known(norm, low_title, model.vocab, *limits) == ref
    table = _vocab_table(_native.BUILT, model.vocab)
    assert _native.BUILT.offer_known_table(norm, low_title, table, *limits) == ref
    with _native.use_native(True):
        assert known_terms(norm, title, model.vocab) == ref


def _numbers(low: str, scan, starts) -> list:
    out = []
    for pos in starts:
        while (found := scan(low, pos)) is not None:
            out.append(found)
            pos = found[1]
        out.append(None)
    return out


def check_numbers(text: str, extra_starts: int = 3) -> None:
    lex = default_reader().lex
    low = text.lower()
    rng = random.Random(len(text))
    starts = [0, *(rng.randrange(len(low) + 1) for _ in range(extra_starts))]
    ref = _numbers(low, lambda s, p: next_number(s, p, lex), starts)
    native = _native.BUILT.next_number
    got = _numbers(low, lambda s, p: native(s, p, lex.symbols_before, lex.codes), starts)
    assert got == ref


def check_substance_views(text: str) -> None:
    from narcwatch.analyze.term_views import ELONGATED, SPACED_RUN

    elongated = _native.BUILT.has_elongated(text)
    assert elongated == (ELONGATED.search(text) is not None if text.isascii() else None)
    assert _native.BUILT.has_spaced_run(text) == (SPACED_RUN.search(text) is not None)


_BLOOMS: dict = {}


def _bloom(keys):
    if id(keys) not in _BLOOMS:
        _BLOOMS[id(keys)] = (keys, _native.BUILT.fuzzy_filter(keys))
    return _BLOOMS[id(keys)][1]


def check_fuzzy(text: str) -> None:
    from narcwatch.analyze.substances import default_matchers

    fuzzy = default_matchers().fuzzy
    norm = default_normalizer()(text).text
    for probe in (norm, text.lower()):
        with _native.use_native(False):
            ref = fuzzy.find(probe)
        args = (probe, fuzzy._names, fuzzy.exclude, fuzzy._keys)
        assert _native.BUILT.fuzzy_find(*args) == ref
        assert _native.BUILT.fuzzy_find(*args, _bloom(fuzzy._keys)) == ref
        with _native.use_native(True):
            assert fuzzy.find(probe) == ref


def check_unit_tokens(text: str) -> None:
    lex = default_reader().lex
    low = text.lower()
    if len(low) != len(text):
        return  # the reader keeps lengths equal ("İ" stays as it is); so does the native path
    positions = [p for p in range(len(low) + 1) if p % 7 == 0 or (p and low[p - 1].isdigit())]
    for p in positions:
        for year in (False, True):
            with _native.use_native(False):
                ref = lex.token(text, low, p, year)
            got = _native.BUILT.unit_token(text, low, p, year, lex.symbols, lex.words)
            assert got == ref, (p, year)


def check_inert_numbers(text: str) -> None:
    """A number the native path skips is one the Python reader reads nothing from."""
    reader = default_reader()
    lex = reader.lex
    low = text.lower()
    if len(low) != len(text):
        return
    args = (lex.symbols, lex.words, lex.symbols_before, lex.codes)
    for s, e in [n for n in _numbers(low, lambda t, p: next_number(t, p, lex), [0]) if n]:
        if not _native.BUILT.inert_number(text, low, s, e, *args):
            continue
        raw = low[s:e]
        year = len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) < 2100
        with _native.use_native(False):
            assert lex.token(text, low, e, year) is None
            assert reader._range(text, low, s, e, raw) is None
            assert reader._price(text, low, s, e, raw, None, year) is None
    # next_live_number is next_number without the inert ones.
    native = _native.BUILT
    live = [
        n
        for n in _numbers(
            low, lambda t, p: native.next_number(t, p, lex.symbols_before, lex.codes), [0]
        )
        if n is None or not native.inert_number(text, low, *n, *args)
    ]
    assert _numbers(low, lambda t, p: native.next_live_number(text, t, p, *args), [0]) == live


def check_amount_words(text: str) -> None:
    words = default_reader().spelled
    low = text.lower()
    ref = [m.span() for m in words.pattern.finditer(low)]
    assert _native.BUILT.amount_spans(low, words.native_words) == ref


def check_matchers(text: str) -> None:
    from narcwatch.analyze.substances import default_matchers

    m = default_matchers()
    norm = default_normalizer()(text).text
    for matcher in (m.terms, m.cues):
        for probe in (norm, text):
            for cap in (None, 1, 50):
                runs = []
                for on in (False, True):
                    overflow: dict[str, int] = {}
                    with _native.use_native(on):
                        hits = matcher.find(probe, cap=cap, overflow=overflow)
                    runs.append((hits, overflow))
                assert runs[1] == runs[0]


def check_url_parts(text: str) -> None:
    """Host and normal form of each URL of ``text`` (and of the whole text as one URL), C
    against Python; C declines (None) exactly the URLs with a character beyond ASCII."""
    from narcwatch.selectors.web import _url_part, _url_spans

    spans = [*_url_spans(text), (0, len(text))]
    got = _native.BUILT.url_parts(text, spans)
    for (s, e), part in zip(spans, got, strict=True):
        assert (part is None) == (not text[s:e].isascii())
        if part is not None:
            assert part == _url_part(text[s:e])


def check_web_spans(text: str) -> None:
    """The web extractor's candidate scans (onion hosts, URLs, host names) and the whole
    selector extraction, C against Python, on the text and its lower-cased form."""
    from narcwatch.selectors import extract, extract_options
    from narcwatch.selectors.web import _hosts, _onion_spans, _url_spans

    native = _native.BUILT
    for probe in (text, text.lower()):
        assert native.onion_spans(probe) == list(_onion_spans(probe))
        assert native.url_spans(probe) == list(_url_spans(probe))
        assert native.host_spans(probe) == list(_hosts(probe))
        check_url_parts(probe)
    runs = []
    for on in (False, True):
        omitted: dict[str, int] = {}
        with _native.use_native(on):
            hits = extract(text, options=extract_options(), omitted=omitted)
        runs.append(([h.model_dump() for h in hits], omitted))
    assert runs[1] == runs[0]


def check_messaging_literals(text: str) -> None:
    """Where the messaging extractor tries its patterns (every platform literal, with and
    without the "@" ones) and where the PGP one looks for fingerprints (its context words),
    C against Python, on the text and its lower case."""
    from narcwatch.selectors import _literal_starts
    from narcwatch.selectors.messaging import _AT_TABLE, _PLAIN_TABLE
    from narcwatch.selectors.pgp import _ANYWHERE, _CONTEXT_WORDS

    for probe in (text, text.lower()):
        for literals, anywhere in (_PLAIN_TABLE[:2], _AT_TABLE[:2], (_CONTEXT_WORDS, _ANYWHERE)):
            ref = _literal_starts(probe, literals, anywhere)
            assert _native.BUILT.literal_starts(probe, literals, anywhere) == ref


CHECKS = [
    check_normalize,
    check_word_view,
    check_language,
    check_offer_terms,
    check_numbers,
    check_substance_views,
    check_fuzzy,
    check_unit_tokens,
    check_inert_numbers,
    check_amount_words,
    check_matchers,
    check_web_spans,
    check_messaging_literals,
]


# ---------------------------------------------------------------------------- real text


@pytest.mark.shared_data
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_each_function_on_real_documents(check, real_texts):
    failures = []
    for i, text in enumerate(real_texts):
        try:
            check(text)
        except AssertionError:
            failures.append(i)
    assert failures == [], f"{len(failures)} of {len(real_texts)} real texts differ"


@pytest.mark.shared_data
def test_the_native_path_runs_on_real_documents(real_texts):
    """Most real pages are ASCII: the fast path is the common path, not a dead branch."""
    ascii_share = sum(t.isascii() for t in real_texts) / len(real_texts)
    assert ascii_share > 0.5


@pytest.mark.shared_data
@pytest.mark.parametrize("part", range(3))
def test_whole_findings_on_real_documents(real_texts, part):
    pipeline = _pipeline()
    differ = []
    for i, text in list(enumerate(real_texts))[part::3]:
        raw = RawDocument(text, "native-test", str(i), text.encode())
        with _native.use_native(True):
            fast = pipeline(raw).model_dump_json()
        with _native.use_native(False):
            ref = pipeline(raw).model_dump_json()
        if fast != ref:
            differ.append(i)
    assert differ == [], f"{len(differ)} of {len(real_texts)} findings differ: {differ[:10]}"


# ---------------------------------------------------------------------- generated strings

# What the hot loops react to: leet digits and symbols, separators, repeated letters, the
# glued units, prices and fractions, case, non-ASCII letters and combining marks.
_FOCUS = [
    *"aAbcCeEgGiIklmMnNoOsStTwWxXyz0123456789@$ .,-_*/%'\n\t",
    *"\u00a0\u00bd\u215b\u00e9\u0301\u0441\u00df\u0130\u200b\u20ac\u00b2\u0663\u00aa",
    *"\u043e\u0430\u03bf\u00b7\u2022\u212a\u0107|\u00a7",
]
focused = st.text(alphabet=st.sampled_from(_FOCUS), max_size=200)
ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=200)
any_text = st.text(max_size=200)  # every code point but surrogates
marks = st.text(
    alphabet=st.characters(whitelist_categories=("Mn", "Me", "Lu", "Ll", "Lo", "Nd", "No", "Zs")),
    max_size=100,
)
digit_runs = st.tuples(focused, st.integers(1, 5000), focused).map(
    lambda t: t[0] + "7" * t[1] + t[2]
)
texts = st.one_of(focused, ascii_text, any_text, marks, digit_runs, st.just(""))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts)
@example("C0CA1NE k e t a cocaaaine w.e.e.d www 10mg b_u_y")
@example("сocaine coсaine héroïne k·e·t·a ß straße c0сaine 4ll l0ve ćććć")
@example("a b c_d a_b_c x.y.z.w 3mmc m3th 5$ $$$ @@@a")
def test_normalize_on_generated_strings(text):
    check_normalize(text)


@SETTINGS
@given(texts)
@example("10xabc 5Gcocaine 2mgXanax 3grWeed 1ozab 10XYZW")
@example("10\u212agéra ٣gсoca 5ＧＲams 7xΩμέ 9ml_abc 4oz\u00aaab")
def test_word_view_on_generated_strings(text):
    check_word_view(text)


@SETTINGS
@given(texts)
def test_language_counts_on_generated_strings(text):
    check_language(text)


@SETTINGS
@given(texts, st.one_of(st.none(), texts))
@example("buy cocaine 100 g 12345 ²³ the best price, ship fast", "Cocaine 1g 99% \u00b2x")
def test_offer_terms_on_generated_strings(text, title):
    check_offer_terms(text, title)


# Maps another knowledge base could have: a letter as a leet character, an ASCII
# look-alike, a look-alike that is a Latin letter's neighbour (the native paths check
# what they can take and leave the rest to Python).
OTHER_NORMALIZERS = [
    Normalizer({"\u0441": "c", "\u043e": "o", "a": "o"}, {"0": "o", "l": "i", "$": "s"}),
    Normalizer({"\u03bf": "o", "\u0430": "a"}, {"3": "e", "|": "l", "\u00a7": "s"}),
    Normalizer({}, {}),
]


@SETTINGS
@given(texts, st.sampled_from(OTHER_NORMALIZERS))
@example("c0ca1ne сocaine coсaine lollipop $alvia a|b|c §peed", OTHER_NORMALIZERS[0])
def test_normalize_with_other_maps(text, normalizer):
    check_normalize(text, normalizer)


@SETTINGS
@given(texts)
@example("don't coke-1g mdma-84% 2c-b-2 amy.chem@x.com t.me/coke weed/hash coke coke coke")
@example("xtc’s speed_ball e-mail: mdma@x.y a/b http://x.y/coke  ice’t meth-12345678901234x")
def test_matchers_on_generated_strings(text):
    check_matchers(text)


@SETTINGS
@given(texts)
@example("cocaaaine WWW weeEed C O L O M B I A N C O C A I N E a b c d e f g h1")
def test_substance_views_on_generated_strings(text):
    check_substance_views(text)


# Misspelt names: words one letter off the knowledge base's long names, with neighbours.
misspelt = st.tuples(
    st.sampled_from(["vlagra", "cialiis", "vlcodin", "adlpex", "oxycodne", "morphinee"]),
    focused,
).map(lambda t: f"{t[1]} {t[0]} {t[1]}")


@SETTINGS
@given(st.one_of(texts, misspelt))
@example("buy vlagra and cialiis, oxycontine; heroine morphing abcdefghijklmnopqrstuvwxyz")
def test_fuzzy_names_on_generated_strings(text):
    check_fuzzy(text)


amount_texts = st.lists(
    st.sampled_from(["half", "an", "a", "eight", "ball", "8", "-", " ", "\u00a0", "th", "qp", "x"])
).map("".join)


@SETTINGS
@given(st.one_of(texts, amount_texts))
@example("half an ounce, an eighth; eight  ball 8-ball 8th a QP zwei\u00a0\u00a0gramm eightball")
@example("a8 ball xhalf half_ teener2 quarterly one\u00a0 ball eight\u00a0ball")
def test_amount_words_on_generated_strings(text):
    check_amount_words(text)


# Words sharing first letters (ASCII and not), in an order where a shorter one comes
# first: the native scan tries only the words of the letter at hand, in the pattern's order.
_AMOUNT_WORDS = ["é", "éa b", "ab", "a", "ab c", "щ", "щи", "b", "zz"]


@SETTINGS
@given(st.text(alphabet=st.sampled_from([*"abcéщиz ", "\u00a0", "_", "1"]), max_size=80))
@example("a ab abc ab  c éa\u00a0b щи щ z zz é_a")
def test_amount_spans_with_other_words(text):
    import re

    forms = "|".join(re.escape(w).replace(r"\ ", r"[ \u00a0]+") for w in _AMOUNT_WORDS)
    ref = [m.span() for m in re.finditer(rf"(?<!\w)({forms})(?!\w)", text)]
    assert _native.BUILT.amount_spans(text, _AMOUNT_WORDS) == ref


@SETTINGS
@given(texts)
@example("10g 5 gram 3.5gr. 2 oz. 100gCocaine 10-mg 2019 г. 50€ 30 us$ 10 eur 5 kgß 8 ozS")
@example("1 руб. 100 元 20 \u00a0g 7 mgÀ 3 GrAm 12 Gramm 4\u202fkg")
def test_unit_tokens_on_generated_strings(text):
    check_unit_tokens(text)
    check_inert_numbers(text)


@SETTINGS
@given(texts)
@example("usd300 eur 80 v1.2.3 .5g 1/8 oz 1½g 20% 3 %  iphone12 ab¼ 1,000.50 ,5")
def test_number_scan_on_generated_strings(text):
    check_numbers(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_whole_findings_on_generated_strings(text):
    pipeline = _pipeline()
    raw = RawDocument(text, "native-test", "x", text.encode())
    with _native.use_native(True):
        fast = pipeline(raw).model_dump_json()
    with _native.use_native(False):
        assert pipeline(raw).model_dump_json() == fast


_PIPELINES: list[Pipeline] = []


def _pipeline() -> Pipeline:
    if not _PIPELINES:
        _PIPELINES.append(Pipeline(check=False))
    return _PIPELINES[0]


# A vocabulary with what the table must get right: non-ASCII terms, pairs, shapes, title
# terms, a term whose index is None (never found), terms sharing a prefix.
SMALL_VOCAB = {
    "héroïne": 0,
    "buy cocaine": 1,
    "##": 2,
    "#### g": 3,
    "t:cocaine": 4,
    "t:####": 5,
    "co": 6,
    "coc": None,
    "сocaine": 7,
    "²x": 8,
    "a": 9,
}


@SETTINGS
@given(st.one_of(texts, st.just("buy cocaine 12345 g héroïne сocaine ²x coc co")), texts)
def test_vocab_table_on_generated_strings(text, title):
    from narcwatch.analyze.offer_model import tokens

    ref = [j for j in map(SMALL_VOCAB.get, tokens(text, title)) if j is not None]
    table = _native.BUILT.vocab_table(SMALL_VOCAB)
    low = title.lower() if title else None
    assert _native.BUILT.offer_known_table(text, low, table, *_LIMITS) == ref


_LIMITS = (MAX_CHARS, MAX_WORDS, TITLE_WORDS)


# A vocabulary of thousands of short terms over a few letters: words and pairs of any text
# of those letters are found, and probes run through full slots and tags that clash.
_RNG = random.Random(1414)
_WORDS = ["".join(_RNG.choices("abc#é", k=_RNG.randint(1, 4))) for _ in range(400)]
DENSE_VOCAB = {w: i for i, w in enumerate(dict.fromkeys(_WORDS))}
DENSE_VOCAB |= {
    f"{a} {b}": len(DENSE_VOCAB) + i
    for i, (a, b) in enumerate(zip(_RNG.sample(_WORDS, 300), _RNG.sample(_WORDS, 300), strict=True))
}
DENSE_VOCAB |= {f"t:{w}": len(DENSE_VOCAB) + i for i, w in enumerate(_WORDS[:50])}


@SETTINGS
@given(
    st.text(alphabet=st.sampled_from("abcé123 "), max_size=300),
    st.one_of(st.none(), st.text(alphabet=st.sampled_from("abc1 "), max_size=40)),
)
def test_vocab_table_dense_on_generated_strings(text, title):
    from narcwatch.analyze.offer_model import tokens

    ref = [j for j in map(DENSE_VOCAB.get, tokens(text, title)) if j is not None]
    table = _native.BUILT.vocab_table(DENSE_VOCAB)
    low = title.lower() if title else None
    assert _native.BUILT.offer_known_table(text, low, table, *_LIMITS) == ref


def _offer_dot_both(known, k=4):
    from narcwatch.analyze.offer_model import known_scores

    m = default_model()
    with _native.use_native(False):
        pure = known_scores(known, m._drug, m._any, k)
    with _native.use_native(True):
        fast = known_scores(known, m._drug, m._any, k)
    return pure, fast


@SETTINGS
@given(st.lists(st.integers(0, 2000), max_size=900), st.integers(0, 8))
@example([], 4)
@example([5, 5, 5, 7, 7, 9], 4)
def test_offer_sums_on_generated_indices(known, k):
    # Bit for bit: same sums, same top contributions in the same order (ties: lower index).
    pure, fast = _offer_dot_both(known, k)
    assert pure == fast


def test_offer_sums_on_real_documents(real_texts):
    from narcwatch.analyze.normalize import default_normalizer
    from narcwatch.analyze.offer_model import known_terms

    vocab = default_model().vocab
    norm = default_normalizer()
    for text in real_texts[:400]:
        known = known_terms(norm(text).text, None, vocab)
        pure, fast = _offer_dot_both(known)
        assert pure == fast, text[:80]


# What the web scans react to: schemes in any case (and "ſ", which `re.I` reads as "s"),
# "www.", ".onion"/".i2p" and their look-alikes, base32 runs of host length, dots, dashes,
# the characters that end a URL or are cut from its end, and letters that continue a word.
_WEB_PIECES = [
    *("http", "HTTPS", "hTtPſ", "https", "://", ":/", "www.", "WWW.", "ww.", ".onion"),
    *(
        ".oniona",
        ".onion-",
        ".i2p",
        ".i2px",
        ".com",
        ".co.uk",
        ".Com",
        ".c",
        ".abcdefghijklmnopqrstuvwxyz",
    ),
    *("a" * 16, "b2" * 8, "z7" * 28, "a" * 55, "x" * 57, "é", "ü", "٣", "²", "_"),
    *(
        ".",
        "..",
        "-",
        " ",
        "\n",
        "\u00a0",
        "\u2003",
        "<",
        ">",
        '"',
        "'",
        "`",
        "{",
        "|",
        "\\",
        "^",
        "[",
    ),
    *("]", ")", "»", "”", "’", ",", ";", ":", "!", "?", "#", "@", "/", "0", "9", "A", "q"),
]
web_text = st.lists(st.sampled_from(_WEB_PIECES), max_size=40).map("".join)


@SETTINGS
@given(st.one_of(web_text, texts))
@example("http://" + "a" * 16 + ".onion/x). www.shop.example.com, " + "z7" * 28 + ".onion")
@example(
    "HTTPſ://x.org” httpſ://y www. a.b.onion.com ab.cd.onionx .i2p- x.abcdefghijklmnopqrstuvwxy"
)
def test_web_spans_on_generated_strings(text):
    check_web_spans(text)


def test_url_and_onion_scans_on_every_code_point():
    """Every code point after a URL's start and around an onion host: the C character
    classes (whitespace, letters, digits) are Python's."""
    from narcwatch.selectors.web import _onion_spans, _url_spans

    native = _native.BUILT
    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(points), 2000):
        chunk = points[i : i + 2000]
        urls = "".join(f"http://a{c}b{c}.{c}\n" for c in chunk)
        assert native.url_spans(urls) == list(_url_spans(urls))
        onions = "".join(f"{c}{'a' * 16}.onion{c} " for c in chunk)
        assert native.onion_spans(onions) == list(_onion_spans(onions))


_MSG_PIECES = [
    *("pgp", "gpg", "key", "ключ", "clé", "schlüssel", "Key", "KEY"),
    *("teleg", "tlgrm", "tg", "tgtg", "✈", "телег", "wickr", "signal", "threema", "snap", "sc"),
    *("👻", "insta", ".me/", "whatsapp", "wire", "ig", "@", "a", "é", "щ", "1", " ", "_", "."),
]


@SETTINGS
@given(st.one_of(st.lists(st.sampled_from(_MSG_PIECES), max_size=30).map("".join), texts))
@example("atg tg ételeg щsc .me/.me/ xwhatsapp@ig wire_insta ✈✈ scsc 👻snap")
def test_messaging_literals_on_generated_strings(text):
    check_messaging_literals(text)
    from narcwatch.selectors import _literal_starts

    # Literals of other letters, one a prefix of another, non-ASCII first characters.
    literals, anywhere = ("ab", "a", "é", "éa", "щи", "b"), (False, True, False, True, False, False)
    ref = _literal_starts(text, literals, anywhere)
    assert _native.BUILT.literal_starts(text, literals, anywhere) == ref


@SETTINGS
@given(st.dictionaries(st.sampled_from(["en", "fr", "de", "es", "it"]), st.integers(1, 4)))
def test_language_winner_is_most_common(counts):
    """The detector's pick from the native counts is what Counter.most_common(2) gives."""
    from collections import Counter

    from narcwatch.analyze.language import MIN_HITS, _winner

    want = None
    if counts:
        (best, n), *rest = [*Counter(counts).most_common(2), ("", 0)]
        want = None if n < MIN_HITS or n == rest[0][1] else best
    assert _winner(counts) == want


_URL_PIECES = [
    *("http://", "HTTPS://", "hTtP://", "www.", "WWW.", "Www.", "://", "user:pw@", "@", ":"),
    *(":8080", "[::1]", "]", "[", "/", "?", "#", "#x", "a", "B", ".", "-", "é", "Q.Onion", "%"),
]


@SETTINGS
@given(st.lists(st.sampled_from(_URL_PIECES), max_size=16).map("".join))
@example("HTTP://User:Pw@Shop.Example.COM:8080/Path?Q=A#Frag www.X.org/A#b#c")
@example("www.[::1]:80/x http://a@b@c:1:2/ https://h]:9/# Www.é.com/ÄB")
def test_url_parts_on_generated_strings(text):
    check_url_parts(text)
