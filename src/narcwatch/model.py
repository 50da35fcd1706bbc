"""The one result model every front door (CLI, API, exporters) renders.

A :class:`Finding` is what ``narcwatch scan`` says of one document. Its JSON form is the
``narcwatch.finding/1`` contract, described by ``schemas/finding.schema.json``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "narcwatch.finding/1"

Span = tuple[int, int]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class DocumentMeta(_Model):
    """Where a document came from and what it is; ``id`` is the SHA-256 of its source bytes."""

    id: str = Field(pattern=r"^[0-9a-f]{64}$")
    source_id: str | None = None
    source: str
    location: str
    url: str | None = None
    title: str | None = None
    platform: str | None = None
    author: str | None = None
    published: str | None = None
    lang: str | None = None
    text: str | None = None
    fields: dict[str, str] | None = None


class SubstanceHit(_Model):
    id: str
    name: str
    matched: str
    span: Span
    control: list[str] = Field(default_factory=list)
    category: str | None = None
    via: str | None = None  # how it matched: name, synonym, slang, emoji, cas, fuzzy


class SelectorHit(_Model):
    type: str
    value: str
    matched: str
    span: Span
    strength: Literal["strong", "weak"] = "strong"


class Quantity(_Model):
    amount: float
    unit: str
    span: Span
    count: int | None = None  # "100 x 20mg" -> count=100, amount=20, unit=mg
    amount_max: float | None = None  # ranges such as "1kg-100kg"


class Price(_Model):
    amount: float
    currency: str
    span: Span
    per: str | None = None  # "80 euros le g" -> per="g"


class Finding(_Model):
    schema_: str = Field(default=SCHEMA_ID, alias="schema")
    doc: DocumentMeta
    offer: bool = False
    offer_score: float = Field(default=0.0, ge=0.0, le=1.0)
    # What is offered: "drug" (offer is true), "other" (something is offered, but no drug:
    # fake documents, fraud guides, spam goods), or None (no offer: talk, news, reviews).
    offer_kind: Literal["drug", "other"] | None = None
    substances: list[SubstanceHit] = Field(default_factory=list)
    selectors: list[SelectorHit] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    prices: list[Price] = Field(default_factory=list)
    risk: float = Field(default=0.0, ge=0.0, le=1.0)
    reasons: list[str] = Field(default_factory=list)
    # Hits left out of each list above when a document holds more than a finding keeps
    # (``narcwatch.limits``), e.g. {"substances": 199005}; absent when nothing was left out.
    omitted: dict[str, int] | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json_dict(self) -> dict[str, object]:
        """The contract's JSON object: ``schema`` key, no absent optional doc keys dropped."""
        data = self.model_dump(by_alias=True, exclude_none=False)
        doc = data["doc"]
        assert isinstance(doc, dict)
        if data.get("omitted") is None:
            data.pop("omitted", None)
        for optional in ("text", "fields"):
            if doc.get(optional) is None:
                doc.pop(optional, None)
        for key in ("substances", "selectors", "quantities", "prices"):
            items = data[key]
            assert isinstance(items, list)
            for item in items:
                for k in [k for k, v in item.items() if v is None and k != "category"]:
                    del item[k]
        return data
