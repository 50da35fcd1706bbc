"""``narcwatch share push``: stored findings become draft incidents on a server, once."""

from __future__ import annotations

import pytest

from narcwatch.errors import AccessError
from narcwatch.jobs.context import Context
from narcwatch.jobs.share_push import push_findings
from narcwatch.model import DocumentMeta, Finding, SelectorHit, SubstanceHit
from narcwatch.results.incident import Tlp


def _finding(n: int, *, offer: bool = True, strength: str = "strong") -> Finding:
    return Finding(
        doc=DocumentMeta(id=f"{n:064x}", source="f.jsonl", location=f"line {n}",
                         platform="telegram", url=f"https://t.example/{n}"),
        offer=offer,
        substances=[SubstanceHit(id="heroin", name="Heroin", matched="h", span=(0, 1))],
        selectors=[SelectorHit(type="telegram", value=f"shop{n}", matched="@s", span=(2, 4),
                               strength=strength)],
    )  # fmt: skip


@pytest.fixture
def analyst_home(tmp_path):
    ctx = Context.build(home=tmp_path / "analyst")
    with ctx.open_store() as store:
        store.save([_finding(1), _finding(2), _finding(3, strength="weak")])
    return ctx


def test_push_sends_drafts_once_and_they_correlate(client, hub, analyst_home):
    # C shares an incident with the same handle as finding 2 beforehand
    client.post("/api/v1/incidents", headers=hub.headers["c"], json={
        "kind": "online_offer", "title": "c", "tlp": "GREEN",
        "selectors": [{"type": "telegram", "value": "@SHOP2"}]})  # fmt: skip
    first = push_findings(analyst_home, "http://testserver", hub.tokens["a"],
                          tlp=Tlp.AMBER, client=client)  # fmt: skip
    assert (first.sent, first.skipped, first.already, first.failed) == (2, 1, 0, 0)
    assert first.alerts_raised == 2
    got = client.get(f"/api/v1/incidents/{first.incidents[0]}", headers=hub.headers["a"]).json()
    assert (got["status"], got["tlp"], got["org"]) == ("draft", "AMBER", "A")
    assert got["documents"][0]["sha256"] == f"{1:064x}"
    assert got["notes"] == ""  # no document text leaves the home
    again = push_findings(analyst_home, "http://testserver", hub.tokens["a"], client=client)
    assert (again.sent, again.already) == (0, 2)


def test_push_dry_run_and_a_bad_token(client, hub, analyst_home):
    dry = push_findings(analyst_home, "http://testserver", hub.tokens["b"], dry_run=True,
                        client=client)  # fmt: skip
    assert dry.sent == 2 and dry.incidents == []
    assert client.get("/api/v1/incidents/count", headers=hub.headers["b"]).json()["count"] == 0
    with pytest.raises(AccessError):
        push_findings(analyst_home, "http://testserver", "nw_bad", client=client)
