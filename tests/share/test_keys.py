"""The keys incidents are indexed and correlated by: the same value typed differently is
one key; different values never are."""

from __future__ import annotations

import pytest

from narcwatch.results.incident import IncidentDraft
from narcwatch.share.keys import incident_keys, normalise_selector, selector_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("btc", "bc1qAR0SRRR7"), ("BTC", " bc1qar0srrr7 ")),  # bech32 ignores case
        (("email", "Shop@Example.ORG"), ("email", "shop@example.org")),
        (("telegram", "@Shop_Bot"), ("telegram", "shop_bot")),
        (("phone", "+33 6 12-34.56 (78)"), ("phone", "+33612345678")),
        (("pgp", "ab12 cd34"), ("pgp", "AB12CD34")),
        (("onion", "ABC.onion"), ("onion", "abc.onion")),
        (("email", "ｓhop@example.org"), ("email", "shop@example.org")),  # NFKC fullwidth
    ],
)
def test_one_value_written_two_ways_is_one_key(a, b):
    assert selector_key(*a).ident == selector_key(*b).ident


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("btc", "1BoatSLRHtKNngkdXEeo"), ("btc", "1boatslrhtknngkdxeeo")),  # base58
        (("xmr", "4Abc"), ("xmr", "4ABC")),  # base58: case is the address
        (("email", "a@x.org"), ("phone", "a@x.org")),  # the type is part of the key
    ],
)  # fmt: skip
def test_different_values_are_different_keys(a, b):
    assert selector_key(*a).ident != selector_key(*b).ident


def test_normalised_values_are_what_alerts_show():
    assert normalise_selector(" Telegram ", "@Shop") == ("telegram", "shop")


def test_an_incident_has_each_key_once_and_routes_need_both_ends():
    draft = IncidentDraft(
        kind="seizure", title="t",
        selectors=[{"type": "btc", "value": "bc1qx"}, {"type": "BTC", "value": "BC1QX"}],
        substances=[{"id": "cocaine"}, {"id": "Cocaine"}, {"id": "heroin"}],
        countries=[{"code": "CO", "role": "origin"}, {"code": "PE", "role": "origin"},
                   {"code": "ES", "role": "destination"}, {"code": "NL", "role": "transit"}],
        documents=[{"sha256": "a" * 64, "evidence_sha256": "b" * 64}],
    )  # fmt: skip
    keys = incident_keys(draft)
    assert len({k.ident for k in keys}) == len(keys)
    by_kind: dict[str, list[str]] = {}
    for k in keys:
        by_kind.setdefault(k.kind, []).append(k.value)
    assert by_kind["selector"] == ["btc:bc1qx"]
    assert sorted(by_kind["route"]) == [
        "cocaine|CO>ES", "cocaine|PE>ES", "heroin|CO>ES", "heroin|PE>ES",
    ]  # fmt: skip
    assert sorted(by_kind["document"]) == ["a" * 64, "b" * 64]
    assert sorted(by_kind["country"]) == ["CO", "ES", "NL", "PE"]
    only_origin = IncidentDraft(kind="seizure", title="t", substances=[{"id": "cocaine"}],
                                countries=[{"code": "CO", "role": "origin"}])  # fmt: skip
    assert "route" not in {k.kind for k in incident_keys(only_origin)}
