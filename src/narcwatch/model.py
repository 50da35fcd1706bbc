"""The one result model every front door (CLI, API, exporters) renders.

A :class:`Finding` is what ``narcwatch scan`` says of one document. Its JSON form is the
``narcwatch.finding/1`` contract; its JSON Schema is generated from these classes
(:func:`narcwatch.schemas.finding_schema`), descriptions and constraints included.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID: Literal["narcwatch.finding/1"] = "narcwatch.finding/1"

Offset = Annotated[int, Field(ge=0)]
Span = tuple[Offset, Offset]
SPAN_HELP = "[start, end) character offsets into the document's extracted text"
CONTROL_PATTERN = (
    r"^(1961-(I|II|III|IV)|1971-(I|II|III|IV)|1988-(I|II)|watch:[a-z0-9-]+|national:.+)$"
)


class _Model(BaseModel):
    # Every key is always written (the schema marks them required), except those in
    # ``omit_none``: to_json_dict leaves them out when they are None.
    model_config = ConfigDict(
        extra="forbid", frozen=False, json_schema_serialization_defaults_required=True
    )
    omit_none: ClassVar[frozenset[str]] = frozenset()


class DocumentMeta(_Model):
    """Where a document came from and what it is; ``id`` is the SHA-256 of its source bytes."""

    omit_none: ClassVar[frozenset[str]] = frozenset({"text", "fields"})

    id: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 hex of the source bytes")
    source_id: str | None = Field(
        None, description="the record's own id (JSON id, CSV id column, message id)"
    )
    source: str = Field(description="file path, '<stdin>' or URL it was read from")
    location: str = Field(
        description="where in the source: 'line N', 'offset N' (WARC record) or 'file'"
    )
    url: str | None = None
    title: str | None = None
    platform: str | None = None
    author: str | None = Field(None, description="author or vendor name as given by the input")
    published: str | None = Field(None, description="ISO 8601 date-time, UTC when known")
    lang: str | None = Field(None, pattern=r"^[a-z]{2}$", description="ISO 639-1 code")
    text: str | None = Field(None, description="the extracted text, only with --include-text")
    fields: dict[str, str] | None = Field(
        None, description="other input columns (price, origin, ...)"
    )


class SubstanceHit(_Model):
    omit_none: ClassVar[frozenset[str]] = frozenset({"via"})

    id: str = Field(description="knowledge-base id")
    name: str = Field(description="preferred name")
    matched: str = Field(description="the text as it appears")
    span: Span = Field(description=SPAN_HELP)
    # The pattern is the contract's, checked by the schema and the knowledge-base lint;
    # not re-validated on every hit (a scan makes millions).
    control: list[str] = Field(
        default_factory=list,
        description="schedules: 1961-I..IV, 1971-I..IV, 1988-I..II, watch:LIST, national:...",
        json_schema_extra={"items": {"type": "string", "pattern": CONTROL_PATTERN}},
    )
    category: str | None = None
    via: str | None = Field(
        None, description="how it matched: name, synonym, lang-name, slang, emoji, cas, fuzzy"
    )


class SelectorHit(_Model):
    """One selector value, once per document, with every place the text gives it."""

    omit_none: ClassVar[frozenset[str]] = frozenset({"field"})

    type: str
    value: str = Field(description="validated, normalized value")
    matched: str = Field(description="the text at the first span, or the field as written")
    span: Span | None = Field(
        description=f"the first occurrence: {SPAN_HELP}; null when the value came from an "
        "input field (see field) and the text does not give it"
    )
    spans: list[Span] = Field(
        default_factory=list,
        description="every occurrence in text order (span is the first; at most 50, the "
        "rest counted in omitted)",
    )
    strength: Literal["strong", "weak"] = "strong"
    field: str | None = Field(
        None, description="the input field the value was taken from (author), if not the text"
    )


class Quantity(_Model):
    omit_none: ClassVar[frozenset[str]] = frozenset({"count", "amount_max"})

    amount: float = Field(ge=0)
    unit: str
    span: Span = Field(description=SPAN_HELP)
    count: int | None = Field(None, ge=0, description='"100 x 20mg": count 100, amount 20')
    amount_max: float | None = Field(None, ge=0, description='ranges such as "1kg-100kg"')


class Price(_Model):
    omit_none: ClassVar[frozenset[str]] = frozenset({"per"})

    amount: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z0-9]{2,6}$")
    span: Span = Field(description=SPAN_HELP)
    per: str | None = Field(None, description='"80 euros le g": per "g"')


class Finding(_Model):
    """What narcwatch scan says of one document. Spans are [start, end) character offsets
    into the document's extracted text (doc.text with --include-text)."""

    omit_none: ClassVar[frozenset[str]] = frozenset({"omitted"})

    schema_: Literal["narcwatch.finding/1"] = Field(default=SCHEMA_ID, alias="schema")
    doc: DocumentMeta
    offer: bool = Field(False, description="offer_score >= the threshold")
    offer_score: float = Field(default=0.0, ge=0.0, le=1.0)
    offer_kind: Literal["drug", "other"] | None = Field(
        None,
        description="What is offered: drug (offer is true: a controlled, watched or "
        "prescription drug), other (something is offered but no drug: fake documents, fraud "
        "guides, spam goods), null (no offer: talk, news, reviews, reports).",
    )
    substances: list[SubstanceHit] = Field(default_factory=list)
    selectors: list[SelectorHit] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    prices: list[Price] = Field(default_factory=list)
    risk: float = Field(default=0.0, ge=0.0, le=1.0)
    reasons: list[str] = Field(default_factory=list)
    omitted: dict[str, Annotated[int, Field(ge=1)]] | None = Field(
        None,
        description="Hits left out of each list when a document holds more than a finding "
        "keeps (at most 50 per value, 1000 per list, first in text order); term_matches: "
        "matches of one term past the first 2000, never checked.",
    )

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_serialization_defaults_required=True
    )

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
        for key, model in _HIT_MODELS.items():
            items = data[key]
            assert isinstance(items, list)
            for item in items:
                for k in [k for k in model.omit_none if item.get(k, 0) is None]:
                    del item[k]
        return data


_HIT_MODELS: dict[str, type[_Model]] = {
    "substances": SubstanceHit,
    "selectors": SelectorHit,
    "quantities": Quantity,
    "prices": Price,
}
