"""Lint of exchange/data/mappings.yaml: every entry valid, sourced, and true to the MISP and
STIX definitions installed (pymisp's describeTypes and object templates, the stix2 library)."""

from __future__ import annotations

import json

import jsonschema
import pytest
import stix2
from pymisp import MISPObject
from pymisp.abstract import describe_types

from narcwatch.errors import KnowledgeBaseError
from narcwatch.exchange import stix_objects
from narcwatch.exchange.mapping import DATA, GENERIC, mappings
from narcwatch.results.incident import IncidentKind, IncidentStatus, Tlp

M = mappings()
STIX_SCOS = {"email-addr", "url", "domain-name", "user-account"}


def test_every_source_is_cited_and_every_reference_resolves():
    cited = {
        s
        for group in (M.extensions, M.tlp, M.kinds, M.statuses, M.selectors)
        for e in group
        for s in e.sources
    } | set(M.publisher.sources)
    assert cited == {s.id for s in M.sources}


def test_every_model_value_is_mapped_once():
    assert sorted(t.level for t in M.tlp) == sorted(t.value for t in Tlp)
    assert sorted(k.kind for k in M.kinds) == sorted(k.value for k in IncidentKind)
    assert sorted(s.status for s in M.statuses) == sorted(s.value for s in IncidentStatus)
    labels = [k.stix_label for k in M.kinds]
    assert len(labels) == len(set(labels))


def test_tlp_marking_ids_are_unique_and_oasis_tlp2():
    ids = [i for t in M.tlp for i in (t.stix_marking, *t.stix_aliases)]
    assert len(ids) == len(set(ids))
    # TLP 1.0 aliases are the ids the stix2 library ships for TLP 1.0.
    assert {stix2.TLP_WHITE.id, stix2.TLP_GREEN.id, stix2.TLP_AMBER.id, stix2.TLP_RED.id} <= set(
        ids
    )
    for t in M.tlp:
        marking = stix_objects.tlp_marking(t.level)
        assert marking.name == f"TLP:{t.level}"
        assert t.misp_tag == f"tlp:{t.level.lower()}"


@pytest.mark.parametrize("entry", M.selectors, ids=[s.type for s in M.selectors])
def test_misp_writing_exists_in_pymisp(entry):
    w = entry.misp
    assert w.type in describe_types["types"]
    assert w.type in describe_types["category_type_mappings"][w.category], (
        f"{entry.type}: MISP category {w.category!r} does not take {w.type!r}"
    )
    if w.object is not None:
        template = MISPObject(w.object, strict=True)._definition["attributes"]
        assert template[w.relation]["misp-attribute"] == w.type
        for relation, value in w.fixed.items():
            allowed = template[relation].get("values") or template[relation].get("sane_default")
            assert not allowed or value in allowed


@pytest.mark.parametrize("entry", M.selectors, ids=[s.type for s in M.selectors])
def test_stix_writing_is_a_known_observable(entry):
    new = {e.object for e in M.extensions if e.extension_type == "new-sco"}
    assert entry.stix.object in STIX_SCOS | new
    if entry.stix.object in STIX_SCOS:
        cls = stix2.v21.OBJ_MAP_OBSERVABLE[entry.stix.object]
        assert entry.stix.property in cls._properties
        assert set(entry.stix.fixed) <= set(cls._properties)


def test_each_selector_reads_back_as_itself_or_is_written_with_its_type():
    """The rule of the file's header: a type that is not the default reading of its
    writing is written with the narcwatch type (checked by the round-trip tests)."""
    for entry in M.selectors:
        if entry.type == GENERIC:
            continue
        s = M.stix_reading(entry.stix.object, entry.stix.property, entry.stix.fixed)
        assert s is not None or entry.stix.object == "narcwatch-selector"


def test_extension_schemas_are_valid_json_schemas():
    for ext in M.extensions:
        schema = json.loads((DATA / "stix" / ext.schema_file).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == stix_objects.SCHEMA_URL + ext.schema_file
    assert sorted(e.schema_file for e in M.extensions) == stix_objects.shipped_schemas()


def test_a_broken_mappings_file_names_the_field(tmp_path):
    text = (DATA / "mappings.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "mappings.yaml"
    bad.write_text(text.replace("misp_distribution: 3", "misp_distribution: 9"), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"tlp\.0\.misp_distribution"):
        mappings.__wrapped__(bad)
