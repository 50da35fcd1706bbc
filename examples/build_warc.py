"""Rebuild examples/market-capture.warc.gz, the sample web archive (run: python examples/build_warc.py).

It holds what a crawler (wget --warc-file, Webrecorder) would have captured from a made-up
onion market: two listing pages, a vendor page, an image and a robots.txt. Addresses are
generated with valid checksums but belong to nobody.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

MARKET = "http://kv74ylctnfnux2wa5zffl73b7wizbqekvdo4pxvqr3jxfshh75a5twad.onion"

PAGES = {
    "/listing/8812": """<html><head><title>Heroin #4 white - 1g | DarkBazaar</title></head><body>
<div class="listing"><h1>Afghan heroin #4, white powder, 1 gram</h1>
<p class="vendor">Vendor: <a href="/vendor/goldenpoppy">GoldenPoppy</a> (312 sales, 4.8/5)</p>
<p class="price">USD 95.00 / 0.0031 BTC</p><p>Ships from: Germany. Ships to: Worldwide except USA.</p>
<p>Strong #4, not cut with fentanyl (tested with strips). 5g for $420. Escrow or FE for 100+ sales buyers.</p>
</div></body></html>""",
    "/listing/9120": """<html><head><title>LSD blotters 150ug x10 | DarkBazaar</title></head><body>
<h1>LSD 150µg blotters, 10 tabs</h1><p>Vendor: AcidQueen. Price: €65. Ships from NL.</p>
<p>Contact backup: Session 05a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f901 or wickr acidqueen_nl</p>
</body></html>""",
    "/vendor/goldenpoppy": """<html><head><title>GoldenPoppy - vendor profile</title></head><body>
<h1>GoldenPoppy</h1><p>Old vendor from Wall Street and Dream. Same PGP key. Backup shop:
http://bgld33horuy6623czj5cm5r3garje26vx3cbpvobriwcr37jswcajyad.onion</p>
<pre>-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256
I am GoldenPoppy and I only sell here and on my own shop.
</pre></body></html>""",
}


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str) -> None:
    http = StatusAndHeaders(
        "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http)
    writer.write_record(record)


def build(path: Path) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(
            writer.create_warcinfo_record(path.name, {"software": "narcwatch example builder"})
        )
        _response(writer, MARKET + "/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain")
        for route, html in PAGES.items():
            _response(writer, MARKET + route, html.encode(), "text/html; charset=utf-8")
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
        _response(writer, MARKET + "/static/logo.png", png, "image/png")


if __name__ == "__main__":
    build(Path(__file__).with_name("market-capture.warc.gz"))
