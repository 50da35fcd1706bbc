"""Analogue detection: family rules match their members, flag novel analogues, and the
whole knowledge base passes `kb check`."""

import shutil
from collections import Counter

import pytest

from narcwatch.errors import UsageError
from narcwatch.kb import default_kb
from narcwatch.kb.classify import classify, default_classifier
from narcwatch.kb.lint import lint
from narcwatch.kb.loader import data_dir

# Family of the rule -> families of knowledge-base entries it must cover.
MEMBERS = {
    "fentanyl": {"fentanyl"},
    "nitazene": {"nitazene"},
    "synthetic-cannabinoid": {"synthetic-cannabinoid"},
    "cathinone": {"cathinone"},
    "phenethylamine": {"phenethylamine", "nbome"},
    "tryptamine": {"tryptamine"},
    "arylcyclohexylamine": {"arylcyclohexylamine"},
    "designer-benzodiazepine": {"designer-benzodiazepine", "benzodiazepine"},
    "lysergamide": {"lysergamide"},
}
# Entries whose family label names what they are made into, not what they are.
PRECURSOR_CATEGORIES = {"precursor", "pre-precursor", "designer-precursor"}


def test_shipped_knowledge_base_passes_kb_check():
    assert lint() == []


@pytest.mark.parametrize("family", sorted(MEMBERS))
def test_family_rule_covers_its_members(family):
    clf = default_classifier()
    from rdkit import Chem

    found = total = 0
    for sub in default_kb().substances.values():
        if (
            sub.smiles
            and sub.family in MEMBERS[family]
            and sub.category not in PRECURSOR_CATEGORIES
        ):
            total += 1
            found += family in clf.families_of(Chem.MolFromSmiles(sub.smiles))
    assert total >= 5 and found / total >= 0.85, f"{family}: {found}/{total}"


def test_no_rule_claims_unrelated_entries():
    """Only the known overlap (lysergamides contain the tryptamine skeleton) is allowed."""
    from rdkit import Chem

    clf = default_classifier()
    wrong = Counter()
    for sub in default_kb().substances.values():
        if not sub.smiles:
            continue
        for fam in clf.families_of(Chem.MolFromSmiles(sub.smiles)):
            if sub.family not in MEMBERS[fam] and not (
                fam == "tryptamine" and sub.family == "lysergamide"
            ):
                wrong[(fam, sub.family)] += 1
    assert sum(wrong.values()) <= 10, wrong.most_common(10)


@pytest.mark.parametrize(
    ("smiles", "family"),
    [
        # Novel fentanyl: 3-fluoro-furanylfentanyl with a beta-methylphenethyl tail.
        ("O=C(N(c1cccc(F)c1)C1CCN(CC(C)c2ccccc2)CC1)c1ccco1", "fentanyl"),
        # Novel nitazene: 5-nitro, 4-butoxybenzyl, N-azepane.
        ("CCCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCCCC2)cc1", "nitazene"),
        # An indazole-3-carboxamide SCRA with an unusual tail.
        ("CC(C)(C)C(NC(=O)c1nn(CCCCCCl)c2ccccc12)C(N)=O", "synthetic-cannabinoid"),
        # A cathinone with an unusual ring.
        ("CCNC(CC)C(=O)c1ccc2ccccc2c1", "cathinone"),
    ],
)
def test_novel_analogues_are_flagged_by_family(smiles, family):
    result = classify(smiles=smiles)
    assert result.known is None and family in result.families
    assert result.nearest and all(n.control for n in result.nearest)


def test_known_structure_and_its_control():
    r = classify(smiles="CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1")
    assert (r.known, r.control) == ("fentanyl", ["1961-I"])
    assert r.nearest[0].similarity > 0.6


def test_classify_by_cas():
    assert classify(cas="14188-81-9").known == "isotonitazene"


@pytest.mark.skipif(shutil.which("java") is None, reason="OPSIN needs a Java runtime")
def test_classify_by_iupac_name():
    r = classify(name="N-phenyl-N-[1-(2-phenylethyl)piperidin-4-yl]propanamide")
    assert r.known == "fentanyl"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"smiles": "not a smiles (("}, "not a valid SMILES"),
        ({"cas": "437-38-8"}, "check digit"),
        ({"cas": "50-00-0"}, "no knowledge-base entry"),
        ({}, "exactly one"),
        ({"smiles": "C", "cas": "437-38-7"}, "exactly one"),
    ],
)
def test_bad_requests(kwargs, message):
    with pytest.raises(UsageError, match=message):
        classify(**kwargs)


def test_kb_check_names_a_broken_family_example(tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(data_dir(), copy)
    fam = copy / "families.yaml"
    fam.write_text(
        fam.read_text().replace(
            'no_match: ["CC(N)Cc1ccccc1", "CC(Br)', 'no_match: ["CNC(C)C(=O)c1ccccc1", "CC(Br)'
        ),
        encoding="utf-8",
    )
    problems = lint(copy)
    assert any("families [cathinone]" in p and "should not match" in p for p in problems)
