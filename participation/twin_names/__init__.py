"""Human names of the twin's objects: from their own name or address, else described in the words of
the official code lists (one module per standard: ``adv`` for German, ``bgt`` and ``bag`` for Dutch
city models), in the visitor's language. Pure functions of a row's values: no queries."""

from participation.twin_names.naming import NO_VALUE, category, description, function_label, label, metres, roof_label
from participation.twin_names.search import CodeMatches, code_matches

__all__ = [
    "NO_VALUE",
    "CodeMatches",
    "category",
    "code_matches",
    "description",
    "function_label",
    "label",
    "metres",
    "roof_label",
]
