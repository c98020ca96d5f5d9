"""Reads of the forum room."""

from forum.models import Screen


def active_screen_consultation_id(*, slug: str) -> int | None:
    return Screen.objects.filter(slug=slug, is_active=True).values_list("consultation_id", flat=True).first()


def active_screen(*, slug: str) -> Screen | None:
    return Screen.objects.filter(slug=slug, is_active=True).select_related("consultation").first()
