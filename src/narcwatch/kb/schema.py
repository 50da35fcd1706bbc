"""Schemas of the knowledge-base data files (``src/narcwatch/kb/data/``).

Knowledge is data: every substance, name, slang term, emoji, cue word, unit and currency is
an entry in a YAML file checked against one of these models when the knowledge base loads
(and by ``tests/kb/test_data.py`` for every entry). Every entry names its ``sources``: ids of
``sources.yaml`` entries (a publication, list or page the fact comes from).

File layout (one top-level key per file, holding a list of entries)::

    sources.yaml              sources:    [Source]
    substances/*.yaml         substances: [Substance]
    slang/<lang>.yaml         terms:      [SlangTerm]
    emoji.yaml                emoji:      [EmojiCode]
    cues/<lang>.yaml          cues:       [Cue]
    units.yaml                units:      [Unit]
    amount_words.yaml         amounts:    [AmountWord]
    currencies.yaml           currencies: [Currency]
    homoglyphs.yaml           homoglyphs: [Homoglyph]
    languages.yaml            languages:  [Language]
    not_drugs.yaml            not_drugs:  [NotDrug]
    families.yaml             families:   [Family]
    market_selectors.yaml     selectors:  [MarketSelector]
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from narcwatch.kb.cas import is_valid_cas

SLUG = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$"
LANG = r"^[a-z]{2}$"

# International schedules as written in findings; national lists as "national:<cc>:<list>".
SCHEDULE = re.compile(
    r"^(1961-(I|II|III|IV)|1971-(I|II|III|IV)|1988-(I|II)|national:[a-z]{2}:[A-Za-z0-9._-]+)$"
)

Category = Literal[
    "opioid",
    "stimulant",
    "hallucinogen",
    "empathogen",
    "dissociative",
    "sedative",
    "cannabinoid",
    "cannabis",
    "coca",
    "prescription",  # prescription-only medicines sold by illicit pharmacies
    "precursor",
    "pre-precursor",
    "designer-precursor",
    "other",
]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Entry):
    id: str = Field(pattern=SLUG)
    title: str
    publisher: str
    year: int | None = None
    url: str | None = None
    note: str | None = None


class Control(_Entry):
    schedule: str  # "1961-I", "1971-II", "1988-I", "national:us:CI"
    since: int | None = Field(default=None, ge=1912, le=2100)  # year it was added
    decision: str | None = None  # e.g. "CND 65/1"

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: str) -> str:
        if not SCHEDULE.match(v):
            raise ValueError(
                f"{v!r} is not a schedule (valid: 1961-I..IV, 1971-I..IV, 1988-I..II, "
                "national:<cc>:<list>)"
            )
        return v


class Substance(_Entry):
    id: str = Field(pattern=SLUG)
    name: str  # preferred name, the INN where one exists
    synonyms: list[str] = Field(default_factory=list)  # other English/chemical/trade names
    names: dict[str, list[str]] = Field(default_factory=dict)  # by ISO 639-1: fr, es, de, ru
    cas: list[str] = Field(default_factory=list)
    smiles: str | None = None
    inchikey: str | None = Field(default=None, pattern=r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")
    control: list[Control] = Field(default_factory=list)
    category: Category
    family: str | None = None  # e.g. "fentanyl", "cathinone", "nitazene"
    watch: list[str] = Field(default_factory=list)  # watch lists, e.g. "unodc-ews"
    # Names that are too short or too common to match on their own (e.g. "PCP" is fine,
    # "Speed" is not): matched only with supporting context, like ambiguous slang.
    ambiguous: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)

    @field_validator("cas")
    @classmethod
    def _cas(cls, v: list[str]) -> list[str]:
        for cas in v:
            if not is_valid_cas(cas):
                raise ValueError(f"CAS number {cas!r} fails its check digit")
        return v

    @field_validator("names")
    @classmethod
    def _langs(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang in v:
            if not re.match(LANG, lang):
                raise ValueError(f"language {lang!r} is not an ISO 639-1 code")
        return v


class SlangTerm(_Entry):
    term: str = Field(min_length=2)
    substances: list[str] = Field(min_length=1)  # substance ids
    lang: str = Field(pattern=LANG)
    ambiguous: bool = False  # an ordinary word too: counts only next to supporting context
    sources: list[str] = Field(min_length=1)


class EmojiCode(_Entry):
    code: str = Field(min_length=1)  # one emoji or a short sequence
    substances: list[str] = Field(min_length=1)
    meaning: str
    sources: list[str] = Field(min_length=1)


CueKind = Literal[
    "sale",  # selling, for sale, vends, vendo, verkaufe, продам
    "buy",  # looking to buy (a request, weaker than a sale)
    "contact",  # dm me, hit me up, écris-moi
    "shipping",  # worldwide shipping, stealth, livraison, envío
    "payment",  # btc only, escrow, paypal f&f
    "quality",  # pure, uncut, lab tested, 99%
    "listing",  # ships from, ships to, in stock, min order
    "negative",  # news, harm reduction, research, policing: arrested, seized, overdose
    "use",  # someone telling of their own use: I took, we smoked, my trip (reports, reviews)
]


class Cue(_Entry):
    term: str = Field(min_length=2)
    kind: CueKind
    lang: str = Field(pattern=LANG)
    sources: list[str] = Field(min_length=1)


class Unit(_Entry):
    unit: str  # canonical: g, mg, kg, ug, ml, l, oz, lb, tab, blotter, pill, cap, ...
    aliases: list[str] = Field(min_length=1)  # as written: gr, gram, grams, gramm, грамм
    to_base: float | None = None  # factor to the base unit of its dimension (g or ml)
    dimension: Literal["mass", "volume", "count"]
    sources: list[str] = Field(min_length=1)


class AmountWord(_Entry):
    """A word written for a number in front of a unit: "half an ounce", "a quarter oz",
    "zwei Gramm". ``examples`` are phrases the quantity reader must read as ``value`` of
    some unit (the lint proves it). ``implies`` is the unit meant when none is written,
    as street slang does ("an eighth" is an eighth of an ounce); it is read only after
    an article ("an eighth", "a teener"), never from the word alone."""

    word: str = Field(min_length=1)
    value: float = Field(gt=0)
    implies: str | None = None
    lang: str = Field(pattern=LANG)
    examples: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Currency(_Entry):
    code: str = Field(pattern=r"^[A-Z]{3,5}$")  # ISO 4217, or a ticker for crypto
    symbols: list[str] = Field(default_factory=list)  # €, $, £, ₽
    aliases: list[str] = Field(default_factory=list)  # euro, euros, eur, bucks, руб
    crypto: bool = False
    sources: list[str] = Field(min_length=1)


class Homoglyph(_Entry):
    char: str = Field(min_length=1, max_length=1)
    ascii: str = Field(min_length=1, max_length=2)
    script: str  # cyrillic, greek, leet, fullwidth, ...
    sources: list[str] = Field(min_length=1)


class Language(_Entry):
    code: str = Field(pattern=LANG)  # ISO 639-1
    name: str
    # Frequent function words: the language component counts them (Latin-script languages).
    stopwords: list[str] = Field(default_factory=list)
    # Unicode ranges (hex, "0400-04FF") whose letters mark this language on their own.
    scripts: list[str] = Field(default_factory=list)
    # Letters that tell this language apart from others of the same script (e.g. "ї" for uk).
    markers: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class NotDrug(_Entry):
    """A phrase that contains a drug term but names ordinary goods or things ("weed eater",
    "snow blower", "Ice Age", "Coke Zero"). Matched like any term; the longest match wins,
    so the drug word inside it is not counted."""

    term: str = Field(min_length=3)
    lang: str = Field(pattern=LANG)
    note: str | None = None
    sources: list[str] = Field(min_length=1)


class TermUsage(_Entry):
    """How often a matcher term is used in real drug listings and in its language at large,
    per million words (``scripts/term_usage.py`` measures it; the file names its sources).
    ``common``: mostly an ordinary word, kept by the matcher only with strong context."""

    term: str = Field(min_length=1)
    lang: str = Field(pattern=LANG)
    listings: float = Field(ge=0)
    general: float = Field(ge=0)
    common: bool


class NearWord(_Entry):
    """A real word one letter from a drug name ("heroine"): never read as a misspelt name."""

    word: str = Field(min_length=1)


class OffTopicTerm(_Entry):
    """A term whose real drug listings sit mostly under another drug class than the
    substance it names ("purple": cannabis strains, not codeine). The matcher does not read
    the term as that substance. Measured by ``scripts/term_usage.py``."""

    term: str = Field(min_length=1)
    substance: str
    listings: int = Field(ge=1)
    on_topic: float = Field(ge=0, le=1)


class FormTerm(_Entry):
    """A term that real listings mostly write next to another drug's name, as the form it
    comes in or a word about it ("vials", "blotter", "rocks", "crystal"): next to another
    drug's name it describes that drug, not its own. Measured by ``scripts/term_usage.py``."""

    term: str = Field(min_length=1)
    listings: int = Field(ge=1)
    beside_other: float = Field(ge=0, le=1)  # share of listings next to another drug's name
    # Most of its categorised listings sell its drug's class: alone, it names that drug
    # ("blotter"); otherwise only beside its drug's name ("pills", "rocks").
    alone: bool = False


class MarketSelector(_Entry):
    """A selector that belongs to a market, an exchange, a public service or documentation
    rather than to a seller (an escrow wallet, an exchange hot wallet, a news site's onion,
    an address printed in a specification as an example). The link stage never links
    documents through it. ``value`` is written as found; ``kb check`` proves the selector
    extractor reads it as ``type`` with a valid checksum."""

    type: str = Field(pattern=r"^[a-z0-9-]+$")
    value: str = Field(min_length=3)
    role: Literal["market", "exchange", "service", "documentation", "contract"]
    owner: str
    note: str | None = None
    sources: list[str] = Field(min_length=1)


class FamilyExamples(_Entry):
    match: list[str] = Field(min_length=1)  # SMILES that must match
    no_match: list[str] = Field(default_factory=list)  # SMILES that must not


class Family(_Entry):
    """A structural family (analogue rule): any structure matching one SMARTS belongs."""

    id: str = Field(pattern=SLUG)
    name: str
    definition: str
    smarts: list[str] = Field(min_length=1)
    examples: FamilyExamples
    sources: list[str] = Field(min_length=1)
