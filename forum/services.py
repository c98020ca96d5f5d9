"""Writes of the forum room: its registered devices."""

from __future__ import annotations

from django.db import transaction

from forum.models import Screen
from participation.models import ConsultationPage


@transaction.atomic
def ensure_screen(*, name: str, slug: str, consultation: ConsultationPage) -> tuple[Screen, bool]:
    """The kiosk screen with ``slug``, else a new one showing ``consultation``; ``(screen, created)``."""
    return Screen.objects.get_or_create(slug=slug, defaults={"name": name, "consultation": consultation})
