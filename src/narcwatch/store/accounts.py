"""Organisations, users, API tokens and sharing groups of the sharing server.

Secrets arrive here already hashed (:mod:`narcwatch.share.secrets` hashes them): the
store never sees a password or a token. Every write is audited (:func:`run_audited`).
Reads that name other organisations' members take a :class:`Visibility` like every
other read; the admin commands pass ``Visibility()`` (everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from narcwatch.errors import ConflictError, NotFoundError, UsageError
from narcwatch.results.share import Organisation, Role, SharingGroup, TokenInfo, User
from narcwatch.store.audit import Event, run_audited, utc
from narcwatch.store.share_tables import (
    GroupMemberRow,
    OrganisationRow,
    SharingGroupRow,
    TokenRow,
    UserRow,
)
from narcwatch.store.visibility import Visibility

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from narcwatch.store import Store

__all__ = ["AccountRepository", "Caller"]


@dataclass(frozen=True, slots=True)
class Caller:
    """Whom a valid token belongs to."""

    token_id: str
    email: str
    org: str
    role: str
    groups: frozenset[str]
    expires: datetime | None = None  # the token's
    home: bool = False  # of the home organisation (ShareService.authenticate decides)

    @property
    def visibility(self) -> Visibility:
        return Visibility(organisation=self.org, role=self.role, groups=self.groups,
                          home=self.home)  # fmt: skip


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(name=row.name, contact=row.contact, created=utc(row.created))


class AccountRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writes (audited) -------------------------------------------------------------
    def add_org(self, name: str, contact: str, event: Event) -> Organisation:
        now = datetime.now(UTC)

        def body(session: Session) -> None:
            if session.get(OrganisationRow, name) is not None:
                raise ConflictError(f"organisation {name!r} exists already")
            session.add(OrganisationRow(name=name, contact=contact, created=now))

        self._write(event, body, f"organisation {name!r}")
        return Organisation(name=name, contact=contact, created=now)

    def add_user(self, email: str, org: str, role: Role, password_hash: str, event: Event) -> User:
        now = datetime.now(UTC)

        def body(session: Session) -> None:
            if session.get(OrganisationRow, org) is None:
                raise NotFoundError(f"no organisation {org!r}")
            if session.get(UserRow, email) is not None:
                raise ConflictError(f"user {email!r} exists already")
            session.add(
                UserRow(email=email, org=org, role=role.value, password_hash=password_hash,
                        created=now)
            )  # fmt: skip

        self._write(event, body, f"user {email!r}")
        return User(email=email, org=org, role=role, created=now)

    def add_token(
        self, token_id: str, token_hash: str, email: str, expires: datetime | None, event: Event
    ) -> None:
        now = datetime.now(UTC)

        def body(session: Session) -> None:
            if session.get(UserRow, email) is None:
                raise NotFoundError(f"no user {email!r}")
            session.add(
                TokenRow(id=token_id, token_hash=token_hash, email=email, created=now,
                         expires=expires, revoked=None)
            )  # fmt: skip

        self._write(event, body, "token")

    def revoke_token(self, token_id: str, event: Event) -> TokenInfo:
        now = datetime.now(UTC)

        def body(session: Session) -> TokenInfo:
            row = session.get(TokenRow, token_id)
            if row is None:
                raise NotFoundError(f"no token {token_id!r}")
            if row.revoked is None:
                row.revoked = now
            return TokenInfo(
                id=row.id,
                email=row.email,
                expires=utc(row.expires) if row.expires else None,
                revoked=utc(row.revoked),
            )

        result = self._write(event, body, f"token {token_id!r}")
        assert isinstance(result, TokenInfo)
        return result

    def add_group(self, name: str, members: list[str], event: Event) -> SharingGroup:
        now = datetime.now(UTC)
        members = sorted(set(members))

        def body(session: Session) -> None:
            if session.get(SharingGroupRow, name) is not None:
                raise ConflictError(f"sharing group {name!r} exists already")
            for org in members:
                if session.get(OrganisationRow, org) is None:
                    raise NotFoundError(f"no organisation {org!r}")
            session.add(SharingGroupRow(name=name, created=now))
            session.flush()
            session.add_all(GroupMemberRow(group=name, org=org) for org in members)

        self._write(event, body, f"sharing group {name!r}")
        return SharingGroup(name=name, members=members)

    def _write(self, event: Event, body: object, what: str) -> object:
        try:
            return run_audited(self.store, event, body)
        except IntegrityError:
            # Another process created the same name between our check and our insert.
            raise ConflictError(f"{what} exists already") from None

    # -- reads ------------------------------------------------------------------------
    def password_hash(self, email: str) -> str | None:
        """The stored argon2 hash of ``email`` (None: no such user)."""
        with self.store.session() as session:
            row = session.get(UserRow, email)
            return row.password_hash if row else None

    def caller(self, token_hash: str, now: datetime) -> Caller | None:
        """The user a token belongs to; None when unknown, revoked or expired."""
        with self.store.session() as session:
            found = session.execute(
                select(TokenRow.id, TokenRow.expires, TokenRow.revoked, UserRow)
                .join(UserRow, UserRow.email == TokenRow.email)
                .where(TokenRow.token_hash == token_hash)
            ).first()
            if found is None:
                return None
            token_id, expires, revoked, user = found
            if revoked is not None or (expires is not None and utc(expires) <= now):
                return None
            groups = frozenset(
                session.scalars(select(GroupMemberRow.group).where(GroupMemberRow.org == user.org))
            )
            return Caller(token_id, user.email, user.org, user.role, groups,
                          utc(expires) if expires else None)  # fmt: skip

    def user_caller(self, email: str) -> Caller | None:
        """The caller a user is when it authenticates with its password (HTTP Basic on
        the TAXII endpoints): no token (``token_id`` "basic"); None: no such user."""
        with self.store.session() as session:
            user = session.get(UserRow, email)
            if user is None:
                return None
            groups = frozenset(
                session.scalars(select(GroupMemberRow.group).where(GroupMemberRow.org == user.org))
            )
            return Caller("basic", user.email, user.org, user.role, groups)

    def organisations(self, *, visibility: Visibility) -> list[Organisation]:
        """Every organisation on the server (their names and contacts are what other
        organisations need to ask about a match: all callers see them)."""
        del visibility  # the directory of members is public to members
        with self.store.session() as session:
            return [_org(r) for r in session.scalars(select(OrganisationRow).order_by("name"))]

    def home_org(self, configured: str | None) -> str | None:
        """The home organisation: ``configured`` (a UsageError naming it and listing the
        organisations there are, when there is none of that name), else the only
        organisation when there is exactly one, else None (nobody sees the findings)."""
        query = select(OrganisationRow.name).order_by(OrganisationRow.name)
        with self.store.session() as session:
            names = list(session.scalars(query if configured is not None else query.limit(2)))
        if configured is not None:
            if configured not in names:
                raise UsageError(
                    f"unknown home organisation {configured!r} (--home-org, "
                    "NARCWATCH_HOME_ORG or [server] home_org): no organisation of that name; "
                    "make it with `narcwatch admin create-org`",
                    value=configured,
                    options=names,
                )
            return configured
        return names[0] if len(names) == 1 else None

    def contacts(self, orgs: set[str]) -> dict[str, str]:
        with self.store.session() as session:
            rows = session.execute(
                select(OrganisationRow.name, OrganisationRow.contact).where(
                    OrganisationRow.name.in_(orgs)
                )
            )
            return {name: contact for name, contact in rows}

    def users(self, *, visibility: Visibility) -> list[User]:
        """Users of the caller's organisation (all of them for ``Visibility()``)."""
        query = select(UserRow).order_by(UserRow.email)
        if visibility.organisation is not None:
            query = query.where(UserRow.org == visibility.organisation)
        with self.store.session() as session:
            return [
                User(email=r.email, org=r.org, role=Role(r.role), created=utc(r.created))
                for r in session.scalars(query)
            ]

    def groups(self, *, visibility: Visibility) -> list[SharingGroup]:
        """Sharing groups the caller's organisation belongs to (all for ``Visibility()``)."""
        with self.store.session() as session:
            rows = session.execute(select(GroupMemberRow.group, GroupMemberRow.org)).all()
        members: dict[str, list[str]] = {}
        for group, org in rows:
            members.setdefault(group, []).append(org)
        return [
            SharingGroup(name=name, members=sorted(orgs))
            for name, orgs in sorted(members.items())
            if visibility.organisation is None or visibility.organisation in orgs
        ]

    def visibility_of(self, org: str) -> Visibility:
        """What organisation ``org`` may see (its sharing groups), for work done on its
        behalf without a request (webhook deliveries)."""
        with self.store.session() as session:
            groups = session.scalars(select(GroupMemberRow.group).where(GroupMemberRow.org == org))
            return Visibility(organisation=org, groups=frozenset(groups))

    def group_members(self, name: str) -> set[str] | None:
        """Member organisations of group ``name`` (None: no such group)."""
        with self.store.session() as session:
            if session.get(SharingGroupRow, name) is None:
                return None
            return set(
                session.scalars(select(GroupMemberRow.org).where(GroupMemberRow.group == name))
            )
