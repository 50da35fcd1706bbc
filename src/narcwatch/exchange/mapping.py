"""The exchange mappings (``exchange/data/mappings.yaml``): their schema, loader and lookups.

Knowledge is data: which STIX observable or MISP attribute a selector type becomes, which
marking or tag a TLP level is, which label an incident kind is, all live in the YAML file,
each entry with its sources. This module only validates and indexes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from narcwatch.errors import KnowledgeBaseError

DATA = Path(__file__).parent / "data"
MAPPINGS = DATA / "mappings.yaml"
GENERIC = "*"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Entry):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: str
    publisher: str
    year: int | None = None
    url: str | None = None


class Publisher(_Entry):
    id: str = Field(pattern=r"^identity--[0-9a-f-]{36}$")
    name: str
    created: str
    sources: list[str] = Field(min_length=1)


class Extension(_Entry):
    key: str
    id: str = Field(pattern=r"^extension-definition--[0-9a-f-]{36}$")
    name: str
    extension_type: Literal["property-extension", "new-sco"]
    object: str | None = None
    id_contributing: list[str] = Field(default_factory=list)
    schema_file: str = Field(alias="schema")
    description: str
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _new_sco_names_its_object(self) -> Extension:
        if (self.extension_type == "new-sco") != bool(self.object and self.id_contributing):
            raise ValueError("a new-sco extension names its object and id_contributing (only it)")
        return self


class TlpEntry(_Entry):
    level: Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
    stix_marking: str = Field(pattern=r"^marking-definition--[0-9a-f-]{36}$")
    stix_name: str
    tlp_2_0: str
    stix_aliases: list[str] = Field(default_factory=list)
    misp_tag: str = Field(pattern=r"^tlp:")
    misp_aliases: list[str] = Field(default_factory=list)
    misp_distribution: int = Field(ge=0, le=3)
    sources: list[str] = Field(min_length=1)


class KindEntry(_Entry):
    kind: str
    stix_label: str = Field(pattern=r"^[a-z0-9-]+$")
    misp_tag: str = Field(pattern=r'^narcwatch:kind="[a-z_]+"$')
    sources: list[str] = Field(min_length=1)


class StatusEntry(_Entry):
    status: Literal["draft", "open", "closed"]
    misp_analysis: int = Field(ge=0, le=2)
    sources: list[str] = Field(min_length=1)


class StixWriting(_Entry):
    object: str
    property: str
    fixed: dict[str, str] = Field(default_factory=dict)


class MispWriting(_Entry):
    type: str
    category: str
    object: str | None = None
    relation: str | None = None
    fixed: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _object_and_relation(self) -> MispWriting:
        if (self.object is None) != (self.relation is None):
            raise ValueError("object and relation go together")
        if self.fixed and self.object is None:
            raise ValueError("fixed attributes need an object")
        return self


class SelectorEntry(_Entry):
    type: str
    check: str | None
    stix: StixWriting
    misp: MispWriting
    sources: list[str] = Field(min_length=1)


class Mappings(_Entry):
    sources: list[Source]
    publisher: Publisher
    extensions: list[Extension]
    tlp: list[TlpEntry]
    kinds: list[KindEntry]
    statuses: list[StatusEntry]
    selectors: list[SelectorEntry]

    @model_validator(mode="after")
    def _references(self) -> Mappings:
        known = {s.id for s in self.sources}
        groups: list[tuple[str, Any]] = [("publisher", [self.publisher])]
        groups += [("extensions", self.extensions), ("tlp", self.tlp), ("kinds", self.kinds)]
        groups.append(("statuses", self.statuses))
        groups.append(("selectors", self.selectors))
        for name, entries in groups:
            for entry in entries:
                missing = set(entry.sources) - known
                if missing:
                    raise ValueError(f"{name}: unknown sources {sorted(missing)}")
        types = [s.type for s in self.selectors]
        if len(types) != len(set(types)) or types[-1] != GENERIC:
            raise ValueError("selectors: each type once, and last a '*' entry for the others")
        return self

    # -- lookups ------------------------------------------------------------------------

    def extension(self, key: str) -> Extension:
        return next(e for e in self.extensions if e.key == key)

    def tlp_of(self, level: str) -> TlpEntry:
        return next(t for t in self.tlp if t.level == level)

    def selector(self, selector_type: str) -> SelectorEntry:
        found = [s for s in self.selectors if s.type in (selector_type, GENERIC)]
        return found[0]  # the type's own entry comes before the '*' one (the file ends with it)

    def stix_reading(self, obj: str, prop: str, values: Mapping[str, Any]) -> str | None:
        """The selector type an observable ``obj`` whose ``prop`` holds the value reads as
        (``values``: its other properties), by the rule in the YAML file's header."""
        return _pick(self._stix_entries(obj, prop), lambda s: s.stix.fixed, values)

    def stix_candidates(self, obj: str, prop: str) -> list[str]:
        """Every selector type written as ``obj``'s ``prop``."""
        return [s.type for s in self._stix_entries(obj, prop)]

    def _stix_entries(self, obj: str, prop: str) -> list[SelectorEntry]:
        return [s for s in self.selectors if (s.stix.object, s.stix.property) == (obj, prop)]

    def misp_reading(
        self, attr_type: str, obj: str | None, relation: str | None, values: Mapping[str, Any]
    ) -> str | None:
        """The selector type of a MISP attribute (in object ``obj`` as ``relation``, the
        object's other attributes in ``values``) without a narcwatch:selector-type tag."""
        entries = self._misp_entries(attr_type, obj, relation)
        return _pick(entries, lambda s: s.misp.fixed, values)

    def misp_candidates(self, attr_type: str, obj: str | None, relation: str | None) -> list[str]:
        """Every selector type a MISP attribute so written may be."""
        return [s.type for s in self._misp_entries(attr_type, obj, relation)]

    def _misp_entries(
        self, attr_type: str, obj: str | None, relation: str | None
    ) -> list[SelectorEntry]:
        same = [s for s in self.selectors if s.misp.type == attr_type and s.type != GENERIC]
        exact = [s for s in same if (s.misp.object, s.misp.relation) == (obj, relation)]
        if not exact and attr_type != "text":
            exact = same  # written elsewhere than narcwatch writes it, same MISP type
        if obj is None:
            exact = [s for s in exact if s.misp.type != "text"]  # free text, not a selector
        return exact


def _pick(candidates: list[SelectorEntry], fixed: Any, values: Mapping[str, Any]) -> str | None:
    for s in candidates:
        if fixed(s) and all(
            str(values.get(k, "")).lower() == v.lower() for k, v in fixed(s).items()
        ):
            return s.type
    for s in candidates:
        if not fixed(s):
            return s.type
    return candidates[0].type if candidates else None


@lru_cache(maxsize=1)
def mappings(path: Path = MAPPINGS) -> Mappings:
    """The mappings file, validated (a :class:`KnowledgeBaseError` names what is wrong)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Mappings.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(str(path), f"cannot read: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise KnowledgeBaseError(str(path), err["msg"], field=where) from exc


@lru_cache(maxsize=8)
def extension_schema(name: str) -> dict[str, Any]:
    """A shipped JSON Schema of a narcwatch STIX extension (``data/stix/<name>``)."""
    schema: dict[str, Any] = json.loads((DATA / "stix" / name).read_text(encoding="utf-8"))
    return schema
