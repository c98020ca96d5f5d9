"""Template helpers of results: a rating's distribution as rows to draw (value, words, count, share)."""

from __future__ import annotations

from django import template

from participation.models import RatingValue

register = template.Library()


@register.filter
def rating_rows(rating: dict) -> list[dict]:
    """One row per value 1 to 5 of a ``Rating`` (``selectors.rating_of``): its words, count and share in per cent."""
    count = rating["count"] if rating else 0
    distribution = rating["distribution"] if rating else {}
    rows = []
    for value in RatingValue:
        n = distribution.get(str(value.value), 0)
        rows.append(
            {"value": value.value, "label": value.label, "count": n, "percent": round(100 * n / count) if count else 0}
        )
    return rows


@register.simple_tag
def rating_choices() -> list[tuple[int, str]]:
    """The values of a rating with their words, for a rating's input: ``[(1, "1 (very poor)"), ...]``."""
    return [(value.value, str(value.label)) for value in RatingValue]
