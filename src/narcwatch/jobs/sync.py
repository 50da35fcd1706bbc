"""Instance sync (issue 17): this server pulls what another narcwatch server shares with
it, over that server's TAXII 2.1 collection (:mod:`narcwatch.jobs.taxii`)::

    with ShareService.open(ctx) as share:
        summary = pull(share, "https://hub.example", "Hub", token=token)

The remote decides what leaves it: it serves the syncing account only what that
account's organisation may see there (RED of others and sharing groups it is not in
never leave). Here, each remote report is read by the STIX importer
(:func:`narcwatch.jobs.exchange.import_incidents`, the one STIX mapping) and stored as
an incident of the local organisation that stands for the remote (``org``), at the
remote's TLP and sharing group, never wider:

- RED is not pulled (it stays with the organisation that marked it); a local copy of
  an incident the remote has since made RED is narrowed to ``org`` alone.
- A sharing group is kept only where a group of that name exists here with ``org`` as
  a member; otherwise the report is refused and named (create the group, then pull
  again with ``full``). A local copy is then narrowed to ``org`` alone.
- An incident that is already here under its own id (this server's own, or pulled
  from another server) is not pulled again: two servers syncing both ways do not
  copy each other's copies back and forth.

Each incident keeps its remote id where it is free here, and its origin (remote,
report id, report ``modified``): a re-run creates nothing, a newer remote version
replaces the local copy (the version it replaces is kept; one edited here since the last
pull is a conflict, counted and named), and correlation alerts are raised as for a
created or updated incident. Pages are read in order with ``next``; after each page the
cursor (the TAXII ``added_after`` for the next run) is saved, so a run stopped anywhere
(Ctrl-C, a remote error) loses nothing and the next asks only for what is newer. Every
incident written and every run is in the audit log.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from narcwatch.errors import AccessError, NarcwatchError, UsageError
from narcwatch.jobs.exchange import import_incidents
from narcwatch.jobs.taxii import MEDIA_TAXII, format_time, parse_time
from narcwatch.results.incident import Incident, IncidentDraft, Tlp
from narcwatch.results.share import SyncSummary
from narcwatch.share.correlate import correlate
from narcwatch.share.keys import incident_keys
from narcwatch.store.audit import Event
from narcwatch.store.sync import Origin, SyncRepository

if TYPE_CHECKING:
    from narcwatch.jobs.share import ShareService

__all__ = ["DEFAULT_PAGE", "RemoteError", "pull", "remote_base"]

DEFAULT_PAGE = 500  # objects a TAXII page (the server's maximum is 1000)
_ID_CHUNK = 100  # ids a match[id] request
_CACHE = 100_000  # objects of earlier pages kept for the reports of later ones
_MAX_ERRORS = 50
_LOCAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$")
_TICK = timedelta(microseconds=1)


class RemoteError(NarcwatchError):
    """The remote server could not be reached or answered with an error."""


def remote_base(url: str) -> str:
    """The remote server's base URL as cursors and origins name it: ``https://hub`` for
    ``https://hub/``, ``https://hub/taxii2/`` or ``https://hub/taxii2``."""
    if not url.startswith(("http://", "https://")) or not urlsplit(url).hostname:
        raise UsageError(f"--from must be an http(s) URL of a narcwatch server, not {url!r}")
    base = url.rstrip("/")
    base = base.removesuffix("/taxii2")
    if len(base) > 512:
        raise UsageError("--from is longer than 512 characters")
    return base


def pull(
    svc: ShareService,
    remote: str,
    org: str,
    *,
    token: str | None = None,
    user: str | None = None,
    password: str | None = None,
    collection: str = "incidents",
    full: bool = False,
    page_size: int = DEFAULT_PAGE,
    client: httpx.Client | None = None,
    progress: Callable[[SyncSummary], None] | None = None,
) -> SyncSummary:
    """Pull ``remote``'s TAXII ``collection`` into this server as ``org``'s incidents.

    ``token`` (bearer) or ``user`` and ``password`` (HTTP Basic) authenticate at the
    remote. ``full``: read the collection from the start, not from the saved cursor.
    Raises when nothing could be done (bad arguments, the remote unreachable or refusing
    the credentials); a remote error after some pages ends the run with
    ``complete=False`` and the error named, what was pulled kept."""
    base = remote_base(remote)
    if (token is None) == (user is None):
        raise UsageError("give either a token or a user and password for the remote")
    if user is not None and not password:
        raise UsageError("a password is needed with --user")
    if not 1 <= page_size <= 1000:
        raise UsageError("--page-size must be between 1 and 1000")
    if not collection or len(collection) > 128:
        raise UsageError("--collection must be 1 to 128 characters")
    if org not in {o.name for o in svc.organisations()}:
        raise UsageError(
            f"no organisation {org!r} here: create the one that stands for the remote "
            f"(narcwatch admin create-org {org!r}) first"
        )
    repo = SyncRepository(svc.store)
    kept = repo.cursor(base, collection)
    if kept is not None and kept[0] != org:
        raise UsageError(
            f"{base} ({collection}) is pulled as organisation {kept[0]!r}, not {org!r}"
        )
    summary = SyncSummary(remote=base, collection=collection, org=org)
    summary.added_after = None if full or kept is None else kept[1]
    run = _Run(svc, repo, summary, org)
    http = client or httpx.Client(timeout=60, follow_redirects=False)
    headers = {"Accept": MEDIA_TAXII}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    auth = httpx.BasicAuth(user, password or "") if user is not None else None
    remote_http = _Remote(http, headers, auth)
    failure: BaseException | None = None
    try:
        objects_url = _objects_url(remote_http, base, collection)
        run.pages(remote_http, objects_url, page_size, progress)
    except BaseException as exc:  # Ctrl-C too: recorded, then raised
        failure = exc
        if summary.pages == 0 or not isinstance(exc, NarcwatchError):
            raise
        summary.complete = False
        summary.errors.insert(0, str(exc))
    finally:
        if client is None:
            http.close()
        _audit_run(svc, summary, failure)
    return summary


class _Remote:
    """GETs to the remote, its errors named (HTTP status, URL, TAXII error title)."""

    def __init__(
        self, http: httpx.Client, headers: dict[str, str], auth: httpx.Auth | None
    ) -> None:
        self.http, self.headers, self.auth = http, headers, auth

    def get(self, url: str, params: dict[str, str] | None = None) -> tuple[Any, httpx.Headers]:
        try:
            response = self.http.get(url, params=params, headers=self.headers, auth=self.auth)
        except httpx.HTTPError as exc:
            raise RemoteError(f"cannot reach {url}: {exc}") from None
        if response.status_code >= 400:
            what = _taxii_error(response)
            message = f"{url} answered HTTP {response.status_code}{what}"
            if response.status_code in (401, 403):
                raise AccessError(
                    message + " (check the token, or the user and password, for that server)",
                    status=response.status_code,
                )
            raise RemoteError(message)
        try:
            return response.json(), response.headers
        except ValueError:
            raise RemoteError(f"{url} answered HTTP {response.status_code}, not JSON") from None


def _taxii_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    title = str(body.get("title") or body.get("detail") or "")[:200]
    description = str(body.get("description") or "")[:300]
    return "".join([f": {title}" if title else "", f" ({description})" if description else ""])


def _objects_url(remote: _Remote, base: str, collection: str) -> str:
    """The collection's objects URL, from the remote's TAXII discovery (its default API
    root must be on the same server: the credentials go nowhere else)."""
    found, _ = remote.get(base + "/taxii2/")
    root = found.get("default") if isinstance(found, dict) else None
    if not isinstance(root, str) or not root:
        roots = found.get("api_roots") if isinstance(found, dict) else None
        root = roots[0] if isinstance(roots, list) and roots else base + "/taxii2/api/"
    assert isinstance(root, str)
    here, there = urlsplit(base), urlsplit(root)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc):
        raise RemoteError(f"{base}'s TAXII API root is on another server ({root}): not followed")
    return root.rstrip("/") + f"/collections/{collection}/objects/"


class _Run:
    def __init__(
        self, svc: ShareService, repo: SyncRepository, summary: SyncSummary, org: str
    ) -> None:
        self.svc, self.repo, self.summary, self.org = svc, repo, summary, org
        self.groups = svc.accounts.visibility_of(org).groups
        self.cache: dict[str, dict[str, Any]] = {}  # objects seen in this run, by id

    def pages(
        self,
        remote: _Remote,
        url: str,
        page_size: int,
        progress: Callable[[SyncSummary], None] | None,
    ) -> None:
        s = self.summary
        params: dict[str, str] = {"limit": str(page_size)}
        if s.added_after is not None:
            params["added_after"] = format_time(s.added_after)
        while True:
            envelope, headers = remote.get(url, params)
            if not isinstance(envelope, dict):
                raise RemoteError(f"{url} sent no TAXII envelope")
            objects = [o for o in envelope.get("objects") or [] if _is_object(o)]
            if len(self.cache) > _CACHE:  # bounded: what a later report needs is asked for
                self.cache.clear()
            for obj in objects:
                self.cache[obj["id"]] = obj
            for report in [o for o in objects if o.get("type") in ("report", "grouping")]:
                self.take(remote, url, report)
            s.pages += 1
            s.objects += len(objects)
            more = bool(envelope.get("more")) and bool(envelope.get("next"))
            last = parse_time(headers.get("X-TAXII-Date-Added-Last", ""))
            if last is not None:
                # More to come: objects added at ``last`` may be on the next page too.
                after = last - _TICK if more else last
                if s.added_after is None or after > s.added_after:
                    s.added_after = after
                    self.repo.set_cursor(s.remote, s.collection, self.org, after)
            elif not more:
                self.repo.set_cursor(s.remote, s.collection, self.org, s.added_after)
            if progress is not None:
                progress(s)
            if not more:
                return
            params = {"limit": str(page_size), "next": str(envelope["next"])}

    def bundle(self, remote: _Remote, url: str, report: dict[str, Any]) -> dict[str, Any]:
        """The report and the objects it refers to (those not seen yet in this run are
        asked for by id: a page may end between a report and its observables)."""
        wanted: dict[str, None] = {}
        frontier = _refs(report)
        for _ in range(3):  # report -> observed data -> observables
            missing = [r for r in frontier if r not in self.cache and r not in wanted]
            for start in range(0, len(missing), _ID_CHUNK):
                self.fetch(remote, url, missing[start : start + _ID_CHUNK])
            wanted.update(dict.fromkeys(frontier))
            frontier = [
                r for ref in frontier if ref in self.cache for r in _refs(self.cache[ref])
                if r not in wanted
            ]  # fmt: skip
            if not frontier:
                break
        objects = [report] + [
            self.cache[r] for r in wanted if r in self.cache and r != report["id"]
        ]
        return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}

    def fetch(self, remote: _Remote, url: str, ids: list[str]) -> None:
        params = {"match[id]": ",".join(ids), "limit": "1000"}
        while True:
            envelope, _ = remote.get(url, params)
            for obj in envelope.get("objects") or [] if isinstance(envelope, dict) else []:
                if _is_object(obj):
                    self.cache[obj["id"]] = obj
            if not (isinstance(envelope, dict) and envelope.get("more") and envelope.get("next")):
                return
            params = {**params, "next": str(envelope["next"])}

    def error(self, message: str) -> None:
        if len(self.summary.errors) < _MAX_ERRORS:
            self.summary.errors.append(message)

    def refuse(self, rid: str, reason: str) -> None:
        self.summary.refused += 1
        self.error(f"{rid}: {reason}")

    def take(self, remote: _Remote, url: str, report: dict[str, Any]) -> None:
        rid = str(report["id"])[:256]
        modified = parse_time(str(report.get("modified") or report.get("created") or ""))
        if modified is None:
            self.refuse(rid, "no modified or created time")
            return
        found, problems = import_incidents(
            self.bundle(remote, url, report), "stix", source=f"{self.summary.remote} {rid}"
        )
        if not found:
            reason = str(problems[0]) if problems else "not read as an incident"
            self.refuse(rid, reason)
            return
        for problem in problems[:5]:  # read, but some of it was not: say what
            self.error(str(problem))
        incident = found[0]
        remote_id = incident.id if isinstance(incident, Incident) else None
        remote_org = incident.org if isinstance(incident, Incident) else ""
        draft = IncidentDraft.model_validate(
            incident.model_dump(include=set(IncidentDraft.model_fields))
        )
        origin = Origin(self.summary.remote, rid, remote_org[:128], modified)
        known = self.repo.origin(self.summary.remote, rid)
        refusal = self.refusal(draft)
        if refusal is not None:
            if known is None:
                self.refuse(rid, refusal)
                return
            # A copy here may be wider than the remote now is: narrow it to ``org``.
            tlp = Tlp.RED if draft.tlp == Tlp.RED else Tlp.AMBER_STRICT
            draft = draft.model_copy(update={"tlp": tlp, "sharing_group": None})
            self.error(
                f"{rid}: {refusal}; the copy here ({known.incident_id}) is now visible to "
                f"{self.org!r} only"
            )
        if known is not None:
            if modified <= known.remote_modified and refusal is None:
                self.summary.unchanged += 1
                return
            if known.edited_here:
                self.summary.conflicts += 1
                self.error(
                    f"{rid}: {known.incident_id} was edited here and on the remote: the "
                    "remote's version is current, the edit here is kept as its latest "
                    f"earlier version (GET /api/v1/incidents/{known.incident_id}/versions)"
                )
            self.write(known.incident_id, draft, origin, replace=True, conflict=known.edited_here)
            return
        local_id = remote_id if remote_id and _LOCAL_ID.match(remote_id) else None
        if local_id is not None and self.repo.incident_exists(local_id):
            self.refuse(
                rid,
                f"incident {local_id} is already on this server (its own, or pulled from "
                "another server): not pulled again",
            )
            return
        self.write(local_id or "inc-" + secrets.token_hex(12), draft, origin, replace=False)

    def refusal(self, draft: IncidentDraft) -> str | None:
        if draft.tlp == Tlp.RED:
            return "TLP:RED is not pulled (it stays with the organisation that marked it)"
        if draft.sharing_group is not None and draft.sharing_group not in self.groups:
            return (
                f"sharing group {draft.sharing_group!r} does not exist here with "
                f"{self.org!r} as a member (create it, then pull again with --full)"
            )
        return None

    def write(
        self, incident_id: str, draft: IncidentDraft, origin: Origin, *, replace: bool,
        conflict: bool = False,
    ) -> None:  # fmt: skip
        keys = incident_keys(draft)
        detail = {
            "remote": origin.remote,
            "remote_id": origin.remote_id,
            "remote_modified": format_time(origin.remote_modified),
            "tlp": draft.tlp.value,
        }
        action = "incident.sync_update" if replace else "incident.sync_create"
        event = Event("cli", self.org, action, incident_id, detail)
        if replace:
            stored = self.repo.replace(
                incident_id, self.org, draft, keys, origin, event, conflict=conflict
            )
            self.summary.updated += 1
        else:
            stored = self.repo.add(incident_id, self.org, draft, keys, origin, event)
            self.summary.created += 1
        found = correlate(
            self.svc.alerts,
            incident_pk=stored.pk,
            org=self.org,
            tlp=draft.tlp.value,
            keys=keys,
            common_orgs=self.svc.common_orgs,
        )
        self.summary.alerts_raised += found.alerts_raised
        if len(self.summary.incidents) < 1000:
            self.summary.incidents.append(incident_id)


def _audit_run(svc: ShareService, summary: SyncSummary, failure: BaseException | None) -> None:
    detail: dict[str, Any] = summary.model_dump(
        mode="json", include={"collection", "pages", "objects", "created", "updated",
                              "unchanged", "refused", "conflicts", "alerts_raised",
                              "added_after", "complete"},
    )  # fmt: skip
    if failure is not None:
        detail["complete"] = False
        detail["error"] = (str(failure) or type(failure).__name__)[:500]
    svc.audit_only(Event("cli", summary.org, "sync.pull", summary.remote[:256], detail))


def _refs(obj: dict[str, Any]) -> list[str]:
    found = [r for r in obj.get("object_refs") or [] if isinstance(r, str)]
    found += [r for r in obj.get("object_marking_refs") or [] if isinstance(r, str)]
    if isinstance(obj.get("created_by_ref"), str):
        found.append(obj["created_by_ref"])
    return list(dict.fromkeys(found))


def _is_object(obj: object) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("id"), str) and "--" in obj["id"]
