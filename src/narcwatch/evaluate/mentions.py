"""Substance mentions measured on real text labelled by reading it.

Two label sets live in ``tests/data/mentions/`` (ids and spans only; the text is read from
``../shared/data`` by :mod:`narcwatch.evaluate.corpora`):

* ``labels_batch_*.jsonl``: candidate mentions drawn by ``scripts/draw_mentions.py`` (every
  knowledge-base term, ambiguous or not, with no context rule) in reviews, experience
  reports, mail, listings, forums and tweets, each labelled true or false. The matcher's
  *precision* is the share of true labels among the candidates it keeps; its *pool recall*
  the share of true candidates it keeps.
* ``labels_titles_*.jsonl``: listing titles and posts with every substance they name, to
  measure *misses* (recall over (record, substance) pairs), whatever the matcher's terms.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from narcwatch.analyze.normalize import normalize_term
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.evaluate.corpora import load_records
from narcwatch.ingest.base import RawDocument
from narcwatch.kb import KnowledgeBase

MAX_CHARS = 20000  # the drawing script read at most this much of each record


@dataclass
class Tally:
    kept_true: int = 0
    kept_false: int = 0
    missed_true: int = 0

    @property
    def precision(self) -> float | None:
        n = self.kept_true + self.kept_false
        return self.kept_true / n if n else None

    @property
    def recall(self) -> float | None:
        n = self.kept_true + self.missed_true
        return self.kept_true / n if n else None


@dataclass
class MentionReport:
    overall: Tally = field(default_factory=Tally)
    by_via: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_source: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_kept: list[tuple[str, str]] = field(default_factory=list)  # (record, term)
    true_missed: list[tuple[str, str]] = field(default_factory=list)
    titles: Tally = field(default_factory=Tally)
    title_misses: list[tuple[str, str]] = field(default_factory=list)  # (record, substance)


def read_labels(folder: Path, pattern: str) -> list[dict]:
    rows = []
    for path in sorted(folder.glob(pattern)):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
    return rows


def _scan(pipe: Pipeline, rid: str, text: str) -> tuple[dict, str | None]:
    doc = pipe.analyze(RawDocument(text, "eval", rid, text.encode()))
    spans: dict[tuple[int, int], set[str]] = defaultdict(set)
    for h in doc.substances:
        spans[h.span].add(h.id)
    return spans, doc.lang


def measure(
    folder: Path,
    data: Path | None = None,
    pipe: Pipeline | None = None,
    kb: KnowledgeBase | None = None,
) -> MentionReport:
    """Mention quality of ``pipe`` (default: normalize, language and substances over ``kb``,
    itself by default the packaged knowledge base) on the labelled mentions in ``folder``."""
    pipe = pipe or Pipeline(("normalize", "language", "substances"), kb=kb)
    kb = pipe.kb
    cands = read_labels(folder, "labels_batch_*.jsonl")
    titles = read_labels(folder, "labels_titles_*.jsonl")
    records = load_records({c["record"] for c in cands} | {t["record"] for t in titles}, data)
    rep = MentionReport()
    known = kb.substances
    vias_of: dict[str, set[str]] = defaultdict(set)  # how a term matches: name, slang...
    for term in kb.iter_terms():
        if term.substances:
            vias_of[normalize_term(term.text, kb)].add(term.via)
    scanned: dict[str, tuple[dict, str | None]] = {}
    for c in cands:
        rid = c["record"]
        if rid not in scanned:
            scanned[rid] = _scan(pipe, rid, records[rid].text[:MAX_CHARS])
        spans, lang = scanned[rid]
        kept = _kept(spans, c["span"], set(c["substances"]))
        vias = c.get("via") or sorted(vias_of.get(normalize_term(c["matched"], kb), ())) or ["cas"]
        tallies = [rep.overall, rep.by_lang[lang or "?"], rep.by_source[_source(rid)]]
        tallies += [rep.by_via[v] for v in vias]
        for t in tallies:
            if kept and c["label"]:
                t.kept_true += 1
            elif kept:
                t.kept_false += 1
            elif c["label"]:
                t.missed_true += 1
        if kept and not c["label"]:
            rep.false_kept.append((rid, c["matched"]))
        elif c["label"] and not kept:
            rep.true_missed.append((rid, c["matched"]))
    for row in titles:
        rec = records[row["record"]]
        text = rec.title if row.get("field") == "title" and rec.title else rec.text
        # A substance the labeller found missing from the knowledge base counts once added.
        want = {m["substance"] for m in row["mentions"] if m["substance"] in known}
        spans, _ = _scan(pipe, rec.id, text)
        got = set().union(*spans.values()) if spans else set()
        rep.titles.kept_true += len(want & got)
        rep.titles.missed_true += len(want - got)
        rep.titles.kept_false += len(got - want)
        rep.title_misses += [(rec.id, s) for s in sorted(want - got)]
    return rep


def _kept(spans: dict[tuple[int, int], set[str]], span: list[int], subs: set[str]) -> bool:
    """Whether a hit of one of ``subs`` covers the labelled span: exactly, or as part of a
    longer name of the same substance ("MDMA" inside "MDMA crystal")."""
    a, b = span
    if spans.get((a, b), set()) & subs:
        return True
    return any(s <= a and b <= e and ids & subs for (s, e), ids in spans.items())


def _source(rid: str) -> str:
    corpus, _, rest = rid.partition(":")
    if corpus == "oc":
        return rest.split("-", 1)[0]  # agora, nemesis, enron, druglib, webmd, erowid
    if corpus == "choshen":
        return "choshen:" + rest.split(":", 1)[0].removesuffix(".txt")
    return corpus


def table(rep: MentionReport) -> Iterable[tuple[str, str, int, float | None, float | None]]:
    """Rows (section, name, labelled, precision, recall) for printing."""

    def row(section: str, name: str, t: Tally) -> tuple[str, str, int, float | None, float | None]:
        return section, name, t.kept_true + t.kept_false + t.missed_true, t.precision, t.recall

    yield row("all", "candidates", rep.overall)
    sections = (("via", rep.by_via), ("lang", rep.by_lang), ("source", rep.by_source))
    for section, tallies in sections:
        for name in sorted(tallies):
            yield row(section, name, tallies[name])
    yield row("titles", "named substances", rep.titles)
