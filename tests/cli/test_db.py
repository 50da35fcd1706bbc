"""`narcwatch db status` and `narcwatch db upgrade`, as an operator runs them."""

import json
import uuid

from jsonschema import Draft202012Validator

from narcwatch.results.base import schema_of
from narcwatch.results.db import SchemaStatus
from narcwatch.store.migrate import head_revisions
from tests.conftest import require_postgres

HEAD = ",".join(sorted(head_revisions()))
VALID = Draft202012Validator(schema_of(SchemaStatus))


def test_status_of_a_home_without_a_database_reads_only(cli, home):
    home.mkdir()
    result = cli("db", "status", "--format", "json")
    assert result.code == 1  # not at head: an operator's script can test for it
    status = json.loads(result.stdout)
    VALID.validate(status)
    assert status["exists"] is False and status["revision"] is None and status["head"] == HEAD
    assert not (home / "narcwatch.db").exists()


def test_upgrade_creates_then_has_nothing_to_do(cli, home):
    first = json.loads(cli("db", "upgrade", "--format", "json").stdout)
    VALID.validate(first)
    assert first["revision"] == HEAD and first["at_head"] and first["upgraded_from"] == "none"
    again = json.loads(cli("db", "upgrade", "--format", "json").stdout)
    assert again["upgraded_from"] is None and again["at_head"]
    status = cli("db", "status", "--format", "csv")
    assert status.code == 0 and f",True,{HEAD},{HEAD},True" in status.stdout


def test_upgrade_from_an_older_schema(cli, home):
    from sqlalchemy import create_engine

    from narcwatch.store.migrate import upgrade

    home.mkdir()
    engine = create_engine(f"sqlite:///{home / 'narcwatch.db'}")
    upgrade(engine, "0005")
    engine.dispose()
    assert json.loads(cli("db", "status", "-f", "json").stdout)["revision"] == "0005"
    result = json.loads(cli("db", "upgrade", "-f", "json").stdout)
    assert result["upgraded_from"] == "0005" and result["revision"] == HEAD


def test_a_missing_home_is_an_error_naming_it(cli, tmp_path):
    result = cli("db", "status", "--home", str(tmp_path / "typo"))
    assert result.code == 1 and "typo" in result.stderr and "does not exist" in result.stderr


def test_postgresql_status_hides_the_password_and_upgrade_migrates(cli):
    require_postgres()
    import psycopg

    name = f"narcwatch_db_{uuid.uuid4().hex[:10]}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://postgres:s3cret@127.0.0.1:5432/{name}"
        empty = cli("db", "status", "--db", url, "-f", "json")
        assert empty.code == 1 and "s3cret" not in empty.stdout + empty.stderr
        assert json.loads(empty.stdout)["revision"] is None
        done = json.loads(cli("db", "upgrade", "--db", url, "-f", "json").stdout)
        assert done["revision"] == HEAD and done["upgraded_from"] == "none"
        assert "***" in done["database"] and "s3cret" not in done["database"]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
