"""TAXII 2.1, read only: the incidents a caller may see as the exporter's STIX 2.1
objects (:func:`narcwatch.exchange.write`), in collections: ``incidents`` and one per
sharing group of the caller's organisation. Incidents are read through
:meth:`IncidentRepository.changed`, which takes the caller's Visibility, oldest first.

An object's ``date_added`` is the latest ``updated`` of the incidents holding it (a shared
observable is added again with each incident). Only current versions are kept: an object
has one, its ``modified``, else ``created``, else ``date_added``. Pages are in (date_added,
id) order; ``next`` resumes after the last object sent, and as objects only move later,
paging misses nothing added meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from narcwatch.errors import AccessError, NotFoundError, UsageError
from narcwatch.results.incident import Incident
from narcwatch.share.credentials import verify_password
from narcwatch.store.audit import Event

if TYPE_CHECKING:
    from narcwatch.jobs.share import Caller, ShareService

__all__ = ["MEDIA_STIX", "MEDIA_TAXII", "Query", "basic_caller", "collection",
           "collections", "format_time", "manifest", "object_versions", "objects",
           "parse_query", "parse_time"]  # fmt: skip

MEDIA_TAXII = "application/taxii+json;version=2.1"
MEDIA_STIX = "application/stix+json;version=2.1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000  # objects a page; a larger ``limit`` is lowered to this
BATCH = 500  # incidents turned into STIX at a time
_NAMESPACE = uuid.UUID("0b6f8b63-3a57-5b0e-9a57-6e6172637761")


@dataclass(frozen=True, slots=True)
class Collection:
    id: str
    alias: str
    title: str
    description: str
    group: str | None = None  # a sharing group's incidents only

    def info(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "description": self.description,
                "alias": self.alias, "can_read": True, "can_write": False,
                "media_types": [MEDIA_STIX]}  # fmt: skip


def collections(caller: Caller) -> list[Collection]:
    """``incidents``, then one collection per sharing group of the caller's organisation."""
    every = "Every incident your organisation may see, as STIX 2.1 reports and what they hold"
    found = [Collection(_uuid("incidents"), "incidents", "Incidents", every)]
    for group in sorted(caller.groups):
        about = f"The incidents shared with sharing group {group}"
        found.append(
            Collection(
                _uuid("group:" + group), f"group-{group}", f"Sharing group {group}", about, group
            )
        )
    return found


def _uuid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def collection(caller: Caller, ident: str) -> Collection:
    """A collection of the caller's by id or alias (404 otherwise)."""
    for found in collections(caller):
        if ident in (found.id, found.alias):
            return found
    raise NotFoundError(f"no collection {ident[:80]!r}")


@dataclass(frozen=True, slots=True)
class Query:
    added_after: datetime | None = None
    limit: int = DEFAULT_LIMIT
    after: tuple[datetime, str] | None = None  # ``next``: resume after this object
    ids: frozenset[str] | None = None
    types: frozenset[str] | None = None
    versions: frozenset[datetime] | None = None  # None: "last", "first" or "all"
    spec_versions: frozenset[str] | None = None


def parse_query(params: Mapping[str, str | None]) -> Query:
    """The TAXII filters (``added_after``, ``limit``, ``next``, ``match[...]``) of a
    request; a value that cannot be read is a UsageError (400)."""
    values: dict[str, Any] = {}
    if params.get("added_after"):
        values["added_after"] = _timestamp(str(params["added_after"]), "added_after")
    if params.get("limit"):
        raw = str(params["limit"])
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise UsageError(f"limit must be a positive integer, not {raw[:40]!r}")
        values["limit"] = min(int(raw), MAX_LIMIT)
    if params.get("next"):
        values["after"] = _decode_next(str(params["next"]))
    for name, key in (("ids", "match[id]"), ("types", "match[type]"),
                      ("spec_versions", "match[spec_version]")):  # fmt: skip
        if params.get(key):
            values[name] = frozenset(v.strip() for v in str(params[key]).split(",") if v.strip())
    asked = params.get("match[version]")
    if asked:
        wanted = {v.strip() for v in asked.split(",") if v.strip()}
        if not wanted & {"last", "first", "all"}:  # one version each: those three are it
            values["versions"] = frozenset(_timestamp(v, "match[version]") for v in wanted)
    return Query(**values)


@dataclass(order=True, slots=True)
class _Entry:
    date_added: datetime
    id: str
    version: str = field(compare=False)
    obj: dict[str, Any] = field(compare=False)

    def matches(self, q: Query) -> bool:
        return (
            (q.ids is None or self.id in q.ids)
            and (q.types is None or self.obj.get("type") in q.types)
            and (q.versions is None or parse_time(self.version) in q.versions)
            and (q.spec_versions is None or self.obj.get("spec_version", "2.1") in q.spec_versions)
        )


def objects(
    svc: ShareService, caller: Caller, ident: str, q: Query, object_id: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """An envelope of the collection's objects (one object's, with ``object_id``: 404
    when the caller may see no such object) and its X-TAXII-Date-Added headers;
    audited as an export."""
    coll = collection(caller, ident)
    if object_id is not None:
        q = _only(q, object_id)
    entries, more = _page(svc, caller, coll, q)
    if object_id is not None and not entries:
        raise NotFoundError(f"no object {object_id[:120]!r}")
    detail = {"token_id": caller.token_id, "collection": coll.alias, "count": len(entries)}
    action = "taxii.object" if object_id else "taxii.objects"
    svc.audit_only(Event(caller.email, caller.org, action, object_id or coll.id, detail))
    return _envelope("objects", [e.obj for e in entries], entries, more)


def manifest(
    svc: ShareService, caller: Caller, ident: str, q: Query
) -> tuple[dict[str, Any], dict[str, str]]:
    """What :func:`objects` would send, as (id, date_added, version, media_type)."""
    entries, more = _page(svc, caller, collection(caller, ident), q)
    items = [{"id": e.id, "date_added": format_time(e.date_added), "version": e.version,
              "media_type": MEDIA_STIX} for e in entries]  # fmt: skip
    return _envelope("objects", items, entries, more)


def object_versions(
    svc: ShareService, caller: Caller, ident: str, object_id: str, q: Query
) -> tuple[dict[str, Any], dict[str, str]]:
    """The versions of one object (one: the server keeps current versions); 404 when
    the caller may see no such object."""
    q = _only(replace(q, ids=None, types=None, versions=None), object_id)
    entries, more = _page(svc, caller, collection(caller, ident), q)
    if not entries:
        raise NotFoundError(f"no object {object_id[:120]!r}")
    return _envelope("versions", [e.version for e in entries], entries, more)


def basic_caller(svc: ShareService, email: str, password: str) -> Caller:
    """The caller an e-mail and password (HTTP Basic) authenticate, checked against
    the user's argon2 hash; a failure is audited like a failed login (401)."""
    if verify_password(svc.accounts.password_hash(email), password):
        found = svc.accounts.user_caller(email)
        if found is not None:
            return found
    svc.audit_only(Event(email[:320], None, "login.failed", email[:256], {"via": "taxii"}))
    raise AccessError("wrong e-mail or password", status=401)


def _page(
    svc: ShareService, caller: Caller, coll: Collection, q: Query
) -> tuple[list[_Entry], bool]:
    since = q.added_after
    if q.after is not None and (since is None or q.after[0] > since):
        since = q.after[0]
    found: dict[str, _Entry] = {}  # an object again in a later batch: sent with it
    for batch in _batches(svc, caller, coll, since):
        for entry in batch:
            if q.added_after is not None and entry.date_added <= q.added_after:
                continue
            if q.after is not None and (entry.date_added, entry.id) <= q.after:
                continue
            if entry.matches(q):
                found.pop(entry.id, None)
                found[entry.id] = entry
                if len(found) > q.limit:
                    return list(found.values())[: q.limit], True
    return list(found.values()), False


def _batches(
    svc: ShareService, caller: Caller, coll: Collection, since: datetime | None
) -> Iterator[list[_Entry]]:
    """The objects of the incidents changed at or after ``since``, ``BATCH`` incidents
    at a time. Of a batch that is not the last, objects dated at its last incident's
    time wait for the next batch (a later incident may hold them too); an object an
    incident of a later batch holds too comes again with it."""
    size = BATCH
    while True:
        rows = svc.incidents.changed(
            visibility=caller.visibility, since=since, group=coll.group, limit=size + 1
        )
        incidents = [r.incident for r in rows[:size]]
        if not incidents:
            return
        entries = sorted(_entries(incidents))
        if len(rows) <= size:
            yield entries
            return
        boundary = incidents[-1].updated
        if incidents[0].updated == boundary:  # a whole batch at one instant: read more
            size *= 2
            continue
        yield [e for e in entries if e.date_added < boundary]
        since = boundary


def _entries(incidents: list[Incident]) -> list[_Entry]:
    from narcwatch.exchange import write
    from narcwatch.kb.loader import default_kb

    kb = default_kb()
    added: dict[str, datetime] = {}
    for inc in incidents:  # which objects each incident holds, on its own
        own = write([inc], "stix", kb=kb)
        assert isinstance(own, dict)
        for obj in own["objects"]:
            if obj["id"] not in added or added[obj["id"]] < inc.updated:
                added[obj["id"]] = inc.updated
    bundle = write(incidents, "stix", kb=kb)  # together: shared objects marked as one
    assert isinstance(bundle, dict)
    found = []
    for obj in bundle["objects"]:
        when = added[obj["id"]]
        version = obj.get("modified") or obj.get("created") or format_time(when)
        found.append(_Entry(when, obj["id"], version, obj))
    return found


def _only(q: Query, object_id: str) -> Query:
    return replace(q, ids=frozenset({object_id} if q.ids is None or object_id in q.ids else ()))


def _envelope(
    name: str, items: list[Any], entries: list[_Entry], more: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """A page (``more``, ``next`` when more, the items) and its date headers."""
    found: dict[str, Any] = {"more": more, name: items}
    if more:
        found["next"] = _encode_next(entries[-1])
    if not entries:
        return found, {}
    first, last = min(e.date_added for e in entries), max(e.date_added for e in entries)
    return found, {"X-TAXII-Date-Added-First": format_time(first),
                   "X-TAXII-Date-Added-Last": format_time(last)}  # fmt: skip


def format_time(when: datetime) -> str:
    """A STIX/TAXII timestamp (UTC, microseconds, 'Z')."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime | None:
    """A STIX/TAXII timestamp as an aware UTC datetime, or None when it is not one."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _timestamp(text: str, name: str) -> datetime:
    when = parse_time(text) if len(text) <= 64 else None
    if when is None:
        example = "2026-01-31T12:00:00.000Z"
        raise UsageError(f"{name} must be a timestamp ({example}), not {text[:64]!r}")
    return when


def _encode_next(entry: _Entry) -> str:
    raw = json.dumps([format_time(entry.date_added), entry.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_next(token: str) -> tuple[datetime, str]:
    try:
        when, ident = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        parsed = parse_time(when) if isinstance(when, str) else None
        if parsed is None or not isinstance(ident, str):
            raise ValueError(token)
        return parsed, ident
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise UsageError(f"not a next token: {token[:60]!r}") from None
