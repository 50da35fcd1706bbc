"""Synthetic incidents for the exchange tests (documentation addresses, example.com)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from narcwatch.results.incident import (
    Country,
    Incident,
    IncidentSelector,
    IncidentSubstance,
    LinkedDocument,
    ModusOperandi,
)
from tests.selectors.test_crypto import XMR_STAGENET

# One valid, already normalised value per selector type of mappings.yaml (and one type no
# entry names, which goes through the '*' entry).
SAMPLES = {
    "btc": "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "xmr": "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCq"
    "Y45DJ852K5Jv2684Rge",
    "eth": "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
    "ltc": "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9",
    "doge": "DPS6iZj7roHquvwRYXNBua9QtKPzigUUhM",
    "trx": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "bch": "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
    "btc-testnet": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
    "ltc-testnet": "tltc1qu78xur5xnq6fjy83amy0qcjfau8m367defyhms",
    "xmr-testnet": XMR_STAGENET,
    "email": "orders@example.com",
    "url": "https://shop.example.com/item?id=7",
    "domain": "shop.example.com",
    "onion": "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
    "onion-v2": "expyuzz4wqqyqhjn.onion",
    "i2p": "shop.i2p",
    "phone": "+33612345678",
    "iban": "DE89370400440532013000",
    "telegram": "green_shop_nl",
    "whatsapp": "+33612345679",
    "signal": "shop.01",
    "wickr": "shop_nl",
    "threema": "ABCD1234",
    "wire": "shop_wire",
    "session": "05" + "a" * 64,
    "snapchat": "shopnl",
    "instagram": "shop.nl",
    "handle": "shop_handle",
    "telegram-invite": "AbCdEfGhIjKlMnOp",
    "whatsapp-invite": "AbCdEfGhIjKlMnOpQrStUv",
    "pgp-fingerprint": "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678",
    "pgp-keyid": "0123456789ABCDEF",
    "pgp-uid": "Shop NL <orders@example.com>",
    "plugin-type": "anything a plugin extracts",
}
SHA = "0123456789abcdef" * 4


def incident(
    selectors: dict[str, str] | None = None, *, id: str = "inc-1", **changes: object
) -> Incident:
    """A complete incident: every field set, ``selectors`` (type -> value) or SAMPLES."""
    data: dict[str, object] = {
        "id": id,
        "org": "Customs-NL",
        "created": datetime(2026, 11, 3, 10, 0, 0, 123000, tzinfo=UTC),
        "updated": datetime(2026, 11, 4, 9, 30, tzinfo=UTC),
        "kind": "suspicious_shipment",
        "title": "Parcels of tablets from one vendor",
        "tlp": "AMBER+STRICT",
        "sharing_group": "ports",
        "status": "open",
        "substances": [
            IncidentSubstance(id="cocaine", quantity=5, unit="g"),
            IncidentSubstance(id="fentanyl"),
        ],
        "selectors": [IncidentSelector(type=t, value=v) for t, v in (selectors or SAMPLES).items()],
        "countries": [Country(code="NL", role="origin"), Country(code="ES", role="destination")],
        "occurred": date(2026, 10, 30),
        "modus_operandi": ModusOperandi(concealment="toys", transport="postal", platform="market"),
        "documents": [LinkedDocument(sha256=SHA, url="http://x.example/p", evidence_sha256=SHA)],
        "notes": "Two parcels; the vendor's 'shop' page.\nSecond line.",
    }
    data.update(changes)
    return Incident.model_validate(data)
