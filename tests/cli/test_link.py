"""`narcwatch link`, `actors` and `selectors` as an analyst runs them after a scan."""

import csv
import io
import json

import networkx as nx

from tests.conftest import EXAMPLES


def nordic(actors):
    """The actor of the two NordicSnow listings (linked by the vendor name)."""
    return next(a for a in actors if a["vendors"] == ["NordicSnow"])


def test_scan_links_then_actors_show_the_evidence(cli, tmp_path):
    scanned = cli("scan", str(EXAMPLES))
    assert scanned.code == 0 and "narcwatch link: linked" in scanned.stderr
    listing = json.loads(cli("actors", "list", "--format", "json").stdout)
    top = nordic(listing["actors"])
    assert len(top["documents"]) == 2
    shown = json.loads(cli("actors", "show", top["id"]).stdout)
    assert shown["links"][0]["type"] == "vendor"
    assert shown["items"][0]["selectors"] and shown["timeline"]
    table = cli("actors", "list")
    assert top["id"] in table.stdout

    found = json.loads(cli("selectors", "search", "+33612345678", "--format", "json").stdout)
    assert found[0]["type"] == "phone" and found[0]["actor"]
    assert "is in no stored document" in cli("selectors", "search", "nobody@nowhere").stdout

    out = tmp_path / "g.gexf"
    assert cli("actors", "export", "--format", "gexf", "-o", str(out)).code == 0
    graph = nx.read_gexf(out)
    assert any(d.get("kind") == "selector" for _, d in graph.nodes(data=True))


def test_errors_name_the_valid_choices(cli):
    cli("scan", str(EXAMPLES), "-q")
    listing = json.loads(cli("actors", "list", "--format", "json").stdout)
    bad = cli("actors", "show", "Anope")
    assert bad.code == 2 and listing["actors"][0]["id"] in bad.stderr
    assert cli("actors", "export", "--format", "dot").code == 2
    assert cli("link", "reject", "no-colon").code == 2


def test_reject_restore_and_history(cli):
    cli("scan", str(EXAMPLES), "-q")
    top = nordic(json.loads(cli("actors", "list", "--format", "json").stdout)["actors"])
    scope = top["links"][0]["scope"]  # the CSV file: these listings name no platform
    assert scope.startswith("file:") and scope.endswith(".csv")
    rejected = cli(
        "link", "reject", "vendor:NordicSnow", "--platform", scope, "--reason", "two people"
    )
    assert rejected.code == 0 and "1 actors split off" in rejected.stderr
    again = json.loads(cli("actors", "list", "--format", "json").stdout)
    assert all(len(a["documents"]) == 1 for a in again["actors"] if "NordicSnow" in a["vendors"])
    assert {"type": "vendor", "value": "nordicsnow", "status": "rejected"}.items() <= next(
        m for m in again["not_linking"] if m["value"] == "nordicsnow"
    ).items()
    assert cli("link", "--rebuild").code == 0
    restored = cli("link", "restore", "vendor:NordicSnow", "--platform", scope)
    assert "1 actors merged" in restored.stderr
    history = [json.loads(line) for line in cli("link", "history").stdout.splitlines()]
    kinds = [h["kind"] for h in history]
    assert {"override", "split", "rebuild", "merge"} <= set(kinds)
    assert json.loads(cli("actors", "show", top["id"]).stdout)["id"] == top["id"]


def test_scan_no_link_then_link(cli):
    scanned = cli("scan", str(EXAMPLES), "--no-link")
    assert "narcwatch link:" not in scanned.stderr
    linked = cli("link")
    assert linked.code == 0 and "linked" in linked.stderr and "0 documents" not in linked.stderr
    assert "linked 0 documents" in cli("link").stderr


def test_export_of_an_unknown_actor_is_an_error(cli, tmp_path):
    """`actors export --actor UNKNOWN` exited 0 with an empty graph."""
    cli("scan", str(EXAMPLES), "-q")
    top = json.loads(cli("actors", "list", "--format", "json").stdout)["actors"][0]
    out = tmp_path / "g.graphml"
    bad = cli("actors", "export", "--actor", "UNKNOWN", "-o", str(out))
    assert bad.code == 2 and "no actor 'UNKNOWN'" in bad.stderr and top["id"] in bad.stderr
    assert bad.stdout == "" and not out.exists()
    good = cli("actors", "export", "--actor", top["id"], "--format", "json")
    nodes = json.loads(good.stdout)["nodes"]
    assert {n["actor"] for n in nodes if n["kind"] == "document"} == {top["id"]}


def test_reject_of_an_invalid_wallet_is_an_error(cli):
    """`link reject btc:notawallet` was accepted silently."""
    cli("scan", str(EXAMPLES), "-q")
    bad = cli("link", "reject", "btc:notawallet")
    assert bad.code == 2
    assert "'notawallet' is not a valid btc selector" in bad.stderr
    assert "rejected" not in bad.stderr
    assert "override" not in cli("link", "history").stdout


def test_read_only_commands_do_not_create_a_missing_home(cli, tmp_path):
    typo = tmp_path / "typo"
    for args in (
        ("actors", "list"),
        ("actors", "export", "--actor", "x"),
        ("selectors", "search", "+33612345678"),
        ("link", "history"),
    ):
        result = cli(*args, "--home", str(typo))
        assert result.code == 1, args
        assert f"the narcwatch home {typo} does not exist" in result.stderr
        assert not typo.exists()


def test_piped_tables_never_cut_actor_ids(cli):
    """Tables were cut at 80 columns when piped, so actor ids could not be copied."""
    cli("scan", str(EXAMPLES), "-q")
    actors = json.loads(cli("actors", "list", "--format", "json").stdout)["actors"]
    table = cli("actors", "list").stdout  # captured: not a terminal
    assert "…" not in table
    lines = table.splitlines()
    for a in actors:
        assert any(a["id"] in line for line in lines), a["id"]  # whole, on one line
    found = cli("selectors", "search", "+33612345678").stdout
    actor = json.loads(cli("selectors", "search", "+33612345678", "--format", "json").stdout)
    assert "…" not in found and any(actor[0]["actor"] in line for line in found.splitlines())


def test_the_shared_formats(cli):
    """`--format` means the same as everywhere: json, jsonl, csv and table."""
    cli("scan", str(EXAMPLES), "-q")
    actors = json.loads(cli("actors", "list", "--format", "json").stdout)["actors"]
    rows = list(csv.DictReader(io.StringIO(cli("actors", "list", "--format", "csv").stdout)))
    assert [r["id"] for r in rows] == [a["id"] for a in actors]
    assert rows[0]["documents"] == str(len(actors[0]["documents"]))
    row = next(r for r in rows if r["vendors"] == "NordicSnow")
    assert row["linked_by"].startswith("vendor:nordicsnow")
    lines = cli("actors", "list", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [a["id"] for a in actors]
    shown = cli("actors", "show", actors[0]["id"], "--format", "table")
    assert shown.code == 0 and actors[0]["id"] in shown.stdout
    assert cli("link", "--rebuild", "--format", "table").code == 0
    history = cli("link", "history", "--format", "csv").stdout
    assert next(csv.DictReader(io.StringIO(history)))["kind"] == "rebuild"
    for args in (("actors", "list"), ("actors", "show", actors[0]["id"]), ("link",)):
        bad = cli(*args, "--format", "xml")
        assert bad.code == 2 and "jsonl" in bad.stderr, args
