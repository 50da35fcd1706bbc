"""A fetched page as a :class:`RawDocument`: read exactly as ``narcwatch scan`` reads HTML."""

from __future__ import annotations

import io
from pathlib import Path

from narcwatch.crawl.fetch import Exchange
from narcwatch.crawl.profiles import page_fields
from narcwatch.crawl.scope import host_of
from narcwatch.evidence import Capture
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.decode import decode
from narcwatch.ingest.html import read_html


def read_page(
    response: Exchange, capture: Capture, archive: Path, *, profiles: Path | None = None
) -> RawDocument | None:
    """The page's document (``url`` the final URL, ``platform`` its host, fields from the
    site profile that fits its layout, the analyst's in ``profiles`` first), or None when
    it has no visible text."""
    try:
        where = str(Path(capture.warc_path).relative_to(archive))
    except ValueError:
        where = capture.warc_path
    location = f"{where}@{capture.offset}"[-256:]
    if response.content_type == "text/plain":
        text = decode(response.body).strip()
        if not text:
            return None
        doc = RawDocument(text=text, source=response.url, location=location, raw=response.body)
    else:
        items = read_html(io.BytesIO(response.body), response.url, ReadOptions())
        doc_or_error = next(iter(items), None)
        if not isinstance(doc_or_error, RawDocument):
            return None
        doc = doc_or_error
        doc.location = location
        # A site profile reads the listing's fields (title, price, vendor, ...) by layout.
        fields = page_fields(response.body, response.url, profiles=profiles)
        if fields:
            doc.title = fields.pop("title", None) or doc.title
            doc.author = fields.pop("vendor", None) or doc.author
            doc.fields.update(fields)
    doc.url = response.url
    doc.platform = host_of(response.url) or None
    return doc
