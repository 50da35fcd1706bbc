"""A synthetic market: vendors who change names, share wallets, reuse PGP keys across
markets, an escrow wallet every vendor pays into, and a seller who quotes an exchange's
wallet. Documents are built as findings and stored, as `narcwatch scan` would."""

from __future__ import annotations

import itertools

from narcwatch.model import DocumentMeta, Finding, SelectorHit, SubstanceHit

_N = itertools.count(1)
PGP = "ABCD" * 10
ESCROW = ("btc", "bc1qescrowmarketwallet")
BINANCE = ("eth", "0x28c6c06298d514db089934071355e5743bf21d60")  # in market_selectors.yaml


def listing(platform: str, vendor: str | None, *selectors: tuple[str, str], substance="cocaine"):
    n = next(_N)
    hits = [SelectorHit(type=t, value=v, matched=v, span=(0, len(v))) for t, v in selectors]
    if vendor:
        hits.append(
            SelectorHit(
                type="vendor", value=vendor.casefold(), matched=vendor, span=(0, 0), strength="weak"
            )
        )
    return Finding(
        doc=DocumentMeta(
            id=f"{n:064x}",
            source="m.jsonl",
            location=f"line {n}",
            source_id=str(n),
            platform=platform,
            author=vendor,
        ),
        substances=[SubstanceHit(id=substance, name=substance, matched=substance, span=(0, 1))],
        selectors=hits,
    )


def market_docs() -> dict[str, Finding]:
    docs = {
        # Same vendor name on one market: one actor.
        "snow1": listing("dream", "SnowWhite"),
        "snow2": listing("dream", "SnowWhite"),
        # After an exit scam, renamed on another market, same PGP key: same actor.
        "snow3": listing("wallstreet", "Snow_Queen", ("pgp-fingerprint", PGP)),
        "snow4": listing("dream", "SnowWhite", ("pgp-fingerprint", PGP)),
        # Same name on another market, nothing else in common: not linked.
        "other": listing("wallstreet", "SnowWhite"),
        # Two names sharing a wallet: one actor.
        "w1": listing("dream", "PillKing", ("btc", "bc1qsharedvendorwallet")),
        "w2": listing(
            "telegram", "pills_direct", ("btc", "bc1qsharedvendorwallet"), substance="alprazolam"
        ),
        # Two sellers who both paste Binance's wallet ("pay via Binance"): not one actor.
        "x1": listing("telegram", "chem_uk", BINANCE),
        "x2": listing("telegram", "rc_labs", BINANCE),
    }
    # The market's escrow wallet appears with many vendors: it must not link them.
    for i in range(5):
        docs[f"e{i}"] = listing("dream", f"Vendor{i}", ESCROW)
    return docs
