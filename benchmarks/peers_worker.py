"""Runs inside the peers' own virtual environment (benchmarks/.peers-venv), never in
narcwatch's: reads texts as JSON on stdin, prints what iocextract or ioc-finder extracts,
mapped to narcwatch's selector types, and the seconds the tool spent.

    python peers_worker.py iocextract|ioc-finder < texts.json > found.json
"""

from __future__ import annotations

import json
import sys
import time
from urllib.parse import urlsplit


def _onions(urls: list[str]) -> list[tuple[str, str]]:
    out = []
    for url in urls:
        host = (urlsplit(url if "//" in url else f"http://{url}").hostname or "").lower()
        if host.endswith(".onion"):
            out.append(("onion", host.split(".")[-2] + ".onion"))
    return out


def run_iocextract(text: str) -> list[tuple[str, str]]:
    import iocextract

    found = [("email", e) for e in iocextract.extract_emails(text, refang=True)]
    found += [("phone", p) for p in iocextract.extract_telephone_nums(text)]
    found += _onions(list(iocextract.extract_urls(text, refang=True)))
    return found


def run_ioc_finder(text: str) -> list[tuple[str, str]]:
    from ioc_finder import find_iocs
    from ioc_finder.ioc_finder import SUPPORTED_IOC_TYPES

    # Recent releases look for a few types by default; ask for everything it knows.
    iocs = find_iocs(text, included_ioc_types=SUPPORTED_IOC_TYPES)
    found = [("btc", v) for v in iocs.get("bitcoin_addresses", [])]
    found += [("xmr", v) for v in iocs.get("monero_addresses", [])]
    found += [("email", v) for v in iocs.get("email_addresses", [])]
    found += _onions(list(iocs.get("urls", [])) + list(iocs.get("domains", [])))
    return found


TOOLS = {"iocextract": run_iocextract, "ioc-finder": run_ioc_finder}


def main() -> None:
    run = TOOLS[sys.argv[1]]
    texts = json.load(sys.stdin)
    start = time.perf_counter()
    found = [sorted(set(run(t))) for t in texts]
    json.dump({"seconds": time.perf_counter() - start, "found": found}, sys.stdout)


if __name__ == "__main__":
    main()
