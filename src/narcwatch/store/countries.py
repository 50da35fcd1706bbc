"""The countries of a stored finding, for the review queue's country filter and the
offers-per-country chart.

A finding names no country of its own; two things in it do:

- an origin column of a listing (``origin``, ``ships from``, ``country``... in
  ``doc.fields``) holding a country's English name or its ISO 3166-1 alpha-2 code;
- a phone number (E.164), whose calling code and number plan give its region.

Both are read from the finding as stored, so no schema change is needed; the SQL only
narrows the candidates (:func:`country_prefilter`) and :func:`countries_of` decides.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import phonenumbers
from phonenumbers.geodata.locale import LOCALE_DATA
from sqlalchemy import func, or_

from narcwatch.store.tables import DocumentRow

__all__ = ["ORIGIN_FIELDS", "countries_of", "country_name", "country_prefilter"]

# Column names (without case, spaces, dashes, dots or underscores) that give where a
# listing ships from.
ORIGIN_FIELDS = frozenset(
    {"origin", "country", "shipsfrom", "shipfrom", "shippingfrom", "origincountry",
     "countryoforigin", "vendorcountry", "location"}
)  # fmt: skip
_SEP = re.compile(r"[\s_\-.]+")
# Names written for a country that are not its English name.
_ALIASES = {
    "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "usa": "US", "us": "US", "united states of america": "US", "america": "US",
    "holland": "NL", "the netherlands": "NL", "deutschland": "DE",
    "russian federation": "RU", "czech republic": "CZ",
}  # fmt: skip


def _english(code: str) -> str | None:
    names = LOCALE_DATA.get(code, {})
    name = names.get("en") or names.get("aa")
    while name and name.startswith("*"):  # a reference to another language's entry
        name = names.get(name[1:])
    return name


@cache
def _names() -> dict[str, str]:
    """Lower-case country name or alias -> ISO code."""
    found = {}
    for code in LOCALE_DATA:
        if len(code) == 2 and (name := _english(code)):
            found[name.casefold()] = code
    found.update(_ALIASES)
    return found


def country_name(code: str) -> str:
    """The English name of an ISO code (the code itself when unknown)."""
    return _english(code.upper()) or code.upper()


def _code(value: str) -> str | None:
    text = " ".join(value.split()).casefold()
    if text in _names():
        return _names()[text]
    return text.upper() if len(text) == 2 and text.upper() in LOCALE_DATA else None


def countries_of(finding: dict[str, Any]) -> set[str]:
    """ISO codes of a finding (a stored finding's JSON as a dict): its origin column's
    country and the regions of its phone numbers."""
    found = set()
    fields = (finding.get("doc") or {}).get("fields") or {}
    for key, value in fields.items():
        named = _SEP.sub("", str(key)).casefold() in ORIGIN_FIELDS
        if named and isinstance(value, str) and (code := _code(value)):
            found.add(code)
    for sel in finding.get("selectors") or []:
        if sel.get("type") == "phone" and str(sel.get("value", "")).startswith("+"):
            try:
                region = phonenumbers.region_code_for_number(phonenumbers.parse(sel["value"]))
            except phonenumbers.NumberParseException:
                continue
            if region and region != "ZZ":
                found.add(region)
    return found


def country_prefilter(code: str) -> Any:
    """A SQL condition true for every finding :func:`countries_of` may give ``code`` (and
    some more): its calling code after a ``+``, its name or an alias, or the code quoted."""
    code = code.upper()
    finding = func.lower(DocumentRow.finding)
    options = [DocumentRow.finding.like(f'%"{code}"%')]
    if calling := phonenumbers.country_code_for_region(code):
        options.append(DocumentRow.finding.like(f'%"+{calling}%'))
    for name, named in _names().items():
        if named == code:
            options.append(finding.like(f'%"{name}"%'))
    return or_(*options)
