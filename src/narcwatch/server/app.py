"""The FastAPI application of the sharing server.

    app = create_app(ServerSettings(), ctx=Context.build(home="~/hub"))

The store is opened when the application starts (its lifespan) and closed when it
stops; tests may hand in a :class:`ShareService` of their own. ``app_from_env`` is the
factory uvicorn's worker processes call (``narcwatch serve --workers N``): they read
the context and settings from the environment the parent set.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from narcwatch import __version__, web
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.server import problems
from narcwatch.server.auth import RateLimited, RateLimiter
from narcwatch.server.stream import AlertWake

__all__ = ["ENV_SETTINGS", "ServerSettings", "app_from_env", "create_app"]

log = logging.getLogger("narcwatch.server")
ENV_SETTINGS = "NARCWATCH_SERVER_SETTINGS"  # JSON of ServerSettings, for worker processes


@dataclass(frozen=True, slots=True)
class ServerSettings:
    max_body: int = 1 << 20  # bytes per request body
    rate_per_minute: int = 600  # requests per token (0: no limit)
    login_per_minute: int = 10  # login attempts per client address and e-mail
    poll_seconds: float = 1.0  # how often an alert stream looks for new alerts
    heartbeat_seconds: float = 15.0  # an SSE comment this often keeps proxies open
    common_orgs: int = 5  # a value in more organisations' incidents raises no alert
    webhook_seconds: float = 5.0  # how often due webhooks are delivered (0: never)
    threads: int = 4  # worker threads for blocking work, per process


def create_app(
    settings: ServerSettings | None = None,
    *,
    ctx: Context | None = None,
    service: ShareService | None = None,
) -> FastAPI:
    """The application, over ``service`` or a store opened from ``ctx`` at startup."""
    settings = settings or ServerSettings()
    if service is None and ctx is None:
        raise ValueError("create_app needs a ctx or a service")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = None
        if service is None:
            assert ctx is not None
            opened = ShareService.open(ctx, common_orgs=settings.common_orgs)
        app.state.service = service or opened
        # Plain-function endpoints run in worker threads. Under load, anyio's 40 threads
        # fought over the GIL: a read cost 3.2 ms of server CPU with 40, 1.8-2.2 with 4
        # (bench_server.py, 50 clients, same machine and run).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        wake = AlertWake(asyncio.get_running_loop())
        stop_watching = app.state.service.watch_alerts(wake.fire_threadsafe)
        app.state.alert_wake = wake
        task = None
        if settings.webhook_seconds > 0:
            task = asyncio.create_task(_webhooks(app.state.service, settings.webhook_seconds))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            stop_watching()
            if opened is not None:
                opened.close()

    app = FastAPI(
        title="narcwatch sharing server",
        version=__version__,
        description=(
            "Organisations share drug-trafficking incidents under TLP 2.0 and sharing "
            "groups, and get correlation alerts when their incidents share a selector, a "
            "document or a route. Authenticate with `Authorization: Bearer <token>`. "
            "Errors are RFC 9457 problem details (application/problem+json)."
        ),
        lifespan=lifespan,
        docs_url="/api/v1/docs",
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.rate_per_minute)
    app.state.login_limiter = RateLimiter(settings.login_per_minute)
    if service is not None:
        app.state.service = service
    problems.install(app)

    @app.exception_handler(RateLimited)
    async def _limited(request: Request, exc: RateLimited) -> JSONResponse:
        return problems.error(request, 429, str(exc), {"Retry-After": str(exc.retry_after)})

    from narcwatch.server.feedback import router as feedback_router
    from narcwatch.server.routes import router
    from narcwatch.server.stream import router as stream_router
    from narcwatch.server.taxii import router as taxii_router

    app.include_router(router, prefix="/api/v1")
    app.include_router(feedback_router, prefix="/api/v1")  # comments and sightings
    app.include_router(stream_router, prefix="/api/v1")
    app.include_router(taxii_router)  # TAXII 2.1 under /taxii2/ (read only)
    web.mount(app, ctx)  # the analyst's web UI at / (issue 18); none without a ctx
    app.add_middleware(problems.BodyLimit, limit=settings.max_body)
    return app


async def _webhooks(service: ShareService, every: float) -> None:
    """Deliver due webhooks every ``every`` seconds, in a worker thread (the deliveries
    block on the network); a failure is logged and the loop goes on."""
    while True:
        await asyncio.sleep(every)
        try:
            await run_in_threadpool(service.deliver_webhooks)
        except Exception:
            log.exception("webhook delivery failed")


def settings_env(settings: ServerSettings) -> str:
    return json.dumps(asdict(settings))


def app_from_env() -> FastAPI:
    """For uvicorn's workers: the context from NARCWATCH_HOME/NARCWATCH_DATABASE_URL,
    the settings from NARCWATCH_SERVER_SETTINGS."""
    raw = os.environ.get(ENV_SETTINGS)
    settings = ServerSettings(**json.loads(raw)) if raw else ServerSettings()
    return create_app(settings, ctx=Context.build())
