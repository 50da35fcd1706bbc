"""``narcwatch share push``: stored findings sent to a sharing server as draft incidents.

Each stored document (latest version) that is a drug offer or names a substance, and
has a strong selector, becomes one ``draft`` incident of kind ``online_offer``: its
substances, its strong selectors, the document's hash and URL. No text of the document
is sent. A document our organisation has shared already (an incident of ours links its
hash) is not sent again, so pushing twice is harmless. The server correlates each draft
at once: the summary counts the alerts raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from narcwatch.errors import AccessError, NarcwatchError, UsageError
from narcwatch.jobs.context import Context
from narcwatch.model import Finding
from narcwatch.results.incident import IncidentDraft, IncidentStatus, Tlp
from narcwatch.results.share import PushSummary

__all__ = ["draft_of", "push_findings"]

_MAX_ERRORS = 10


def draft_of(finding: Finding, *, tlp: Tlp, sharing_group: str | None) -> IncidentDraft | None:
    """The draft incident of a finding; None when it is not worth sharing."""
    strong = {(s.type, s.value) for s in finding.selectors if s.strength == "strong"}
    if not strong or not (finding.offer or finding.substances):
        return None
    doc = finding.doc
    title = doc.title or (f"offer on {doc.platform}" if doc.platform else "online offer")
    return IncidentDraft.model_validate(
        {
            "kind": "online_offer",
            "title": title[:500],
            "tlp": tlp,
            "sharing_group": sharing_group,
            "status": IncidentStatus.DRAFT,
            "substances": [{"id": i} for i in dict.fromkeys(h.id for h in finding.substances)][
                :200
            ],
            "selectors": [{"type": t, "value": v} for t, v in sorted(strong)][:1000],
            "documents": [{"sha256": doc.id, "url": doc.url}],
            "modus_operandi": {"platform": doc.platform},
        }
    )


def _findings(ctx: Context) -> Iterator[Finding]:
    with ctx.open_store() as store:
        yield from store.findings()


def push_findings(
    ctx: Context,
    server: str,
    token: str,
    *,
    tlp: Tlp = Tlp.AMBER,
    sharing_group: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    client: httpx.Client | None = None,
) -> PushSummary:
    """Send the context's stored findings to ``server`` (its base URL) as drafts."""
    if not server.startswith(("http://", "https://")):
        raise UsageError(f"--server must be an http(s) URL, not {server!r}")
    base = server.rstrip("/") + "/api/v1"
    http = client or httpx.Client(timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    summary = PushSummary(server=server)
    try:
        me = _call(http, "GET", f"{base}/me", headers)
        for finding in _findings(ctx):
            if limit is not None and summary.sent >= limit:
                break
            draft = draft_of(finding, tlp=tlp, sharing_group=sharing_group)
            if draft is None:
                summary.skipped += 1
                continue
            mine = _call(http, "GET", f"{base}/incidents?document={finding.doc.id}&limit=500",
                         headers)  # fmt: skip
            if any(i["org"] == me["org"] for i in mine["items"]):
                summary.already += 1
                continue
            if dry_run:
                summary.sent += 1
                continue
            try:
                made = _call(http, "POST", f"{base}/incidents", headers,
                             json=draft.model_dump(mode="json"))  # fmt: skip
            except UsageError as exc:
                summary.failed += 1
                if len(summary.errors) < _MAX_ERRORS:
                    summary.errors.append(f"{finding.doc.id[:12]}: {exc}")
                continue
            summary.sent += 1
            summary.alerts_raised += made["alerts_raised"]
            summary.incidents.append(made["incident"]["id"])
    finally:
        if client is None:
            http.close()
    return summary


def _call(http: httpx.Client, method: str, url: str, headers: dict[str, str], **kwargs: Any) -> Any:
    try:
        response = http.request(method, url, headers=headers, **kwargs)
    except httpx.HTTPError as exc:
        raise NarcwatchError(f"cannot reach the sharing server: {exc}") from None
    if response.status_code == 401:
        raise AccessError("the sharing server refused the token", status=401)
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text[:200])
        except ValueError:
            detail = response.text[:200]
        raise UsageError(f"the sharing server answered {response.status_code}: {detail}")
    return response.json()
