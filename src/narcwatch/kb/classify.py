"""Analogue (generic) detection: which structural families a structure belongs to, and the
nearest known substances by fingerprint similarity.

    from narcwatch.kb.classify import classify
    classify(smiles="CCC(=O)N(c1ccc(F)cc1)C1CCN(CCc2ccccc2)CC1")

A novel fentanyl or nitazene that no list names is still flagged by its family (SMARTS
rules in ``families.yaml``), and the nearest controlled substances (Morgan fingerprints,
Tanimoto similarity) say what it most resembles and under which schedules those are.
Structures come as SMILES, as an IUPAC or systematic name (resolved by OPSIN through
py2opsin, which needs a Java runtime), or as the CAS number of a knowledge-base entry.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from narcwatch.errors import UsageError
from narcwatch.kb.cas import is_valid_cas
from narcwatch.kb.loader import KnowledgeBase, default_kb

FINGERPRINT_RADIUS = 2
FINGERPRINT_BITS = 2048


@dataclass(frozen=True, slots=True)
class Neighbour:
    id: str
    name: str
    similarity: float
    control: list[str]


@dataclass(slots=True)
class Classification:
    smiles: str
    inchikey: str
    known: str | None  # id of the knowledge-base entry with this exact structure
    control: list[str]  # its control status ([] when unknown or uncontrolled)
    families: list[str]
    nearest: list[Neighbour] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "smiles": self.smiles,
            "inchikey": self.inchikey,
            "known": self.known,
            "control": self.control,
            "families": self.families,
            "nearest": [
                {"id": n.id, "name": n.name, "similarity": n.similarity, "control": n.control}
                for n in self.nearest
            ],
        }


class Classifier:
    def __init__(self, kb: KnowledgeBase) -> None:
        from rdkit import Chem, RDLogger
        from rdkit.Chem import rdFingerprintGenerator

        # Parse errors are reported as UsageError instead of RDKit printing them.
        RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]
        self.kb = kb
        self.chem = Chem
        self.families = [(f.id, [Chem.MolFromSmarts(s) for s in f.smarts]) for f in kb.families]
        self.gen = rdFingerprintGenerator.GetMorganGenerator(
            radius=FINGERPRINT_RADIUS, fpSize=FINGERPRINT_BITS
        )
        self.by_inchikey = {s.inchikey: s.id for s in kb.substances.values() if s.inchikey}
        self.ids: list[str] = []
        self.fps: list[Any] = []
        for sub in kb.substances.values():
            mol = Chem.MolFromSmiles(sub.smiles) if sub.smiles else None
            if mol is not None:
                self.ids.append(sub.id)
                self.fps.append(self.gen.GetFingerprint(mol))

    def families_of(self, mol: Any) -> list[str]:
        return [fid for fid, pats in self.families if any(mol.HasSubstructMatch(p) for p in pats)]

    def classify(
        self, smiles: str, *, top: int = 5, controlled_only: bool = True
    ) -> Classification:
        from rdkit import DataStructs

        mol = self.chem.MolFromSmiles(smiles)
        if mol is None:
            raise UsageError(f"not a valid SMILES: {smiles!r}", value=smiles)
        canonical = self.chem.MolToSmiles(mol)
        inchikey = self.chem.MolToInchiKey(mol)
        known = self.by_inchikey.get(inchikey)
        control = [c.schedule for c in self.kb.substances[known].control] if known else []
        sims = DataStructs.BulkTanimotoSimilarity(self.gen.GetFingerprint(mol), self.fps)
        ranked = sorted(zip(sims, self.ids, strict=True), reverse=True)
        nearest: list[Neighbour] = []
        for sim, sid in ranked:
            sub = self.kb.substances[sid]
            sub_control = [c.schedule for c in sub.control]
            if sid == known or (controlled_only and not sub_control):
                continue
            nearest.append(Neighbour(sid, sub.name, round(float(sim), 3), sub_control))
            if len(nearest) >= top:
                break
        return Classification(canonical, inchikey, known, control, self.families_of(mol), nearest)


@lru_cache(maxsize=2)
def classifier_for(kb: KnowledgeBase) -> Classifier:
    """The classifier of ``kb``'s families and structures (built once per knowledge base)."""
    return Classifier(kb)


def default_classifier() -> Classifier:
    """The classifier of the packaged knowledge base."""
    return classifier_for(default_kb())


def smiles_from_name(name: str) -> str:
    """SMILES for an IUPAC or systematic name (OPSIN via py2opsin; needs Java)."""
    if shutil.which("java") is None:
        raise UsageError("resolving chemical names needs a Java runtime (java not found)")
    from py2opsin import py2opsin

    smiles = py2opsin(name)
    if not smiles:
        raise UsageError(f"OPSIN could not parse the chemical name {name!r}", value=name)
    return str(smiles)


def smiles_from_cas(cas: str, kb: KnowledgeBase | None = None) -> str:
    kb = kb if kb is not None else default_kb()
    if not is_valid_cas(cas):
        raise UsageError(f"{cas!r} is not a valid CAS number (check digit)", value=cas)
    sid = kb.by_cas().get(cas)
    if sid is None:
        raise UsageError(f"no knowledge-base entry has CAS {cas}", value=cas)
    smiles = kb.substances[sid].smiles
    if not smiles:
        raise UsageError(f"{sid} (CAS {cas}) has no structure in the knowledge base", value=cas)
    return smiles


def classify(
    *,
    smiles: str | None = None,
    name: str | None = None,
    cas: str | None = None,
    top: int = 5,
    kb: KnowledgeBase | None = None,
) -> Classification:
    """Classify a structure given as exactly one of SMILES, chemical name or CAS number,
    against ``kb`` (default: the packaged knowledge base)."""
    kb = kb if kb is not None else default_kb()
    given = [v for v in (smiles, name, cas) if v]
    if len(given) != 1:
        raise UsageError("give exactly one of --smiles, --name, --cas")
    if name:
        smiles = smiles_from_name(name)
    elif cas:
        smiles = smiles_from_cas(cas, kb)
    assert smiles is not None
    return classifier_for(kb).classify(smiles, top=top)
