"""``narcwatch kb check``: every rule a knowledge-base entry must follow, in one pass.

Loading already validates schemas, CAS check digits, schedules and references; this adds
what needs RDKit or the matcher: SMILES parse and InChIKeys agree, family SMARTS parse and
match their examples, every term finds its own substance, and no unambiguous name is
shared by two substances.
"""

from __future__ import annotations

import re
from pathlib import Path

from narcwatch.errors import KnowledgeBaseError
from narcwatch.kb.loader import KnowledgeBase, load_kb

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def lint(path: str | Path | None = None) -> list[str]:
    """Problems found, as human-readable lines naming the file/entry; empty when clean."""
    try:
        kb = load_kb(path)
    except KnowledgeBaseError as exc:
        return [str(exc)]
    return _structures(kb) + _families(kb) + _names(kb) + _market_selectors(kb) + _amounts(kb)


def _amounts(kb: KnowledgeBase) -> list[str]:
    """Each amount word's examples must be read as that amount of some unit."""
    from narcwatch.analyze.quantities import QuantityReader

    reader = QuantityReader(kb)
    problems = []
    for entry in kb.amount_words:
        for example in entry.examples:
            got = [q.amount for q in reader.word_amounts(example, example.lower())]
            if entry.value not in got:
                problems.append(
                    f"amount_words [{entry.word}] example {example!r}: {entry.value:g} "
                    f"expected, the reader finds {got or 'nothing'}"
                )
    return problems


def _market_selectors(kb: KnowledgeBase) -> list[str]:
    """Each known market selector must be read by the extractor as its type (so its
    checksum is valid and its normalized value is the one the link stage will see)."""
    from narcwatch.selectors import extract

    problems = []
    for entry in kb.market_selectors:
        found = [(h.type, h.value) for h in extract(entry.value)]
        if not any(t == entry.type for t, _ in found):
            problems.append(
                f"market_selectors [{entry.value}] .type: {entry.type!r} expected, the "
                f"extractor reads {found or 'nothing'}"
            )
    return problems


def _structures(kb: KnowledgeBase) -> list[str]:
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]
    problems = []
    for sub in kb.substances.values():
        if not sub.smiles:
            continue
        mol = Chem.MolFromSmiles(sub.smiles)
        if mol is None:
            problems.append(f"substances [{sub.id}] .smiles: does not parse: {sub.smiles}")
        elif sub.inchikey and Chem.MolToInchiKey(mol) != sub.inchikey:
            problems.append(
                f"substances [{sub.id}] .inchikey: {sub.inchikey} but the SMILES gives "
                f"{Chem.MolToInchiKey(mol)}"
            )
    return problems


def _families(kb: KnowledgeBase) -> list[str]:
    from rdkit import Chem

    problems = []
    for fam in kb.families:
        pats = [Chem.MolFromSmarts(s) for s in fam.smarts]
        for s, p in zip(fam.smarts, pats, strict=True):
            if p is None:
                problems.append(f"families [{fam.id}] .smarts: does not parse: {s}")
        pats = [p for p in pats if p is not None]
        for want, examples in ((True, fam.examples.match), (False, fam.examples.no_match)):
            for smiles in examples:
                mol = Chem.MolFromSmiles(smiles)
                if mol is None:
                    problems.append(f"families [{fam.id}] .examples: bad SMILES {smiles}")
                elif any(mol.HasSubstructMatch(p) for p in pats) != want:
                    verb = "should match" if want else "should not match"
                    problems.append(f"families [{fam.id}] .examples: {verb} {smiles}")
    return problems


def _names(kb: KnowledgeBase) -> list[str]:
    from narcwatch.analyze.normalize import normalize_term
    from narcwatch.kb.matcher import TermMatcher

    problems = []
    matcher = TermMatcher(((t.text, t) for t in kb.iter_terms()), normalize_term)
    owners: dict[str, set[str]] = {}
    for term in kb.iter_terms():
        key = normalize_term(term.text)
        if term.substances:
            core = _EDGES.sub("", key) or key
            found = {
                sid
                for s, e, payloads in matcher.find(key)
                if e - s == len(core)
                for t in payloads
                for sid in t.substances
            }
            if not set(term.substances) <= found:
                problems.append(f"term {term.text!r} ({term.via}) does not find its substance")
        if term.substances and term.via not in ("slang", "emoji") and not term.ambiguous:
            owners.setdefault(key, set()).update(term.substances)
    for key, subs in sorted(owners.items()):
        if len(subs) > 1:
            problems.append(
                f"name {key!r} is shared by {', '.join(sorted(subs))}: mark it ambiguous or "
                "keep it on one entry"
            )
    return problems
