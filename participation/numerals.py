"""Whole numbers written in a query, a form field or a socket message: "12", never "²".

``str.isdigit()`` is true for superscripts and other digit characters that ``int()`` refuses (``"²"``) and for
any number of digits, which ``int()`` refuses past 4,300 and the database past 64 bits: checked with it alone,
such a text fails with a ValueError (a 500) instead of being refused.
"""

from __future__ import annotations

# The largest id the database holds (a signed 64-bit integer): a larger number would make it fail, not find nothing.
ID_MAX = 2**63 - 1
# ... which has 19 digits; 18 always fit.
ID_DIGITS = 18


def ascii_number(value: object, *, digits: int = ID_DIGITS) -> int | None:
    """``value`` as a whole number if it is text of 1 to ``digits`` ASCII digits (spaces around allowed), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (0 < len(text) <= digits and text.isascii() and text.isdigit()):
        return None
    return int(text)


def is_id(value: object) -> bool:
    """Whether ``value`` is a number that can name a row: a positive int (not a bool) the database holds."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX
