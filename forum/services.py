"""Writes of the site as a whole and of the forum room: accounts, and the room's registered devices."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from forum.models import Screen
from participation.models import ConsultationPage


@transaction.atomic
def ensure_screen(*, name: str, slug: str, consultation: ConsultationPage) -> tuple[Screen, bool]:
    """The kiosk screen with ``slug``, else a new one showing ``consultation``; ``(screen, created)``."""
    return Screen.objects.get_or_create(slug=slug, defaults={"name": name, "consultation": consultation})


@transaction.atomic
def ensure_verified_account(
    *, username: str, email: str, password: str | None = None, superuser: bool = False
) -> tuple[object, bool]:
    """The account ``username``, else a new one with a confirmed email address; ``(user, created)``.

    Without a password nobody can log in with it (the demo's citizens only lend their names to comments).
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        return user, False
    if superuser:
        user = user_model.objects.create_superuser(username, email, password)
    else:
        user = user_model.objects.create_user(username, email, password)  # None: an unusable password
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True
