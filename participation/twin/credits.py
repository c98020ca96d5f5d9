"""Who to credit for a twin dataset: its licence may require it wherever the data is shown."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# (pattern on the source name, credit); the first that matches wins. The Delft model is imported as
# "delft.city.json" (its file name) unless the import names it otherwise.
CREDITS = [
    (re.compile(r"^delft\b", re.IGNORECASE), _("3D city model Delft, Gemeente Delft / BGT via cityjson/cjio (MIT)")),
]


def source_credit(source: str) -> str:
    """The credit line for a dataset: the known one for its source, else the source's own name."""
    for pattern, credit in CREDITS:
        if pattern.search(source or ""):
            return str(credit)
    return source
