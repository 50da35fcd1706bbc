"""``narcwatch exchange convert``: files in, files out, problems on standard error."""

from __future__ import annotations

import json

from narcwatch.jobs.exchange import export_incidents
from tests.exchange.samples import SAMPLES, incident


def test_convert_between_every_format(cli, tmp_path):
    source = tmp_path / "incidents.json"
    source.write_bytes(export_incidents([incident()], "json"))
    stix = tmp_path / "bundle.json"
    assert cli("exchange", "convert", str(source), "--to", "stix", "-o", str(stix)).code == 0
    assert json.loads(stix.read_text())["type"] == "bundle"
    misp = tmp_path / "event.json"
    result = cli(
        "exchange", "convert", str(stix), "--from", "stix", "--to", "misp", "--output", str(misp)
    )
    assert result.code == 0 and "1 incident(s) written as misp, 0 problem(s)" in result.stderr
    result = cli("exchange", "convert", str(misp), "--to", "csv")
    assert result.code == 0 and result.stdout.startswith("id,kind,title,tlp")


def test_bad_objects_are_warnings_naming_them(cli, tmp_path):
    bundle = export_incidents([incident({"btc": SAMPLES["btc"]})], "stix")
    data = json.loads(bundle)
    wallet = next(o for o in data["objects"] if o["type"] == "cryptocurrency-wallet")
    wallet["value"] = "1NotAWalletAtAll"
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    result = cli("exchange", "convert", str(path), "--to", "json")
    assert result.code == 0
    assert (
        f"warning: {path}: {wallet['id']} .value: '1NotAWalletAtAll' is not a valid btc"
        in result.stderr
    )


def test_nothing_readable_exits_1_and_bad_options_exit_2(cli, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    result = cli("exchange", "convert", str(path))
    assert result.code == 1 and "not JSON" in result.stderr
    result = cli("exchange", "convert", str(path), "--to", "xml")
    assert result.code == 2 and "valid: stix, misp, json, csv" in result.stderr
