"""Which codes a search word names: "Kirche" or "church" -> AdV 3041, "Fußweg" -> BGT "voetpad".

A word matches a code when it is part of the code's name in any of the site's languages, so a
search finds objects by what they are, whatever language the visitor searches in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from participation.twin_names import adv, bag, bgt

MIN_LENGTH = 3  # shorter words name half of every code list


@dataclass
class CodeMatches:
    """What to look for in the columns: AdV codes (a group code stands for its whole group), the BGT/BAG
    values of ``function``, and AdV roof forms."""

    building_functions: list[str] = field(default_factory=list)
    function_values: list[str] = field(default_factory=list)
    roof_forms: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.building_functions or self.function_values or self.roof_forms)


def in_every_language(text) -> str:
    """A lazy text in all the site's languages, lower-cased for matching: "kirche | church"."""
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.append(str(text).casefold())
    return " | ".join(dict.fromkeys(found))


@functools.cache
def _names() -> dict[str, list[tuple[str, str]]]:
    """(value, its names in every language) of each code list; translations do not change at run time."""

    def named(values: dict) -> list[tuple[str, str]]:
        return [(value, in_every_language(text)) for value, text in values.items()]

    return {
        "building_functions": named(adv.BUILDING_FUNCTIONS),
        "function_values": named(bgt.TERMS) + named(bag.USES),
        "roof_forms": named(adv.ROOF_FORMS),
    }


def code_matches(query: str) -> CodeMatches:
    """The codes whose name contains the query, in any language; none for fewer than MIN_LENGTH letters."""
    word = (query or "").strip().casefold()
    if len(word) < MIN_LENGTH:
        return CodeMatches()
    found = {key: [value for value, names in entries if word in names] for key, entries in _names().items()}
    return CodeMatches(**found)


def group_prefix(code: str) -> str:
    """The codes a group code stands for, as a prefix: 3040 -> "304", 3000 -> "3", 3041 -> "3041"."""
    return code.rstrip("0") or code
