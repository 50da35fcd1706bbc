"""Where narcwatch keeps its state: one home directory.

Everything a run writes (database, archives, keys, caches) lives under the home directory:
``--home`` beats ``$NARCWATCH_HOME``, which beats the platform's user data directory
(``~/.local/share/narcwatch`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

ENV_HOME = "NARCWATCH_HOME"


def resolve_home(home: Path | str | None = None) -> Path:
    """The home directory to use, created if missing."""
    if home is None:
        home = os.environ.get(ENV_HOME) or user_data_dir("narcwatch", appauthor=False)
    path = Path(home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(db: str | None, home: Path) -> str:
    """``--db`` as given (a SQLAlchemy URL or a file path), else ``<home>/narcwatch.db``."""
    if db is None:
        return f"sqlite:///{home / 'narcwatch.db'}"
    if "://" in db:
        return db
    path = Path(db).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def cache_dir(home: Path | None = None) -> Path:
    path = (home or resolve_home()) / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path
