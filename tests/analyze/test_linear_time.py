"""Every component stays linear in the text's length on hostile input.

Timing is not measured (it depends on the machine's load): the tests count the Python
lines each component executes (``sys.settrace``) on a text and on the same text four
times over. A linear component executes about 4x the lines; one that compares every hit
with every other (as the ambiguous-term check once did) executes about 16x.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.ingest.base import RawDocument
from narcwatch.limits import PER_KIND

# Each unit is repeated to the wanted size: dense drug terms of every kind (confident,
# ambiguous, descriptors next to names), numbers, amounts, selectors, spelled amounts.
UNITS = {
    "drug page": "Afghan heroin 1g 80 EUR, coke, weed, done, boy, crystal, Fentanyl HCl 5mg. ",
    "numbers": "12 3.5 2019 ",
    "one slang word": "weed ",
    "ambiguous words": "done boy gas valley black ",
    "amounts": "5g 10mg 3.5 oz $20 100 x 20mg 1kg-100kg ",
    "spelled amounts": "half an ounce two grams an eighth ",
    "selectors": "mail a.b@example.com or t.me/abcdef and https://shop.example.org/x ",
    "harmless": "the quick brown fox jumps over the lazy dog ",
}


def _lines_run(func: Callable[[], object]) -> int:
    count = 0

    def tracer(frame, event, arg):  # sys.settrace calls it for every event
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        func()
    finally:
        sys.settrace(None)
    return count


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    p = Pipeline()
    p(RawDocument(text="warm 1g coke a@b.com", source="s", location="l", raw=b"w"))
    return p


def _per_component(pipe: Pipeline, text: str) -> dict[str, int]:
    doc = Doc.from_raw(RawDocument(text=text, source="s", location="l", raw=text.encode()))
    counts = {}
    for name, step in pipe._steps:
        counts[name] = _lines_run(lambda step=step: step(doc))
    counts["finding"] = _lines_run(doc.to_finding)
    return counts


@pytest.mark.parametrize("case", sorted(UNITS))
def test_each_component_is_linear(pipe: Pipeline, case: str) -> None:
    unit = UNITS[case]
    small = unit * (6000 // len(unit) + 1)
    big = small * 4
    a, b = _per_component(pipe, small), _per_component(pipe, big)
    for name in a:
        # Fixed costs make small counts noisy; 40 lines is less than one pass over a hit.
        ratio = (b[name] + 40) / (a[name] + 40)
        assert ratio < 6, f"{name} on {case!r}: {a[name]} -> {b[name]} lines for 4x the text"


def test_hits_are_bounded_and_counted(pipe: Pipeline) -> None:
    text = "heroin, cocaine, ketamine, a.b@example.com " * 3000
    finding = pipe(RawDocument(text=text, source="s", location="l", raw=text.encode()))
    assert len(finding.substances) <= PER_KIND
    assert len({h.id for h in finding.substances}) == 3  # every substance is still named
    assert finding.omitted is not None
    # Past 2,000 matches of one term the rest are counted unchecked (term_matches).
    omitted = finding.omitted["substances"] + finding.omitted["term_matches"]
    assert omitted + len(finding.substances) == 9000
    assert finding.omitted["selectors"] + sum(len(s.spans) for s in finding.selectors) == 3000
