"""The exchange jobs the sharing server calls: export to bytes, import to drafts and errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from narcwatch.errors import NoInputError, UsageError
from narcwatch.jobs.exchange import convert_file, export_incidents, import_incidents
from narcwatch.results.incident import Incident
from tests.exchange.samples import SAMPLES, incident


@pytest.mark.parametrize("fmt", ["stix", "misp", "json"])
def test_export_then_import_gives_the_incidents_back(fmt):
    inc = incident({"btc": SAMPLES["btc"], "telegram": SAMPLES["telegram"]})
    body = export_incidents([inc], fmt)
    assert isinstance(body, bytes)
    drafts, errors = import_incidents(body, "auto", source="upload")
    assert errors == []
    assert drafts == [inc]


def test_csv_is_one_row_per_incident_with_the_model_columns():
    a, b = incident({"btc": SAMPLES["btc"]}, id="a"), incident({"email": SAMPLES["email"]}, id="b")
    rows = list(csv.DictReader(io.StringIO(export_incidents([a, b], "csv").decode())))
    assert [r["id"] for r in rows] == ["a", "b"]
    assert tuple(rows[0]) == Incident.columns
    assert rows[1]["selectors"] == '{"type":"email","value":"orders@example.com"}'


def test_unknown_formats_and_kinds_are_usage_errors():
    with pytest.raises(UsageError, match="valid: stix, misp, json, csv"):
        export_incidents([], "xml")
    with pytest.raises(UsageError, match="valid: auto, stix"):
        import_incidents(b"{}", "xml")
    with pytest.raises(UsageError, match="unknown incident kind"):
        import_incidents(b"{}", "json", default_kind="theft")


def test_convert_file_reports_drafts_it_cannot_write(tmp_path):
    foreign = {
        "Event": {
            "info": "from a feed",
            "Tag": [{"name": "tlp:green"}],
            "Attribute": [{"uuid": "a1", "type": "btc", "value": SAMPLES["btc"]}],
        }
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(foreign), encoding="utf-8")
    out, count, errors = convert_file(None, path, "json", default_kind="seizure")
    [draft] = json.loads(out)
    assert count == 1 and errors == []
    assert draft["kind"] == "seizure" and draft["tlp"] == "GREEN" and "id" not in draft
    with pytest.raises(NoInputError, match="no complete incident to write as stix"):
        convert_file(None, path, "stix")
    with pytest.raises(NoInputError, match="cannot read"):
        convert_file(None, tmp_path / "missing.json", "stix")


def test_pymisp_and_stix2_load_without_the_network():
    """Importing the converters (pymisp reads its describeTypes and object templates from
    the package) opens no connection: a socket that refuses to connect proves it."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from narcwatch.jobs.exchange import export_incidents\n"
        "from tests.exchange.samples import incident\n"
        "for fmt in ('stix', 'misp'): export_incidents([incident()], fmt)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
