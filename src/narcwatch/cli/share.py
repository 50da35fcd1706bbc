"""``narcwatch serve``, ``narcwatch admin ...`` and ``narcwatch audit verify``: the
sharing server, its bootstrap and its audit log.

Thin: parse, build a :class:`~narcwatch.jobs.context.Context` (the same home and
database as the server), call :class:`~narcwatch.jobs.share.ShareService`, render.
FastAPI and uvicorn are imported only when ``serve`` runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.link import context, render
from narcwatch.cli.options import CONFIG, DB, HOME
from narcwatch.errors import UsageError

if TYPE_CHECKING:
    from narcwatch.jobs.share import ShareService
    from narcwatch.results.base import Record

admin_app = typer.Typer(
    help=(
        "Bootstrap the sharing server: organisations, users, API tokens and sharing "
        "groups, in the same home and database as `narcwatch serve`. Every change is "
        "written to the audit log."
    ),
    no_args_is_help=True,
)
app.add_typer(admin_app, name="admin")
audit_app = typer.Typer(help="The sharing server's hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

FORMAT = typer.Option(
    None, "--format", "-f", help="Also print the result on stdout: table, json, jsonl or csv."
)


def _service(
    home: Path | None, db: str | None, config: Path | None, *, create: bool = True
) -> ShareService:
    from narcwatch.jobs.share import ShareService

    return ShareService.open(context(home, db, config, create=create))


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port to listen on."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes (several: use PostgreSQL)."
    ),
    max_body: int = typer.Option(
        1 << 20, "--max-body", min=1024, help="Largest request body accepted, in bytes."
    ),
    rate_limit: int = typer.Option(
        600, "--rate-limit", min=0, help="Requests a minute per API token (0: no limit)."
    ),
    common_orgs: int = typer.Option(
        5,
        "--common-orgs",
        min=1,
        help="A value in more organisations' incidents than this is common: no alerts.",
    ),
    poll: float = typer.Option(
        1.0, "--poll", min=0.05, help="Seconds between an alert stream's looks for new alerts."
    ),
    webhook_every: float = typer.Option(
        5.0, "--webhook-every", min=0.0, help="Seconds between webhook deliveries (0: none)."
    ),
    threads: int = typer.Option(
        4,
        "--threads",
        min=1,
        max=256,
        help="Threads per worker process for blocking work (database reads and writes); "
        "more than a few only contend for Python's lock.",
    ),
    access_log: bool = typer.Option(
        False, "--access-log", help="Log every request (paths and query strings: selectors)."
    ),
    home_org: str | None = typer.Option(
        None,
        "--home-org",
        help="The organisation whose findings this home holds: only its users see them "
        "(default: [server] home_org, else the only organisation).",
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
) -> None:
    """Run the sharing server: the analysts' web UI at / and the API under /api/v1
    (OpenAPI at /api/v1/docs). Log in with accounts made by `narcwatch admin`. The
    home's findings are shown only to the users of its home organisation (--home-org)."""
    from dataclasses import replace

    from narcwatch.server.app import ServerSettings
    from narcwatch.server.run import serve

    settings = ServerSettings(
        max_body=max_body,
        rate_per_minute=rate_limit,
        poll_seconds=poll,
        common_orgs=common_orgs,
        webhook_seconds=webhook_every,
        threads=threads,
    )
    ctx = context(home, db, config)
    if home_org is not None:  # the flag over NARCWATCH_HOME_ORG and the settings file
        ctx = replace(ctx, home_org=home_org)
    serve(ctx, host=host, port=port, workers=workers, settings=settings,
          access_log=access_log)  # fmt: skip


@admin_app.command("create-org")
def create_org(
    name: str = typer.Argument(..., help="The organisation's name, e.g. Customs-FR."),
    contact: str = typer.Option(
        "", "--contact", help="Whom other organisations ask about a match (e-mail, desk)."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = FORMAT,
) -> None:
    """Create an organisation."""
    with _service(home, db, config) as share:
        org = share.create_org(name, contact)
    typer.echo(f"organisation {org.name} created", err=True)
    if fmt:
        render([org], fmt, one=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--password-stdin: no password on standard input")
        return line
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@admin_app.command("create-user")
def create_user(
    email: str = typer.Argument(..., help="The user's e-mail address (their login)."),
    org: str = typer.Option(..., "--org", help="The user's organisation."),
    role: str = typer.Option(
        "analyst", "--role", help="admin, analyst (read and write) or reader (read only)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (no prompt)."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = FORMAT,
) -> None:
    """Create a user of an organisation; the password (12 characters or more) is
    prompted for, or read from standard input, and stored as an argon2id hash."""
    password = _password(password_stdin)
    with _service(home, db, config) as share:
        user = share.create_user(email, org, role, password)
    typer.echo(f"user {user.email} ({user.role.value}) created in {user.org}", err=True)
    if fmt:
        render([user], fmt, one=True)


@admin_app.command("create-token")
def create_token(
    email: str = typer.Argument(..., help="The user the token acts as."),
    expires_days: float | None = typer.Option(
        None, "--expires-days", min=0.0, help="Days until the token expires (default: never)."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str = typer.Option("json", "--format", "-f", help="json (default), jsonl, csv or table."),
) -> None:
    """Create an API token for a user and print it, once: only its hash is stored."""
    with _service(home, db, config) as share:
        issued = share.create_token(email, expires_days=expires_days)
    render([issued], fmt, one=True)


@admin_app.command("revoke-token")
def revoke_token(
    token_id: str = typer.Argument(..., help="The token's id (printed by create-token)."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = FORMAT,
) -> None:
    """Revoke an API token: requests with it are refused from now on."""
    with _service(home, db, config, create=False) as share:
        info = share.revoke_token(token_id)
    typer.echo(f"token {info.id} of {info.email} revoked", err=True)
    if fmt:
        render([info], fmt, one=True)


@admin_app.command("create-group")
def create_group(
    name: str = typer.Argument(..., help="The sharing group's name."),
    orgs: list[str] = typer.Option(..., "--org", help="A member organisation (repeat)."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = FORMAT,
) -> None:
    """Create a sharing group: a named set of organisations an incident can be shared with."""
    with _service(home, db, config) as share:
        group = share.create_group(name, orgs)
    typer.echo(f"sharing group {group.name}: {', '.join(group.members)}", err=True)
    if fmt:
        render([group], fmt, one=True)


@admin_app.command("create-webhook")
def create_webhook(
    url: str = typer.Argument(..., help="Where the organisation's alerts are POSTed."),
    org: str = typer.Option(..., "--org", help="The organisation whose alerts are sent."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str = typer.Option("json", "--format", "-f", help="json (default), jsonl, csv or table."),
) -> None:
    """Send an organisation's alerts to a URL, signed with HMAC-SHA256 (the secret is
    printed once); `narcwatch serve` delivers them and retries failures with backoff."""
    with _service(home, db, config) as share:
        issued = share.create_webhook(org, url)
    render([issued], fmt, one=True)


@admin_app.command("deliver-webhooks")
def deliver_webhooks(
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = FORMAT,
) -> None:
    """Deliver the pending alerts of every due webhook now (the server does this every
    few seconds; this is for a server run without it, or from cron)."""
    with _service(home, db, config, create=False) as share:
        run = share.deliver_webhooks()
    typer.echo(f"{run.delivered} alerts delivered, {run.failed} webhooks failed", err=True)
    if fmt:
        render([run], fmt, one=True)


@admin_app.command("list")
def list_accounts(
    what: str = typer.Argument("orgs", help="orgs, users or groups."),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str = typer.Option("table", "--format", "-f", help="table, json, jsonl or csv."),
) -> None:
    """List the organisations, users or sharing groups of the server."""
    with _service(home, db, config, create=False) as share:
        if what == "orgs":
            records: Sequence[Record] = share.organisations()
        elif what == "users":
            records = share.users()
        elif what == "groups":
            records = share.groups()
        else:
            raise UsageError(f"cannot list {what!r}", options=["orgs", "users", "groups"])
    render(records, fmt)


@audit_app.command("verify")
def audit_verify(
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = FORMAT,
) -> None:
    """Check the audit log's hash chain; exit 1 naming the first broken entry."""
    with _service(home, db, config, create=False) as share:
        report = share.verify_audit()
    if fmt:
        render([report], fmt, one=True)
    if not report.ok:
        raise fail(f"audit log broken at entry {report.first_broken}: {report.reason}")
    typer.echo(f"audit log intact: {report.entries} entries", err=True)


share_app = typer.Typer(
    help="Send what this home found to a sharing server (`narcwatch serve`).",
    no_args_is_help=True,
)
app.add_typer(share_app, name="share")


@share_app.command("push")
def share_push(
    server: str = typer.Option(..., "--server", help="The sharing server's base URL."),
    token: str = typer.Option(
        ..., "--token", envvar="NARCWATCH_TOKEN", help="API token (or $NARCWATCH_TOKEN)."
    ),
    tlp: str = typer.Option("AMBER", "--tlp", help="TLP of the drafts: CLEAR ... RED."),
    sharing_group: str | None = typer.Option(
        None, "--sharing-group", help="Share the drafts with this sharing group."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Send at most this many."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would be sent; send nothing."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    fmt: str | None = FORMAT,
) -> None:
    """Send stored findings (drug offers or substances with a strong selector) as draft
    incidents for review; documents already shared by your organisation are skipped."""
    from narcwatch.jobs.share_push import push_findings
    from narcwatch.results.incident import Tlp

    try:
        level = Tlp(tlp.upper())
    except ValueError:
        raise UsageError(f"unknown --tlp {tlp!r}", options=[t.value for t in Tlp]) from None
    summary = push_findings(
        context(home, db, config, create=False), server, token, tlp=level,
        sharing_group=sharing_group, limit=limit, dry_run=dry_run,
    )  # fmt: skip
    verb = "would send" if dry_run else "sent"
    typer.echo(
        f"{verb} {summary.sent} drafts ({summary.already} already shared, {summary.skipped} "
        f"not worth sharing, {summary.failed} refused); {summary.alerts_raised} alerts raised",
        err=True,
    )
    for error in summary.errors:
        typer.echo(f"  {error}", err=True)
    if fmt:
        render([summary], fmt, one=True)
