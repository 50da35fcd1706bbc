"""Measure how each knowledge-base term is used: in drug listings, or as an ordinary word.

    pip install -e '.[train]'   # wordfreq
    python scripts/term_usage.py [--data ../shared/data]

For every term the substance matcher looks for, two rates per million words:

* ``listings``: in real drug listings (offer-corpus drug listings of two markets, the
  unlabelled 2019-2020 listings, Dream Market titles);
* ``general``: in the term's language at large (wordfreq, which pools Wikipedia, subtitles,
  news, books, web text and social media).

A term whose ordinary use outweighs its drug use (``listings / general`` below
``kb/data/term_usage.yaml``'s ``min_ratio``) is a *common word*: "done", "down", "water",
"don" (the chemical DON, but mostly "don't"). The matcher keeps a common word only with
strong drug context next to it. The file is written under src/narcwatch/kb/data and read
by the knowledge base; rerun this script when terms are added (a test says when).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import yaml

from narcwatch.analyze.normalize import default_normalizer, normalize_term
from narcwatch.analyze.term_context import LIST_APART, NearestName
from narcwatch.evaluate.corpora import iter_corpus
from narcwatch.kb import default_kb
from narcwatch.kb.fuzzy import FuzzyIndex, fuzzy_names
from narcwatch.kb.matcher import TermMatcher

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "narcwatch" / "kb" / "data" / "term_usage.yaml"
_WORD = re.compile(r"\w+")
DRUG_LISTINGS = {"darknet_drug_listing", "darknet_rx_offer"}
MIN_RATIO = 12.0
# The real listings at hand are in English: terms are weighed as English words (a term of
# another language keeps its declared ambiguity in texts of its own language).
LISTING_LANGS = {"en"}
MIN_GENERAL = 1.0  # per million words (Zipf 3): rarer words are not "ordinary"
# Languages of text in which English slang is weighed as a word of that language too (the
# Latin-script languages the language component tells apart).
OTHER_TEXT_LANGS = ("fr", "es", "de", "it", "pt", "nl", "pl", "tr")


# A market's category names the drug class a listing sells; a term whose listings mostly
# sit under another class names something else there ("Purple Punch" is a cannabis strain,
# not the codeine slang "purple"; "Alpha Pharma" sells steroids, not alpha-PVP). Categories
# that name no class ("RCs", "Other") judge nothing.
CATEGORY_CLASSES = {
    "cannabis": {"cannabis", "cannabinoid"},
    "ecstasy": {"empathogen"},
    "stimulants": {"stimulant", "coca"},
    "psychedelics": {"hallucinogen"},
    "opioids": {"opioid"},
    "benzos": {"sedative"},
    "benzodiazepine (benzos)": {"sedative"},
    "dissociatives": {"dissociative"},
    "disassociatives": {"dissociative"},
    "steroids": {"prescription"},
    "prescription": {"prescription", "opioid", "sedative", "stimulant"},
    "prescription drugs": {"prescription", "opioid", "sedative", "stimulant"},
    "weight loss": {"prescription", "stimulant"},
    "methylone": {"empathogen", "stimulant"},
}
NEAR_WORD_LANGS = ("en", "fr", "es", "de", "it", "pt", "nl")
NEAR_WORD_COUNT = 50000  # most frequent words of each language
MIN_CATEGORISED = 5  # listings needed to judge a term's sense from categories
MAX_OFF_TOPIC = 0.75  # share of listings under another class that voids a term
# A term written next to another drug's name (the nearest on its line, ``NEAR_NAME``
# characters at most) in at least this share of its listings is a word about drugs in
# general, a form or a quality ("vials", "crystal", "rocks", "blotter"): next to another
# drug's name it describes that drug.
MIN_BESIDE_OTHER = 0.25
MIN_FORM_LISTINGS = 5
MIN_ALONE_ON_TOPIC = 0.5


def listing_texts(data: Path):
    """(text, drug classes of its market category or None) of every real drug listing."""
    for rec in iter_corpus("oc", data):
        if rec.kind in DRUG_LISTINGS:
            cat = (rec.category or "").lower().split(" > ")
            yield rec.text, CATEGORY_CLASSES.get(cat[1]) if len(cat) > 1 else None
    for name in ("anita", "dream"):
        for rec in iter_corpus(name, data):
            yield rec.text, None


def main() -> None:
    from wordfreq import tokenize, top_n_list, word_frequency

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    kb = default_kb()
    terms = [t for t in kb.iter_terms() if t.substances and t.via != "emoji"]
    matcher = TermMatcher(((t.text, t) for t in terms), normalize_term)
    norm = default_normalizer()
    counts: Counter[str] = Counter()
    on_topic: Counter[tuple[str, str]] = Counter()  # (key, substance id) under its class
    categorised: Counter[str] = Counter()
    ambiguous: Counter[str] = Counter()  # listings of terms that are not sure names
    beside_other: Counter[str] = Counter()  # ... whose nearest name is another drug's
    words = 0
    for text, classes in listing_texts(args.data):
        n = norm(text[:20000]).text
        words += len(_WORD.findall(n))
        hits = matcher.find(n)
        names = NearestName(
            [
                (s, e, sid, "")
                for s, e, payloads in hits
                for sid in {sid for t in payloads if not t.ambiguous for sid in t.substances}
            ]
        )
        for s, e, payloads in hits:
            key = n[s:e]
            counts[key] += 1
            if all(t.via == "slang" for t in payloads):
                ambiguous[key] += 1
                near = names.nearest(n, s, e, apart=LIST_APART)
                own = {sid for t in payloads for sid in t.substances}
                if near and not near & own:
                    beside_other[key] += 1
            if classes is not None:
                categorised[key] += 1
                for sid in {sid for t in payloads for sid in t.substances}:
                    if kb.substances[sid].category in classes:
                        on_topic[key, sid] += 1
    rows = []
    seen = set()

    def weigh(key: str, lang: str) -> None:
        """A row for ``key`` as a word of ``lang``, once, when it is one ordinary word."""
        if (key, lang) in seen:
            return
        seen.add((key, lang))
        if tokenize(key, lang) != [key]:
            return  # a phrase, a code or a chemical name: not one ordinary word
        general = word_frequency(key, lang) * 1e6
        if general < MIN_GENERAL:
            return  # too rare a word to be confused with anything
        listings = counts[key] / words * 1e6
        rows.append(
            {
                "term": key,
                "lang": lang,
                "listings": round(listings, 2),
                "general": round(general, 2),
                "common": listings / general < MIN_RATIO,
            }
        )

    for t in terms:
        key = normalize_term(t.text)
        # Weighed as an English word, whatever the term's language: the listings at hand
        # are English, and a French name that is an English word ("héroïne" -> "heroine")
        # must not be read as a drug in English text.
        if key:
            weigh(key, "en")
    # English slang turns up in listings of every language ("Columbian fishscale" in a
    # Spanish title), so the matcher reads it there too, unless it is an ordinary word of
    # that language ("base", "coca" in Spanish): measured the same way, per language. A
    # term of another language is weighed in its own language ("base" in Spanish text);
    # there are no listings in those languages at hand, so the English listing rate stands
    # in for its drug use.
    for t in terms:
        key = normalize_term(t.text)
        if t.lang not in ("en", *OTHER_TEXT_LANGS) or not key:
            continue
        for lang in OTHER_TEXT_LANGS if t.lang == "en" else (t.lang,):
            weigh(key, lang)
    # Terms whose listings sit mostly under another drug class, per substance they name.
    off_topic = []
    for t in terms:
        key = normalize_term(t.text)
        if t.lang not in (None, *LISTING_LANGS) or categorised[key] < MIN_CATEGORISED:
            continue
        if t.via not in ("slang", "emoji") and not t.ambiguous:
            continue  # a drug's own name is never voided; slang and ambiguous names can be
        for sid in t.substances:
            share = on_topic[key, sid] / categorised[key]
            if 1 - share >= MAX_OFF_TOPIC:
                off_topic.append(
                    {
                        "term": key,
                        "substance": sid,
                        "listings": categorised[key],
                        "on_topic": round(share, 3),
                    }
                )
    off_topic = sorted(
        {(o["term"], o["substance"]): o for o in off_topic}.values(),
        key=lambda o: (o["term"], o["substance"]),
    )
    # A form alone names its drug only where most of its categorised listings sell that
    # drug's class ("blotter": LSD in 96%; "pills": MDMA in 26%, "rocks": cocaine in 9%).
    subs_of: dict[str, set[str]] = {}
    for t in terms:
        subs_of.setdefault(normalize_term(t.text), set()).update(t.substances)

    def alone(key: str) -> bool:
        n = categorised[key]
        return n >= MIN_CATEGORISED and any(
            on_topic[key, sid] / n >= MIN_ALONE_ON_TOPIC for sid in subs_of.get(key, ())
        )

    forms = [
        {
            "term": key,
            "listings": n,
            "beside_other": round(beside_other[key] / n, 3),
            "alone": alone(key),
        }
        for key, n in sorted(ambiguous.items())
        if n >= MIN_FORM_LISTINGS and beside_other[key] / n >= MIN_BESIDE_OTHER
    ]
    # Real words one edit from a name the matcher reads with a letter off ("heroine").
    fuzzy = FuzzyIndex(fuzzy_names(kb.iter_terms(), normalize_term))
    near = sorted(
        {
            w
            for lang in NEAR_WORD_LANGS
            for w in top_n_list(lang, NEAR_WORD_COUNT)
            if w.isascii()
            and w.isalpha()
            and (name := fuzzy.lookup(w)) is not None
            and w not in (name + "s", name + "es")  # a plural is the drug: keep reading it
        }
    )
    rows.sort(key=lambda r: (r["lang"], r["term"]))
    doc = {
        "# about": "Generated by scripts/term_usage.py; do not edit by hand.",
        "generated": dt.date.today().isoformat(),
        "source": "offer-corpus drug listings + anita + dream-cocaine (shared/data); wordfreq",
        "listing_words": words,
        "min_ratio": MIN_RATIO,
        "min_general": MIN_GENERAL,
        "terms": rows,
        "off_topic": off_topic,
        "forms": forms,
        "near_words": [{"word": w} for w in near],
    }
    OUT.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120), "utf-8")
    common = sum(r["common"] for r in rows)
    print(
        f"{len(rows)} terms that are also words; {common} common words; "
        f"{len(off_topic)} (term, substance) off topic in listings; "
        f"{len(forms)} terms that describe other drugs; "
        f"{len(near)} real words one letter from a name -> {OUT}"
    )


if __name__ == "__main__":
    main()
