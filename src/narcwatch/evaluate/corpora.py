"""Real third-party corpora read by record id, for measuring detection on text we did not write.

The text stays where it was published (``../shared/data`` beside a checkout); the project
keeps only labels that point into it as ``(record id, span, label)``. A record id names
its corpus before the colon:

* ``oc:<id>``: ``offer-corpus/train.jsonl`` (labelled offer / not_offer, with kind and group);
* ``anita:<id>``: ``offer-corpus/unlabeled_anita_listings.jsonl``;
* ``tweet:<n>``: the n-th keyword tweet of ``trace-telegram-twitter/imgs_0512.json``;
* ``choshen:<file>:<n>``: line n (from 0) of a Choshen train paragraph file;
* ``dream:<n>``: row n of the Dream Market cocaine titles.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from narcwatch.errors import UsageError


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    text: str
    title: str | None = None
    label: str | None = None
    kind: str | None = None
    dataset: str | None = None
    group: str | None = None
    category: str | None = None  # a market's breadcrumb ("Drugs > Cannabis > Weed")
    extra: dict[str, str] = field(default_factory=dict)


def default_data_dir() -> Path:
    """``../shared/data`` beside the checkout this module is installed from."""
    return Path(__file__).resolve().parents[4] / "shared" / "data"


def _need(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"corpus file not found: {path} (pass --data DIR pointing at shared/data)")
    return path


def offer_corpus(data: Path) -> Iterator[Record]:
    path = _need(data / "offer-corpus" / "train.jsonl")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            yield Record(
                id=f"oc:{r['id']}",
                text=r.get("text") or "",
                title=r.get("title"),
                label=r.get("label"),
                kind=r.get("kind"),
                dataset=r.get("dataset"),
                group=r.get("group"),
                category=r.get("category"),
            )


def anita(data: Path) -> Iterator[Record]:
    path = _need(data / "offer-corpus" / "unlabeled_anita_listings.jsonl")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            yield Record(f"anita:{r['id']}", r.get("text") or "", r.get("title"), dataset="anita")


def tweets(data: Path) -> Iterator[Record]:
    path = _need(data / "trace-telegram-twitter" / "imgs_0512.json")
    for n, r in enumerate(json.loads(path.read_text("utf-8"))):
        yield Record(f"tweet:{n}", r.get("content") or "", dataset="tweets")


CHOSHEN_FILES = (
    "ebay.txt",
    "onion_drugs_illegal.txt",
    "onion_drugs_legal.txt",
    "onion_forums_illegal.txt",
    "onion_forums_legal.txt",
)


def choshen(data: Path) -> Iterator[Record]:
    folder = data / "choshen-darknet-legal-illegal" / "data" / "train"
    for name in CHOSHEN_FILES:
        with _need(folder / name).open(encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh):
                yield Record(f"choshen:{name}:{n}", line.rstrip("\n"), dataset=f"choshen:{name}")


def dream(data: Path) -> Iterator[Record]:
    path = _need(data / "dream-cocaine" / "dream_market_cocaine_listings.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            title = row.get("product_title") or ""
            yield Record(f"dream:{n}", title, title, dataset="dream", extra=dict(row))


CORPORA = {"oc": offer_corpus, "anita": anita, "tweet": tweets, "choshen": choshen, "dream": dream}


def iter_corpus(name: str, data: Path | None = None) -> Iterator[Record]:
    if name not in CORPORA:
        raise UsageError(f"unknown corpus {name!r}", value=name, options=sorted(CORPORA))
    return CORPORA[name](data or default_data_dir())


def load_records(ids: set[str], data: Path | None = None) -> dict[str, Record]:
    """The records with these ids, reading only the corpora they name."""
    out: dict[str, Record] = {}
    for name in sorted({i.split(":", 1)[0] for i in ids}):
        for rec in iter_corpus(name, data):
            if rec.id in ids:
                out[rec.id] = rec
    missing = ids - out.keys()
    if missing:
        raise UsageError(
            f"{len(missing)} labelled record(s) not in the corpora, e.g. {min(missing)}"
        )
    return out
