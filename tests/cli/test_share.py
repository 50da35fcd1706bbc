"""``narcwatch admin`` and ``narcwatch audit verify`` as a user runs them."""

from __future__ import annotations

import json
import sqlite3

import pytest

from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService

PASSWORD = b"a long enough password\n"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from narcwatch.share import credentials

    monkeypatch.setattr(
        credentials, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def _bootstrap(cli) -> str:
    assert cli("admin", "create-org", "Customs-FR", "--contact", "desk@c.example").code == 0
    assert cli("admin", "create-org", "Police-ES").code == 0
    made = cli("admin", "create-user", "ana@c.example", "--org", "Customs-FR", "--role",
               "analyst", "--password-stdin", stdin=PASSWORD)  # fmt: skip
    assert made.code == 0, made.stderr
    assert "ana@c.example (analyst) created in Customs-FR" in made.stderr
    token = cli("admin", "create-token", "ana@c.example", "--expires-days", "30")
    assert token.code == 0, token.stderr
    return json.loads(token.stdout)["token"]


def test_bootstrap_gives_a_token_the_server_accepts(cli, home):
    token = _bootstrap(cli)
    assert token.startswith("nw_")
    with ShareService.open(Context.build(home=home)) as share:
        caller = share.authenticate(token)
        assert (caller.email, caller.org, caller.role) == ("ana@c.example", "Customs-FR", "analyst")
    group = cli("admin", "create-group", "Iberia", "--org", "Customs-FR", "--org", "Police-ES",
                "--format", "json")  # fmt: skip
    assert json.loads(group.stdout) == {"name": "Iberia", "members": ["Customs-FR", "Police-ES"]}
    users = json.loads(cli("admin", "list", "users", "--format", "json").stdout)
    assert [(u["email"], u["org"], u["role"]) for u in users] == [
        ("ana@c.example", "Customs-FR", "analyst")
    ]
    assert "password" not in json.dumps(users)


def test_a_revoked_token_no_longer_authenticates(cli, home):
    _bootstrap(cli)
    issued = json.loads(cli("admin", "create-token", "ana@c.example").stdout)
    assert issued["expires"] is None
    revoked = cli("admin", "revoke-token", issued["id"], "--format", "json")
    assert revoked.code == 0 and json.loads(revoked.stdout)["revoked"]
    from narcwatch.errors import AccessError

    with ShareService.open(Context.build(home=home)) as share, pytest.raises(AccessError):
        share.authenticate(issued["token"])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("create-org", "Customs-FR"), 1, "exists already"),
        (("create-user", "x@y.example", "--org", "Nowhere", "--password-stdin"), 1,
         "no organisation"),
        (("create-user", "x@y.example", "--org", "Police-ES", "--role", "boss",
          "--password-stdin"), 2, "unknown role"),
        (("create-user", "not-an-email", "--org", "Police-ES", "--password-stdin"), 2,
         "e-mail"),
        (("create-token", "nobody@x.example"), 1, "no user"),
        (("revoke-token", "0000"), 1, "no token"),
        (("create-group", "G", "--org", "Nowhere"), 1, "no organisation"),
    ],
)  # fmt: skip
def test_admin_errors_say_what_is_wrong(cli, args, code, message):
    _bootstrap(cli)
    result = cli("admin", *args, stdin=PASSWORD)
    assert result.code == code, result.stderr
    assert message in result.stderr


def test_a_short_password_is_refused(cli):
    _bootstrap(cli)
    result = cli("admin", "create-user", "b@p.example", "--org", "Police-ES",
                 "--password-stdin", stdin=b"short\n")  # fmt: skip
    assert result.code == 2 and "12 characters" in result.stderr


def test_audit_verify_names_the_first_broken_entry(cli, home):
    _bootstrap(cli)
    good = cli("audit", "verify", "--format", "json")
    assert good.code == 0 and json.loads(good.stdout) == {
        "ok": True, "entries": 4, "first_broken": None, "reason": None,
    }  # fmt: skip
    with sqlite3.connect(home / "narcwatch.db") as db:
        db.execute("UPDATE audit_log SET target = 'Police-XX' WHERE seq = 2")
    bad = cli("audit", "verify")
    assert bad.code == 1
    assert "audit log broken at entry 2" in bad.stderr
