"""The one explicit context every job runs in: where state lives and how to analyse.

Front doors (the CLI, the server, the web UI, a cluster driver) build a :class:`Context`
and pass it to the jobs in :mod:`narcwatch.jobs`; nothing below reads the environment or a
process-wide global for these. Precedence, highest first: explicit arguments (CLI flags),
the environment (``NARCWATCH_HOME``, ``NARCWATCH_DATABASE_URL``, ``NARCWATCH_HOME_ORG``),
the settings file
(``HOME/narcwatch.toml`` or ``--config FILE``), then the defaults::

    ctx = Context.build(home="~/cases/op-lotus", region="FR")
    with ctx.open_store() as store: ...
    pipeline = ctx.pipeline()            # built once, with the context's knowledge base

A settings file holds the same keys as the flags::

    [store]
    database_url = "postgresql+psycopg://narcwatch@db/narcwatch"

    [pipeline]
    region = "FR"
    prevalence = 0.005
    components = ["normalize", "language", "substances", "selectors", "quantities",
                  "offer", "risk"]

    [server]
    home_org = "Customs-FR"   # the organisation whose findings this home holds
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narcwatch.errors import UsageError
from narcwatch.settings import ENV_HOME, database_url, resolve_home, user_home

if TYPE_CHECKING:
    from narcwatch.analyze.executors import Executor
    from narcwatch.analyze.pipeline import Pipeline
    from narcwatch.evidence.custody import CustodyLog
    from narcwatch.kb.loader import KnowledgeBase
    from narcwatch.store import Store

ENV_DATABASE_URL = "NARCWATCH_DATABASE_URL"
ENV_HOME_ORG = "NARCWATCH_HOME_ORG"
SETTINGS_FILE = "narcwatch.toml"
_PIPELINE_KEYS = ("components", "region", "threshold", "prevalence", "jobs")

__all__ = ["ENV_DATABASE_URL", "ENV_HOME_ORG", "Context", "PipelineSettings"]


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """How documents are analysed: the same for scan, crawl and import."""

    components: tuple[str, ...] | None = None  # None: the default pipeline
    region: str | None = None  # default country for phone numbers without +
    threshold: float | None = None  # offer is true at offer_score >= this
    prevalence: float | None = None  # expected share of drug offers (sets the threshold)
    jobs: int = 1  # analysis processes

    def __post_init__(self) -> None:
        if self.region is not None and (len(self.region) != 2 or not self.region.isalpha()):
            raise UsageError(f"region must be an ISO 3166 alpha-2 code, not {self.region!r}")
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise UsageError(f"threshold must be between 0 and 1, not {self.threshold}")
        if self.prevalence is not None and not 0.0 < self.prevalence <= 1.0:
            raise UsageError(f"prevalence must be in (0, 1], not {self.prevalence}")
        if self.jobs < 1:
            raise UsageError(f"jobs must be at least 1, not {self.jobs}")

    @property
    def names(self) -> tuple[str, ...]:
        from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS

        return self.components or DEFAULT_COMPONENTS

    def config(self) -> dict[str, dict[str, Any]]:
        """The per-component configuration these settings mean."""
        config: dict[str, dict[str, Any]] = {}
        if self.region:
            config["selectors"] = {"region": self.region.upper()}
        if self.threshold is not None:
            config["offer"] = {"threshold": self.threshold}
        elif self.prevalence is not None:
            config["offer"] = {"prevalence": self.prevalence}
        return config


@dataclass(slots=True)
class Context:
    """Where a job reads and writes, and how it analyses. Built once per front-door call."""

    home: Path
    database_url: str
    pipeline_settings: PipelineSettings = field(default_factory=PipelineSettings)
    kb_dir: Path | None = None  # a knowledge-base directory instead of the packaged one
    # The sharing server's home organisation: the one whose findings this home holds
    # (None: the only organisation on the server, if there is exactly one).
    home_org: str | None = None
    _kb: KnowledgeBase | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        home: Path | str | None = None,
        db: str | None = None,
        *,
        create: bool = True,
        config_file: Path | str | None = None,
        environ: Mapping[str, str] | None = None,
        kb_dir: Path | str | None = None,
        needs_home: bool = True,
        home_org: str | None = None,
        **pipeline: Any,
    ) -> Context:
        """A context from explicit values, then ``environ`` (default ``os.environ``), then
        the settings file, then defaults. ``create=False`` (read-only commands) makes a
        missing home or ``db`` file an error instead of creating an empty one.
        ``needs_home=False`` (jobs that only analyse, such as eval) neither creates nor
        checks the home. ``pipeline`` takes the :class:`PipelineSettings` fields; None
        means "not given". ``home_org``: the server's home organisation (``--home-org``,
        ``NARCWATCH_HOME_ORG``, ``[server] home_org``)."""
        env = os.environ if environ is None else environ
        unknown = sorted(set(pipeline) - set(_PIPELINE_KEYS))
        if unknown:
            raise UsageError(
                f"unknown pipeline setting {unknown[0]!r}", value=unknown[0], options=_PIPELINE_KEYS
            )
        explicit_db = db is not None
        if home is None:
            home = env.get(ENV_HOME) or None
        if not needs_home:
            home_dir = Path(home or user_home()).expanduser()
            create = False
        elif create or not explicit_db:
            home_dir = resolve_home(home, create=create)
        else:  # a read-only command with an explicit --db does not need a home
            home_dir = Path(home or ".").expanduser()
        file = _read_settings(config_file, home_dir)
        if not needs_home and db is None:
            db = "sqlite://"  # nothing is stored: never touch a file
        store_cfg = file.get("store", {})
        db = db or env.get(ENV_DATABASE_URL) or store_cfg.get("database_url")
        values = {
            **file.get("pipeline", {}),
            **{k: v for k, v in pipeline.items() if v is not None},
        }
        if "components" in values and values["components"] is not None:
            values["components"] = tuple(values["components"])
        settings = PipelineSettings(**values)
        home_org = home_org or env.get(ENV_HOME_ORG) or file.get("server", {}).get("home_org")
        if home_org is not None and (not isinstance(home_org, str) or not home_org.strip()):
            raise UsageError(f"home_org must be an organisation's name, not {home_org!r}")
        return cls(
            home=home_dir,
            database_url=database_url(db, home_dir, create=create),
            pipeline_settings=settings,
            kb_dir=Path(kb_dir) if kb_dir else None,
            home_org=home_org,
        )

    def with_pipeline(self, **changes: Any) -> Context:
        """A copy with some pipeline settings changed (None values are ignored)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return replace(self, pipeline_settings=replace(self.pipeline_settings, **given))

    # -- the home's layout: the one place it is written down -------------------------------
    @property
    def archive_root(self) -> Path:
        """``HOME/archive/<job>/*.warc.gz``: crawls, and ``import-<job>`` for imports."""
        return self.home / "archive"

    @property
    def custody_path(self) -> Path:
        return self.home / "custody.jsonl"

    @property
    def profiles_dir(self) -> Path:
        """``HOME/profiles/*.yaml``: the analyst's own site profiles for the crawler."""
        return self.home / "profiles"

    @property
    def cache_root(self) -> Path:
        return self.home / "cache"

    # -- the things a job needs, built on first use ----------------------------------------
    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            from narcwatch.kb.loader import default_kb, load_kb

            self._kb = load_kb(self.kb_dir) if self.kb_dir else default_kb()
        return self._kb

    def pipeline(self) -> Pipeline:
        from narcwatch.analyze.pipeline import Pipeline

        s = self.pipeline_settings
        return Pipeline(s.names, s.config(), kb=self.kb)

    def executor(
        self,
        *,
        jobs: int | None = None,
        include_text: bool = False,
        processes: bool | None = None,
        start_method: str | None = None,
    ) -> Executor:
        """Where the pipeline runs: this process, or ``jobs`` (default: the settings')
        worker processes, each with the context's knowledge base. The one seam scan and
        crawl analyse through; a cluster executor is one more class behind it."""
        from narcwatch.analyze.executors import make_executor

        s = self.pipeline_settings
        return make_executor(
            s.jobs if jobs is None else jobs,
            names=s.names,
            config=s.config(),
            kb=self.kb if self._kb is not None or self.kb_dir is None else None,
            kb_dir=self.kb_dir,
            include_text=include_text,
            processes=processes,
            start_method=start_method,
        )

    def open_store(self) -> Store:
        from narcwatch.store import Store

        return Store.open(self.database_url, home=self.home)

    def custody(self) -> CustodyLog:
        from narcwatch.evidence.custody import CustodyLog

        return CustodyLog(self.custody_path)


def _read_settings(config_file: Path | str | None, home: Path) -> dict[str, dict[str, Any]]:
    """The settings file: ``config_file`` when given (it must exist), else
    ``HOME/narcwatch.toml`` when present, else nothing."""
    path = Path(config_file).expanduser() if config_file else home / SETTINGS_FILE
    if config_file is None and not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the settings file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    sections = {"store": ("database_url",), "pipeline": _PIPELINE_KEYS, "server": ("home_org",)}
    for name, section in data.items():
        if name not in sections:
            raise UsageError(f"{path}: unknown section [{name}]", options=sorted(sections))
        if not isinstance(section, dict):
            raise UsageError(f"{path}: [{name}] must be a table")
        for key in section:
            if key not in sections[name]:
                raise UsageError(f"{path}: unknown key {key!r} in [{name}]", options=sections[name])
    return data
