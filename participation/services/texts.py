"""What citizens write, cleaned the same way wherever it comes from (web, API, terminal, paper)."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from participation.errors import InvalidInput

# Format characters that are part of writing, not noise: the zero-width joiner
# holds emoji sequences together, the non-joiner is part of Persian spelling.
_KEPT_CONTROLS = "\n\t\u200c\u200d"


def clean_text(text: str, *, limit: int | None = None) -> str:
    """Text without stray control characters, not empty, at most ``limit`` characters (contributions' by default)."""
    # Keep line breaks, tabs and joiners; drop other control characters a paste may carry.
    text = "".join(ch for ch in (text or "") if ch in _KEPT_CONTROLS or unicodedata.category(ch)[0] != "C")
    text = text.strip()
    if not text:
        raise InvalidInput(_("Please write something."), field="text")
    limit = limit or settings.CONTRIBUTION_MAX_LENGTH
    if len(text) > limit:
        raise InvalidInput(
            _("Please keep it to %(limit)d characters (you wrote %(length)d).") % {"limit": limit, "length": len(text)},
            field="text",
        )
    return text
