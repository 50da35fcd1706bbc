"""Load and validate the knowledge base from its YAML data files.

``load_kb(path)`` loads a data directory (the layout is in ``schema.py``); ``default_kb()`` is
the knowledge base that ships in the package, loaded once per process. Code that analyses
takes the knowledge base as an argument (``Pipeline(kb=...)``, a component factory's second
argument); ``default_kb()`` is only the default where none is given.
Every entry is validated; the first invalid one raises :class:`KnowledgeBaseError` naming
the file, the entry and the field, and listing what would be valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from narcwatch.errors import KnowledgeBaseError
from narcwatch.kb.schema import (
    AmountWord,
    Cue,
    Currency,
    EmojiCode,
    Family,
    FormTerm,
    Homoglyph,
    Language,
    MarketSelector,
    NearWord,
    NotDrug,
    OffTopicTerm,
    SlangTerm,
    Source,
    Substance,
    TermUsage,
    Unit,
)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C loader when libyaml is there
M = TypeVar("M", bound=BaseModel)


def data_dir() -> Path:
    """The package's own data directory."""
    return Path(str(resources.files("narcwatch.kb") / "data"))


@dataclass(frozen=True, slots=True)
class Term:
    """One matchable string and what it means."""

    text: str  # as written in the data file
    substances: tuple[str, ...]
    via: str  # name, synonym, name:fr, slang, emoji, cas
    lang: str | None = None
    ambiguous: bool = False


@dataclass(slots=True, eq=False)
class KnowledgeBase:
    """Validated entries of one data directory.

    Compared and hashed by identity: what is built from a knowledge base (normalizer,
    matchers, readers) is memoized per instance (``functools.lru_cache`` on the builder)."""

    substances: dict[str, Substance] = field(default_factory=dict)
    slang: list[SlangTerm] = field(default_factory=list)
    emoji: list[EmojiCode] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    amount_words: list[AmountWord] = field(default_factory=list)
    currencies: list[Currency] = field(default_factory=list)
    homoglyphs: list[Homoglyph] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    not_drugs: list[NotDrug] = field(default_factory=list)
    # (normalized term, language) of the terms that are mostly ordinary words.
    term_usage: frozenset[tuple[str, str]] = frozenset()
    # (normalized term, substance id) pairs that real listings use for another drug class.
    term_off_topic: frozenset[tuple[str, str]] = frozenset()
    # Real words one letter from a drug name: not read as misspelt names ("heroine").
    near_words: frozenset[str] = frozenset()
    # Normalized terms that real listings write next to other drugs' names ("vials").
    term_forms: frozenset[str] = frozenset()
    term_forms_alone: frozenset[str] = frozenset()  # ... that name their drug alone too
    families: list[Family] = field(default_factory=list)
    market_selectors: list[MarketSelector] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # entry key -> file it came from

    def iter_terms(self) -> Iterator[Term]:
        """Every string the substance matcher looks for (CAS numbers are found by regex)."""
        for sub in self.substances.values():
            ids = (sub.id,)
            ambiguous = {a.casefold() for a in sub.ambiguous}
            yield Term(sub.name, ids, "name", ambiguous=sub.name.casefold() in ambiguous)
            for syn in sub.synonyms:
                yield Term(syn, ids, "synonym", ambiguous=syn.casefold() in ambiguous)
            for lang, names in sub.names.items():
                for name in names:
                    yield Term(name, ids, "name", lang, name.casefold() in ambiguous)
        for s in self.slang:
            yield Term(s.term, tuple(s.substances), "slang", s.lang, s.ambiguous)
        for e in self.emoji:
            # Emoji are codes: they always need supporting context.
            yield Term(e.code, tuple(e.substances), "emoji", None, True)
        for nd in self.not_drugs:
            # No substance: when it is the longest match, the drug word inside it is void.
            yield Term(nd.term, (), "not-drug", nd.lang)

    @property
    def terms(self) -> list[str]:
        """Every matchable string (for baselines and lints)."""
        return sorted({t.text for t in self.iter_terms()})

    def by_cas(self) -> dict[str, str]:
        return {cas: sub.id for sub in self.substances.values() for cas in sub.cas}


def _read(path: Path, key: str, root: Path) -> list[Any]:
    rel = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        with path.open("rb") as fh:
            doc = yaml.load(fh, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(rel, f"not valid YAML: {exc}") from None
    if doc is None:
        return []
    if not isinstance(doc, dict) or key not in doc:
        raise KnowledgeBaseError(rel, f"expected a mapping with the key {key!r}")
    entries = doc[key] or []
    if not isinstance(entries, list):
        raise KnowledgeBaseError(rel, f"{key!r} must be a list of entries", field=key)
    return entries


def _validate(model: type[M], raw: Any, rel: str, index: int) -> M:
    label = raw.get("id") or raw.get("term") or raw.get("code") if isinstance(raw, dict) else None
    entry = f"#{index + 1}" + (f" {label}" if label else "")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or None
        valid = ", ".join(model.model_fields)
        raise KnowledgeBaseError(
            rel, f"{err['msg']} (fields: {valid})", entry=entry, field=where
        ) from None


def _load_files(root: Path, pattern: str, key: str, model: type[M], kb: KnowledgeBase) -> list[M]:
    out: list[M] = []
    for path in sorted(root.glob(pattern)):
        rel = str(path.relative_to(root))
        for i, raw in enumerate(_read(path, key, root)):
            item = _validate(model, raw, rel, i)
            kb.files[f"{key}:{getattr(item, 'id', None) or i}:{rel}"] = rel
            out.append(item)
    return out


def load_kb(path: Path | str | None = None) -> KnowledgeBase:
    """Load and validate every data file under ``path`` (default: the package's data)."""
    root = Path(path) if path is not None else data_dir()
    if not root.is_dir():
        raise KnowledgeBaseError(str(root), "knowledge-base directory not found")
    kb = KnowledgeBase()
    for src in _load_files(root, "sources/*.yaml", "sources", Source, kb):
        if src.id in kb.sources:
            raise KnowledgeBaseError("sources/", "duplicate source id", entry=src.id)
        kb.sources[src.id] = src
    for sub in _load_files(root, "substances/*.yaml", "substances", Substance, kb):
        if sub.id in kb.substances:
            raise KnowledgeBaseError("substances/", "duplicate substance id", entry=sub.id)
        kb.substances[sub.id] = sub
    kb.slang = _load_files(root, "slang/*.yaml", "terms", SlangTerm, kb)
    kb.emoji = _load_files(root, "emoji.yaml", "emoji", EmojiCode, kb)
    kb.cues = _load_files(root, "cues/*.yaml", "cues", Cue, kb)
    kb.units = _load_files(root, "units.yaml", "units", Unit, kb)
    kb.amount_words = _load_files(root, "amount_words.yaml", "amounts", AmountWord, kb)
    kb.currencies = _load_files(root, "currencies.yaml", "currencies", Currency, kb)
    kb.homoglyphs = _load_files(root, "homoglyphs.yaml", "homoglyphs", Homoglyph, kb)
    kb.languages = _load_files(root, "languages.yaml", "languages", Language, kb)
    kb.not_drugs = _load_files(root, "not_drugs.yaml", "not_drugs", NotDrug, kb)
    kb.families = _load_files(root, "families.yaml", "families", Family, kb)
    kb.term_usage = frozenset(
        (u.term, u.lang)
        for u in _load_files(root, "term_usage.yaml", "terms", TermUsage, kb)
        if u.common
    )
    kb.near_words = frozenset(
        w.word for w in _load_files(root, "term_usage.yaml", "near_words", NearWord, kb)
    )
    kb.term_off_topic = frozenset(
        (o.term, o.substance)
        for o in _load_files(root, "term_usage.yaml", "off_topic", OffTopicTerm, kb)
    )
    forms = _load_files(root, "term_usage.yaml", "forms", FormTerm, kb)
    kb.term_forms = frozenset(f.term for f in forms)
    kb.term_forms_alone = frozenset(f.term for f in forms if f.alone)
    kb.market_selectors = _load_files(
        root, "market_selectors.yaml", "selectors", MarketSelector, kb
    )
    _check_references(kb)
    return kb


def _check_references(kb: KnowledgeBase) -> None:
    """Every ``sources`` id, substance id and unit an entry names must exist."""
    known_sources = kb.sources
    groups: list[tuple[str, list[Any]]] = [
        ("substances", list(kb.substances.values())),
        ("slang", kb.slang),
        ("emoji", kb.emoji),
        ("cues", kb.cues),
        ("units", kb.units),
        ("amount_words", kb.amount_words),
        ("currencies", kb.currencies),
        ("homoglyphs", kb.homoglyphs),
        ("languages", kb.languages),
        ("not_drugs", kb.not_drugs),
        ("families", kb.families),
        ("market_selectors", kb.market_selectors),
    ]
    for group, items in groups:
        for item in items:
            label = getattr(item, "id", None) or getattr(item, "term", None) or str(item)[:40]
            for sid in item.sources:
                if sid not in known_sources:
                    raise KnowledgeBaseError(
                        group, f"unknown source {sid!r}", entry=label, field="sources"
                    )
            for sub in getattr(item, "substances", ()) if group != "substances" else ():
                if sub not in kb.substances:
                    raise KnowledgeBaseError(
                        group, f"unknown substance id {sub!r}", entry=label, field="substances"
                    )
    units = {u.unit for u in kb.units}
    for amount in kb.amount_words:
        if amount.implies is not None and amount.implies not in units:
            raise KnowledgeBaseError(
                "amount_words.yaml",
                f"unknown unit {amount.implies!r}; valid units (units.yaml): "
                + (", ".join(sorted(units)) or "none"),
                entry=amount.word,
                field="implies",
            )


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The packaged knowledge base, loaded once per process (from the cache when the data
    files are unchanged, see :mod:`narcwatch.kb.cache`)."""
    from narcwatch.kb.cache import cached

    return cached("kb", data_dir(), load_kb, check=lambda kb: "cocaine" in kb.substances)


def is_default_kb(kb: KnowledgeBase) -> bool:
    """Whether ``kb`` is the one ``default_kb()`` returned (without loading it when it was
    never asked for): only that one may use what is cached on disk for the packaged data."""
    return default_kb.cache_info().currsize > 0 and kb is default_kb()
