"""Site profiles: reading a listing page's fields (title, price, vendor, ...) by layout.

Profiles are data (``crawl/profiles/*.yaml`` in the package, and ``HOME/profiles/*.yaml``
for an analyst's own site layouts), each with examples a test proves. The first profile
whose ``detect`` selector matches a page (and whose ``url`` pattern, if any, matches its
URL) fills the document's fields, which findings carry and the offer model reads.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from narcwatch.errors import KnowledgeBaseError

PACKAGED = Path(__file__).parent / "profiles"
FieldName = Literal[
    "title",
    "price",
    "currency",
    "vendor",
    "description",
    "category",
    "sku",
    "ships_from",
    "ships_to",
]


class ProfileExample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    html: str
    expect: dict[str, str]


class SiteProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str
    detect: str
    url: str | None = None  # a regular expression the page URL must match
    fields: dict[FieldName, str]
    sources: list[str] = Field(min_length=1)
    examples: list[ProfileExample] = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value

    def applies(self, tree: HTMLParser, url: str | None) -> bool:
        if self.url and not (url and re.search(self.url, url)):
            return False
        return tree.css_first(self.detect) is not None

    def read(self, tree: HTMLParser) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, selector in self.fields.items():
            node = tree.css_first(selector)
            if node is None:
                continue
            # Microdata and <meta> put the machine-readable value in `content`.
            value = node.attributes.get("content") or node.text(separator=" ", strip=True)
            if value:
                out[name] = " ".join(value.split())[:2000]
        return out


def load_profiles(*dirs: Path) -> list[SiteProfile]:
    """Profiles of the given directories (packaged ones first), validated."""
    profiles: list[SiteProfile] = []
    for folder in (PACKAGED, *dirs):
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
                    "profiles", []
                )
            except (yaml.YAMLError, AttributeError) as exc:
                raise KnowledgeBaseError(str(path), f"not a profiles file: {exc}") from None
            for i, raw in enumerate(entries):
                try:
                    profiles.append(SiteProfile.model_validate(raw))
                except ValidationError as exc:
                    err = exc.errors()[0]
                    where = ".".join(str(p) for p in err["loc"])
                    raise KnowledgeBaseError(
                        str(path), err["msg"], entry=f"#{i + 1}", field=where
                    ) from None
    return profiles


@lru_cache(maxsize=8)
def _cached(directory: Path | None) -> tuple[SiteProfile, ...]:
    return tuple(load_profiles(*([directory] if directory else [])))


def page_fields(html: bytes, url: str | None, *, profiles: Path | None = None) -> dict[str, str]:
    """The fields of the first profile that applies to this page ({} when none does):
    the analyst's profiles in ``profiles`` (``HOME/profiles``) first, then the packaged."""
    tree = HTMLParser(html)
    for profile in _cached(profiles):
        if profile.applies(tree, url):
            return profile.read(tree) | {"profile": profile.id}
    return {}
