"""Where narcwatch keeps its state: one home directory.

Everything a run writes (database, archives, keys, caches) lives under the home directory:
``--home`` beats ``$NARCWATCH_HOME``, which beats the platform's user data directory
(``~/.local/share/narcwatch`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from narcwatch.errors import StoreError

ENV_HOME = "NARCWATCH_HOME"


def os_reason(exc: OSError) -> str:
    """``Permission denied`` -> ``permission denied``: the why of an OS error, for a message."""
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


def user_home() -> str:
    """The platform's user data directory for narcwatch (the home when none is given)."""
    return user_data_dir("narcwatch", appauthor=False)


def resolve_home(home: Path | str | None = None, *, create: bool = True) -> Path:
    """The home directory to use, created if missing; with ``create=False`` (read-only
    commands) a missing home is an error naming it, not a new empty home."""
    if home is None:
        home = os.environ.get(ENV_HOME) or user_home()
    path = Path(home).expanduser()
    if not create:
        if not path.exists():
            raise StoreError(
                f"the narcwatch home {path} does not exist (check --home or ${ENV_HOME})"
            )
        if not path.is_dir():
            raise StoreError(f"the narcwatch home {path} is not a directory")
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the narcwatch home {path}: {os_reason(exc)}") from None
    return path


def database_url(db: str | None, home: Path, *, create: bool = True) -> str:
    """``--db`` as given (a SQLAlchemy URL or a file path), else ``<home>/narcwatch.db``.
    With ``create=False`` a ``--db`` file that does not exist is an error."""
    if db is None:
        return f"sqlite:///{home / 'narcwatch.db'}"
    if "://" in db:
        return db
    path = Path(db).expanduser().resolve()
    if not create:
        if not path.exists():
            raise StoreError(f"the database {path} does not exist (check --db)")
        return f"sqlite:///{path}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot open the database {path}: {os_reason(exc)}") from None
    return f"sqlite:///{path}"


def cache_dir(home: Path | None = None) -> Path:
    path = (home or resolve_home()) / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path
