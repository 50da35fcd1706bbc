"""Checks of an exported STIX bundle without the OASIS validator.

stix2-validator is not a dependency: it requires ``jsonschema[format-nongpl]``, whose
``rfc3987-syntax`` compiles lark grammars whenever jsonschema is imported (3.4 s per
process, measured with ``python -X importtime``), in every narcwatch process. Where it is
installed, :func:`validate` runs it too. Without it, a bundle must still:

- parse with the stix2 library without custom content (types, required properties, id
  formats, timestamps, vocabularies it enforces, indicator patterns through the STIX
  pattern grammar, extensions only through declared extension definitions);
- be self-contained: every reference resolves to an object of the bundle;
- carry the extension-definition of every extension its objects use;
- hold narcwatch extension data and observables valid under the JSON Schemas shipped in
  ``narcwatch/exchange/data/stix/``.
"""

from __future__ import annotations

import jsonschema
import stix2

from narcwatch.exchange.mapping import extension_schema, mappings
from narcwatch.exchange.stix_objects import TLP2_EXTENSION

# With the OASIS validator: {103} ids are UUIDv5 (deterministic, so a second export updates
# the same objects) where it expects v4; {244} account_type "telegram", "signal"... are
# outside the open account-type vocabulary (it has no messengers).
ALLOWED_WARNINGS = ("{103}", "{244}")


def _refs(obj: dict) -> list[str]:
    out = []
    for key, value in obj.items():
        if key.endswith("_ref") and isinstance(value, str):
            out.append(value)
        elif key.endswith("_refs") and isinstance(value, list):
            out += value
    return out


def validate(bundle: dict) -> None:
    stix2.parse(bundle, allow_custom=False)
    ids = {o["id"] for o in bundle["objects"]}
    assert len(ids) == len(bundle["objects"]), "an object is in the bundle twice"
    m = mappings()
    by_id = {e.id: e for e in m.extensions}
    for obj in bundle["objects"]:
        assert obj["id"].split("--")[0] == obj["type"]
        missing = [r for r in _refs(obj) if r not in ids]
        assert missing == [], f"{obj['id']} refers outside the bundle: {missing}"
        for ext_id, data in (obj.get("extensions") or {}).items():
            if ext_id == TLP2_EXTENSION:
                continue
            assert ext_id in ids, f"{obj['id']}: no extension-definition {ext_id} in the bundle"
            schema = extension_schema(by_id[ext_id].schema_file)
            body = obj if data["extension_type"] == "new-sco" else data
            jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    try:
        from stix2validator import ValidationOptions, validate_instance
    except ImportError:
        return
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    warnings = [str(w).split(": ", 1)[1] for w in result.warnings]
    assert [w for w in warnings if not w.startswith(ALLOWED_WARNINGS)] == []
