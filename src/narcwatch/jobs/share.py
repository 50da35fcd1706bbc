"""Jobs of the sharing server: what ``narcwatch serve`` and ``narcwatch admin`` do.

One :class:`ShareService` per front door, over one open store::

    with ShareService.open(ctx) as share:
        caller = share.authenticate(token)                # AccessError(401) if bad
        written = share.create_incident(caller, draft)    # IncidentWrite, alerts raised
        page = share.list_incidents(caller, substance="cocaine", limit=20)

Every read passes the caller's :class:`Visibility` to the store (the one layer that
decides what is visible); the admin commands act as the local operator (``Caller``
None: sees everything, audited as ``cli``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from narcwatch.errors import AccessError, NotFoundError, UsageError
from narcwatch.jobs import share_exchange, share_messages
from narcwatch.jobs.context import Context
from narcwatch.results.incident import Incident, IncidentDraft, IncidentKind, IncidentVersion
from narcwatch.results.share import (
    AlertPage,
    AuditReport,
    CallerInfo,
    ImportReport,
    IncidentPage,
    IncidentPatch,
    IncidentWrite,
    Message,
    MessageDraft,
    Organisation,
    Role,
    SharingGroup,
    TokenInfo,
    TokenIssued,
    User,
    WebhookIssued,
    WebhookRun,
)
from narcwatch.share.audit import verify_chain
from narcwatch.share.correlate import COMMON_ORGS, correlate
from narcwatch.share.credentials import hash_password, hash_token, new_token, verify_password
from narcwatch.share.keys import (
    country_key,
    incident_keys,
    key,
    selector_key,
    substance_key,
)
from narcwatch.share.webhooks import Post, deliver
from narcwatch.store import Store
from narcwatch.store.accounts import AccountRepository, Caller
from narcwatch.store.alerts import AlertRepository
from narcwatch.store.audit import AuditRepository, Event, run_audited
from narcwatch.store.incidents import IncidentFilter, IncidentRepository
from narcwatch.store.messages import MessageRepository
from narcwatch.store.notify import AlertListener
from narcwatch.store.visibility import Visibility
from narcwatch.store.webhooks import WebhookRepository

__all__ = ["Caller", "ShareService"]

AUTH_CACHE_SECONDS = 2.0

_WRITERS = frozenset({Role.ADMIN.value, Role.ANALYST.value})
LOGIN_TOKEN_DAYS = 1


def _actor(caller: Caller | None) -> tuple[str, str | None]:
    return ("cli", None) if caller is None else (caller.email, caller.org)


def _vis(caller: Caller | None) -> Visibility:
    return Visibility() if caller is None else caller.visibility


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"i{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw[:1] != "i" or not raw[1:].isdigit():
            raise ValueError(raw)
        return int(raw[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise UsageError(f"not a cursor: {cursor[:40]!r}") from None


class ShareService:
    """The sharing server's jobs over one store (opened by :meth:`open`)."""

    def __init__(
        self,
        store: Store,
        *,
        common_orgs: int = COMMON_ORGS,
        auth_cache_seconds: float = AUTH_CACHE_SECONDS,
        home_org: str | None = None,
    ) -> None:
        self.store = store
        # The organisation whose findings the home holds (None: the only organisation,
        # when there is exactly one): its callers' Visibility says ``home``.
        self.home_org = home_org
        self.common_orgs = common_orgs
        # token SHA-256 -> (caller, until): see authenticate()
        self.auth_cache_seconds = auth_cache_seconds
        self._callers: dict[str, tuple[Caller, float]] = {}
        self.clock: Callable[[], float] = time.monotonic
        self.accounts = AccountRepository(store)
        self.incidents = IncidentRepository(store)
        self.alerts = AlertRepository(store)
        self.messages = MessageRepository(store)

    @classmethod
    def open(cls, ctx: Context, *, common_orgs: int = COMMON_ORGS) -> ShareService:
        """The service over ``ctx``'s store, whose home organisation is ``ctx.home_org``
        (``narcwatch serve`` checks it exists first: :meth:`check_home`)."""
        return cls(ctx.open_store(), common_orgs=common_orgs, home_org=ctx.home_org)

    def check_home(self) -> str | None:
        """The home organisation, checked: an unknown configured one is a UsageError
        naming it (and the organisations there are)."""
        return self.accounts.home_org(self.home_org)

    def home(self) -> str | None:
        """The home organisation now: the configured one, else the only organisation."""
        if self.home_org is not None:
            return self.home_org
        return self.accounts.home_org(None)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ShareService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def database(self) -> str:
        return self.store.engine.dialect.name

    # -- administration (narcwatch admin ...) -----------------------------------------
    def create_org(self, name: str, contact: str = "") -> Organisation:
        _name(name, "organisation")
        return self.accounts.add_org(name, contact, Event("cli", None, "org.create", name))

    def create_user(self, email: str, org: str, role: str, password: str) -> User:
        if "@" not in email or len(email) > 320:
            raise UsageError(f"not an e-mail address: {email!r}")
        if len(password) < 12:
            raise UsageError("the password must have at least 12 characters")
        try:
            valid = Role(role)
        except ValueError:
            raise UsageError(
                f"unknown role {role!r}", value=role, options=[r.value for r in Role]
            ) from None
        event = Event("cli", None, "user.create", email, {"org": org, "role": valid.value})
        return self.accounts.add_user(email, org, valid, hash_password(password), event)

    def create_token(self, email: str, *, expires_days: float | None = None) -> TokenIssued:
        return self._issue(email, expires_days, Event("cli", None, "token.create", email))

    def _issue(self, email: str, expires_days: float | None, event: Event) -> TokenIssued:
        if expires_days is not None and expires_days <= 0:
            raise UsageError("--expires-days must be positive")
        token = new_token()
        expires = None
        if expires_days is not None:
            expires = datetime.now(UTC) + timedelta(days=expires_days)
        event.detail = {**event.detail, "token_id": token.id}
        self.accounts.add_token(token.id, token.hash, email, expires, event)
        return TokenIssued(token=token.token, id=token.id, email=email, expires=expires)

    def revoke_token(self, token_id: str, caller: Caller | None = None) -> TokenInfo:
        actor, org = _actor(caller)
        info = self.accounts.revoke_token(token_id, Event(actor, org, "token.revoke", token_id))
        self._callers.clear()  # the cache is keyed by hash, not id: forget all
        return info

    def create_group(self, name: str, members: list[str]) -> SharingGroup:
        _name(name, "sharing group")
        if not members:
            raise UsageError("a sharing group needs at least one --org")
        event = Event("cli", None, "group.create", name, {"members": sorted(set(members))})
        return self.accounts.add_group(name, members, event)

    def organisations(self, caller: Caller | None = None) -> list[Organisation]:
        return self.accounts.organisations(visibility=_vis(caller))

    def users(self, caller: Caller | None = None) -> list[User]:
        return self.accounts.users(visibility=_vis(caller))

    def groups(self, caller: Caller | None = None) -> list[SharingGroup]:
        return self.accounts.groups(visibility=_vis(caller))

    def create_webhook(self, org: str, url: str) -> WebhookIssued:
        """A webhook POSTing ``org``'s alerts to ``url``; its secret is returned once."""
        if not url.startswith(("https://", "http://")):
            raise UsageError(f"a webhook URL must be http(s), not {url!r}")
        hook_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        event = Event("cli", None, "webhook.create", hook_id, {"org": org, "url": url})
        WebhookRepository(self.store).add(hook_id, org, url, secret, event)
        return WebhookIssued(id=hook_id, org=org, url=url, secret=secret)

    def deliver_webhooks(self, post: Post | None = None, now: datetime | None = None) -> WebhookRun:
        """Deliver every due webhook's pending alerts (one process at a time)."""
        with self.store.exclusive("webhooks"):
            return deliver(
                WebhookRepository(self.store),
                self.alerts,
                self.accounts.visibility_of,
                post or _post,
                now or datetime.now(UTC),
            )

    def verify_audit(self) -> AuditReport:
        return verify_chain(AuditRepository(self.store).entries())

    # -- who is calling -----------------------------------------------------------------
    def authenticate(self, token: str | None) -> Caller:
        """The caller a bearer token belongs to (AccessError 401 otherwise).

        A token's caller is remembered for ``auth_cache_seconds`` (default 2) in this
        process: the lookup (two queries) was most of a read's cost. A token revoked
        through this service is forgotten at once; revoked by another process, or a
        change of the organisation's sharing groups, takes effect within that delay.
        A token's own expiry is always checked."""
        if not token:
            raise AccessError("a valid, unexpired bearer token is required", status=401)
        known = self.remembered_caller(token)
        if known is not None:
            return known
        digest, now, wall = hash_token(token), self.clock(), datetime.now(UTC)
        caller = self.accounts.caller(digest, wall)
        if caller is None:
            self._callers.pop(digest, None)
            raise AccessError("a valid, unexpired bearer token is required", status=401)
        # Whether it may see the home's findings: decided here, once, for every read.
        caller = dataclasses.replace(caller, home=caller.org == self.home())
        if self.auth_cache_seconds > 0:
            if len(self._callers) >= 10_000:  # bounded: forget everyone, not grow
                self._callers.clear()
            self._callers[digest] = (caller, now + self.auth_cache_seconds)
        return caller

    def remembered_caller(self, token: str) -> Caller | None:
        """The caller :meth:`authenticate` remembers for ``token`` (None: it must look
        the token up). No I/O, so the server asks it on its event loop first."""
        hit = self._callers.get(hash_token(token))
        if hit is None or hit[1] <= self.clock():
            return None
        expires = hit[0].expires
        return hit[0] if expires is None or expires > datetime.now(UTC) else None

    def login(self, email: str, password: str) -> TokenIssued:
        """A token valid for a day, for a correct e-mail and password (audited either
        way; the password itself is never recorded)."""
        if not verify_password(self.accounts.password_hash(email), password):
            self.audit_only(Event(email[:320], None, "login.failed", email[:256]))
            raise AccessError("wrong e-mail or password", status=401)
        return self._issue(email, LOGIN_TOKEN_DAYS, Event(email, None, "login", email))

    def whoami(self, caller: Caller) -> CallerInfo:
        return CallerInfo(
            email=caller.email, org=caller.org, role=Role(caller.role), groups=sorted(caller.groups)
        )

    # -- incidents ----------------------------------------------------------------------
    def _check_write(self, caller: Caller, draft: IncidentDraft) -> None:
        if caller.role not in _WRITERS:
            raise AccessError(f"role {caller.role!r} may read but not write incidents")
        if draft.sharing_group is not None and draft.sharing_group not in caller.groups:
            # Not "forbidden": a group the caller is not in is one it cannot know of.
            raise NotFoundError(f"no sharing group {draft.sharing_group!r}")

    def create_incident(self, caller: Caller, draft: IncidentDraft) -> IncidentWrite:
        self._check_write(caller, draft)
        incident_id = "inc-" + secrets.token_hex(12)
        keys = incident_keys(draft)
        event = Event(caller.email, caller.org, "incident.create", incident_id,
                      {"token_id": caller.token_id, "tlp": draft.tlp.value})  # fmt: skip
        stored = self.incidents.add(incident_id, caller.org, draft, keys, event)
        found = correlate(self.alerts, incident_pk=stored.pk, org=caller.org,
                          tlp=draft.tlp.value, keys=keys, common_orgs=self.common_orgs)  # fmt: skip
        return IncidentWrite(
            incident=stored.incident,
            alerts_raised=found.alerts_raised,
            common_values=found.common_values,
        )

    def update_incident(
        self, caller: Caller, incident_id: str, patch: IncidentPatch
    ) -> IncidentWrite:
        if caller.role not in _WRITERS:
            raise AccessError(f"role {caller.role!r} may read but not write incidents")
        changes = patch.model_dump(exclude_unset=True)

        def change(draft: IncidentDraft) -> IncidentDraft:
            try:
                new = IncidentDraft.model_validate({**draft.model_dump(), **changes})
            except ValidationError as exc:
                raise UsageError(f"invalid incident: {exc.errors()[0]['msg']}") from None
            self._check_write(caller, new)
            return new

        event = Event(caller.email, caller.org, "incident.update", incident_id,
                      {"token_id": caller.token_id, "fields": sorted(changes)})  # fmt: skip
        stored = self.incidents.update(
            incident_id, change, incident_keys, event, visibility=caller.visibility
        )
        found = correlate(self.alerts, incident_pk=stored.pk, org=caller.org,
                          tlp=stored.incident.tlp.value, keys=incident_keys(stored.incident),
                          common_orgs=self.common_orgs)  # fmt: skip
        return IncidentWrite(
            incident=stored.incident,
            alerts_raised=found.alerts_raised,
            common_values=found.common_values,
        )

    # -- exchange formats (narcwatch.jobs.share_exchange) --------------------------------
    def export_incident(self, caller: Caller, incident_id: str, fmt: str) -> bytes:
        return share_exchange.export_incident(self, caller, incident_id, fmt)

    def export_incidents(self, caller: Caller, fmt: str, *, limit: int = 500,
                         **filters: Any) -> bytes:  # fmt: skip
        return share_exchange.export_incidents(self, caller, fmt, limit=limit, **filters)

    def import_incidents(self, caller: Caller, data: bytes, fmt: str = "auto") -> ImportReport:
        return share_exchange.import_incidents(self, caller, data, fmt)

    # -- messages (narcwatch.jobs.share_messages) ----------------------------------------
    def post_message(self, caller: Caller, incident_id: str, draft: MessageDraft) -> Message:
        return share_messages.post_message(self, caller, incident_id, draft)

    def ask_about_alert(self, caller: Caller, alert_id: int, draft: MessageDraft) -> Message:
        return share_messages.ask_about_alert(self, caller, alert_id, draft)

    def incident_messages(self, caller: Caller, incident_id: str) -> list[Message]:
        return share_messages.incident_messages(self, caller, incident_id)

    def alert_messages(self, caller: Caller, alert_id: int) -> list[Message]:
        return share_messages.alert_messages(self, caller, alert_id)

    def check_writer(self, caller: Caller) -> None:
        if caller.role not in _WRITERS:
            raise AccessError(f"role {caller.role!r} may read but not write")

    def audit_only(self, event: Event) -> None:
        """Append ``event`` alone to the audit log (reads worth recording: exports)."""
        run_audited(self.store, event, lambda session: None)

    def get_incident(self, caller: Caller | None, incident_id: str) -> Incident:
        return self.incidents.get(incident_id, visibility=_vis(caller)).incident

    def incident_versions(self, caller: Caller | None, incident_id: str) -> list[IncidentVersion]:
        """The incident's earlier versions the caller may see, oldest first (404 like
        :meth:`get_incident`)."""
        return self.incidents.versions(incident_id, visibility=_vis(caller))

    def list_incidents(
        self,
        caller: Caller | None,
        *,
        selector: str | None = None,
        substance: str | None = None,
        kind: str | None = None,
        country: str | None = None,
        since: datetime | None = None,
        document: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> IncidentPage:
        where = _filter(selector, substance, kind, country, since, document)
        before = decode_cursor(cursor) if cursor else None
        items, more = self.incidents.page(
            visibility=_vis(caller), where=where, limit=limit, before=before
        )
        return IncidentPage(
            items=[s.incident for s in items], next=encode_cursor(more) if more else None
        )

    def count_incidents(self, caller: Caller | None, **filters: Any) -> int:
        return self.incidents.count(visibility=_vis(caller), where=_filter(**filters))

    def watch_alerts(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (from another thread) whenever alerts are stored: by this
        process at once, and on PostgreSQL by any process (LISTEN/NOTIFY). Returns the
        function that stops watching. Alert streams wait on it between their looks."""
        unsubscribe = self.store.alert_signal.subscribe(callback)
        listener = AlertListener(self.store.engine, self.store.alert_signal)
        listener.start()

        def stop() -> None:
            unsubscribe()
            listener.stop()

        return stop

    def list_alerts(self, caller: Caller | None, *, after: int = 0, limit: int = 100) -> AlertPage:
        items = self.alerts.page(visibility=_vis(caller), after=after, limit=limit)
        return AlertPage(items=items, next=items[-1].id if len(items) == limit else None)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    import httpx

    try:
        return httpx.post(url, content=body, headers=headers, timeout=10).status_code
    except httpx.HTTPError as exc:
        raise OSError(str(exc)) from None


def _filter(
    selector: str | None = None,
    substance: str | None = None,
    kind: str | None = None,
    country: str | None = None,
    since: datetime | None = None,
    document: str | None = None,
) -> IncidentFilter:
    idents = []
    if document:
        if len(document) != 64 or any(c not in "0123456789abcdef" for c in document.lower()):
            raise UsageError("document must be a SHA-256 in hex (64 digits)")
        idents.append(key("document", document.lower()).ident)
    if selector:
        type_, sep, value = selector.partition(":")
        if not sep or not type_ or not value:
            raise UsageError(f"selector must be TYPE:VALUE (btc:bc1q...), not {selector!r}")
        idents.append(selector_key(type_, value).ident)
    if substance:
        idents.append(substance_key(substance).ident)
    if country:
        idents.append(country_key(country).ident)
    if kind is not None and kind not in {k.value for k in IncidentKind}:
        raise UsageError(f"unknown kind {kind!r}", value=kind, options=list(IncidentKind))
    if since is not None:  # stored in UTC (SQLite keeps no offset: compare like for like)
        since = (since.replace(tzinfo=UTC) if since.tzinfo is None else since).astimezone(UTC)
    return IncidentFilter(idents=tuple(idents), kind=kind, since=since)


def _name(name: str, what: str) -> None:
    if not name.strip() or len(name) > 128 or name != name.strip():
        raise UsageError(f"{what} name must be 1 to 128 characters, not padded: {name!r}")
