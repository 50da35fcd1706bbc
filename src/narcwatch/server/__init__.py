"""``narcwatch serve``: the sharing server's HTTP front door (FastAPI, issue 17).

A front door like the CLI: it parses requests, calls the jobs of
:mod:`narcwatch.jobs.share` and returns their typed results; it never touches the store.
Modules: ``app`` (the application and its settings), ``problems`` (RFC 9457 errors, the
body size limit), ``auth`` (bearer tokens, rate limit), ``routes`` (the API under
``/api/v1``), ``stream`` (alerts as Server-Sent Events), ``run`` (uvicorn).
"""

from narcwatch.server.app import ServerSettings, create_app

__all__ = ["ServerSettings", "create_app"]
