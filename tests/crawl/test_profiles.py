"""Site profiles are data: every entry validates and its examples give what they promise."""

from __future__ import annotations

import pytest

from narcwatch.crawl.profiles import load_profiles, page_fields
from narcwatch.errors import KnowledgeBaseError
from narcwatch.kb.loader import default_kb

PROFILES = load_profiles()
EXAMPLES = [(p, i, ex) for p in PROFILES for i, ex in enumerate(p.examples)]


@pytest.mark.parametrize(
    ("profile", "index", "example"), EXAMPLES, ids=[f"{p.id}#{i}" for p, i, _ in EXAMPLES]
)
def test_each_example_reads_exactly_what_it_expects(profile, index, example):
    assert page_fields(example.html.encode(), "https://shop.example/p/1") == example.expect | {
        "profile": profile.id
    }


@pytest.mark.parametrize("profile", PROFILES, ids=[p.id for p in PROFILES])
def test_sources_exist(profile):
    assert set(profile.sources) <= set(default_kb().sources)


def test_a_page_no_profile_fits_gives_no_fields():
    assert page_fields(b"<html><body><p>just text</p></body></html>", None) == {}
    assert page_fields(b"<<<not html", None) == {}


def test_home_profiles_are_read_and_bad_ones_named(tmp_path):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "mine.yaml").write_text(
        "profiles:\n  - id: my-market\n    description: d\n    detect: div.listing\n"
        "    fields: {title: h2, vendor: .seller}\n    sources: [narcwatch-curated]\n"
        "    examples: [{html: '<div class=listing><h2>A</h2></div>', expect: {title: A}}]\n",
        encoding="utf-8",
    )
    html = b"<div class=listing><h2>Coke 1g</h2><span class=seller>snowman</span></div>"
    assert page_fields(html, None, profiles=tmp_path / "profiles") == {
        "title": "Coke 1g",
        "vendor": "snowman",
        "profile": "my-market",
    }
    (tmp_path / "profiles" / "bad.yaml").write_text(
        "profiles:\n  - id: Bad Id\n    description: d\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeBaseError, match=r"bad\.yaml"):
        load_profiles(tmp_path / "profiles")
