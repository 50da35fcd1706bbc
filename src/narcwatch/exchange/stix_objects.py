"""STIX 2.1 building blocks shared by export and import: narcwatch's observable types
registered with the stix2 library, the TLP 2.0 markings, extension definitions and ids.

The new observable types (``cryptocurrency-wallet``, ``phone-number``,
``narcwatch-selector``) are registered once, at import, with the extension definition that
declares them, so ``stix2.parse(..., allow_custom=False)`` reads them and their ids are
UUIDv5 of their id-contributing properties, like STIX's own observables.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import stix2
from stix2.properties import StringProperty
from stix2.v21 import CustomObservable

from narcwatch.exchange.mapping import DATA, Mappings, mappings

# The namespace of narcwatch's own UUIDv5 ids (reports, indicators, identities...), so one
# incident exported twice gives the same objects and a consumer updates instead of copying.
NAMESPACE = uuid.UUID("0e481b16-4b66-415e-a805-81b18abefeb0")
# Objects narcwatch mints that have no date of their own (organisation identities,
# locations) carry this one: a fixed date keeps exports byte-identical.
EPOCH = datetime(2026, 12, 1, tzinfo=UTC)
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
SCHEMA_URL = "https://narcwatch.org/schemas/stix/"


def stix_id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, '/'.join(parts))}"


def _register(m: Mappings) -> dict[str, type]:
    classes: dict[str, type] = {}
    for ext in m.extensions:
        if ext.extension_type != "new-sco" or ext.object is None:
            continue
        props = [(p, StringProperty(required=True)) for p in ext.id_contributing]
        if "value" not in ext.id_contributing:
            props.append(("value", StringProperty(required=True)))
        classes[ext.object] = CustomObservable(
            ext.object, props, id_contrib_props=ext.id_contributing, extension_name=ext.id
        )(type(ext.object.title().replace("-", ""), (), {}))
    return classes


NEW_SCOS = _register(mappings())


@lru_cache(maxsize=8)
def tlp_marking(level: str) -> stix2.MarkingDefinition:
    """The OASIS TLP 2.0 marking-definition object of ``level``, as OASIS publishes it."""
    t = mappings().tlp_of(level)
    return stix2.MarkingDefinition(
        id=t.stix_marking,
        created="2022-10-01T00:00:00.000Z",
        name=t.stix_name,
        extensions={TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": t.tlp_2_0}},
    )


def publisher() -> stix2.Identity:
    p = mappings().publisher
    return stix2.Identity(
        id=p.id, created=p.created, modified=p.created, name=p.name, identity_class="system"
    )


def extension_definitions() -> list[stix2.ExtensionDefinition]:
    m = mappings()
    return [
        stix2.ExtensionDefinition(
            id=e.id,
            created_by_ref=m.publisher.id,
            created=m.publisher.created,
            modified=m.publisher.created,
            name=e.name,
            description=e.description,
            schema=SCHEMA_URL + e.schema_file,
            version="1.0.0",
            extension_types=[e.extension_type],
        )
        for e in m.extensions
    ]


@lru_cache(maxsize=64)
def organisation(name: str) -> stix2.Identity:
    return stix2.Identity(
        id=stix_id("identity", "org", name),
        created=EPOCH,
        modified=EPOCH,
        name=name,
        identity_class="organization",
    )


def country(code: str, marking: str) -> stix2.Location:
    return stix2.Location(
        id=stix_id("location", "country", code),
        created=EPOCH,
        modified=EPOCH,
        name=code,
        country=code,
        object_marking_refs=[marking],
    )


def observable(selector_type: str, value: str, marking: str) -> Any:
    """The observable of one selector, with the narcwatch selector-type extension where its
    STIX type would be read back as another selector type."""
    m = mappings()
    w = m.selector(selector_type).stix
    props: dict[str, Any] = {w.property: value, **w.fixed}
    if w.object == "narcwatch-selector":
        props["selector_type"] = selector_type
    elif m.stix_reading(w.object, w.property, w.fixed) != selector_type:
        ext = m.extension("selector")
        props["extensions"] = {
            ext.id: {"extension_type": "property-extension", "selector_type": selector_type}
        }
    props["object_marking_refs"] = [marking]
    if w.object in NEW_SCOS:
        return NEW_SCOS[w.object](allow_custom=True, **props)
    return stix2.parse({"type": w.object, "spec_version": "2.1", **props}, allow_custom=True)


class Indicator(stix2.v21.Indicator):
    """stix2's Indicator less its per-object pattern parse (5 ms an indicator through the
    ANTLR grammar, 65% of an export's CPU, measured with cProfile): narcwatch writes every
    pattern from one template with quoted values (:func:`pattern`), and the tests parse
    each exported pattern through the grammar (``stix2.parse`` of whole bundles)."""

    def _check_object_constraints(self) -> None:
        stix2.base._STIXBase._check_object_constraints(self)


def pattern(selector_type: str, value: str) -> str:
    """The STIX pattern that matches the selector's observable."""
    w = mappings().selector(selector_type).stix
    terms = {**w.fixed, w.property: value}
    if w.object == "narcwatch-selector":
        terms["selector_type"] = selector_type
    return "[" + " AND ".join(f"{w.object}:{k} = '{_quote(v)}'" for k, v in terms.items()) + "]"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def shipped_schemas() -> list[str]:
    return sorted(p.name for p in (DATA / "stix").glob("*.json"))
