"""Run the sharing server under uvicorn (``narcwatch serve``)."""

from __future__ import annotations

import logging
import os

from narcwatch.jobs.context import ENV_DATABASE_URL, ENV_HOME_ORG, Context
from narcwatch.jobs.share import ShareService
from narcwatch.server.app import ENV_SETTINGS, ServerSettings, create_app, settings_env
from narcwatch.server.workers import run_workers
from narcwatch.server.workers import supported as workers_supported
from narcwatch.settings import ENV_HOME

__all__ = ["serve"]

log = logging.getLogger("narcwatch.server")


def serve(
    ctx: Context,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    settings: ServerSettings | None = None,
    log_level: str = "info",
    access_log: bool = False,
) -> None:
    """Serve until interrupted. The store is opened (created and migrated) here first,
    so a bad database URL fails before any worker starts. No access log by default:
    query strings carry selectors, which are intelligence."""
    import uvicorn

    settings = settings or ServerSettings()
    with ShareService.open(ctx) as svc:
        home_org = svc.check_home()  # an unknown --home-org fails here, naming it
    if home_org is None:
        log.warning(
            "no home organisation (--home-org NAME, or one organisation only): "
            "no user of the server sees this home's findings"
        )
    if workers == 1:
        app = create_app(settings, ctx=ctx)
        uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False,
                    access_log=access_log)  # fmt: skip
        return
    # Worker processes import the application by name: hand them the context and the
    # settings through the environment they inherit.
    os.environ[ENV_HOME] = str(ctx.home)
    os.environ[ENV_DATABASE_URL] = ctx.database_url
    if ctx.home_org is not None:
        os.environ[ENV_HOME_ORG] = ctx.home_org
    os.environ[ENV_SETTINGS] = settings_env(settings)
    if workers_supported():
        run_workers(host, port, workers, {"log_level": log_level, "server_header": False,
                                          "access_log": access_log})  # fmt: skip
        return
    uvicorn.run(
        "narcwatch.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        server_header=False,
        access_log=access_log,
    )
