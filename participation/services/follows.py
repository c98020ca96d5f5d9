"""A citizen follows a consultation, or stops following it."""

from __future__ import annotations

from django.db import transaction

from participation.errors import NotAllowed
from participation.models import ConsultationPage, Follow
from participation.rules import ACCOUNT_LOGGED_IN, is_logged_in, require


@transaction.atomic
def follow_consultation(*, user, consultation: ConsultationPage) -> bool:
    """``user`` follows ``consultation`` (once: a database constraint); True if they did not before."""
    require("participation.follow", user, consultation)
    _follow, created = Follow.objects.get_or_create(user=user, consultation=consultation)
    return created


@transaction.atomic
def unfollow_consultation(*, user, consultation: ConsultationPage) -> bool:
    """``user`` stops following ``consultation``; True if they followed it. Anyone logged in may stop."""
    if not is_logged_in(user):
        raise NotAllowed(str(ACCOUNT_LOGGED_IN.message))
    deleted, _rows = Follow.objects.filter(user=user, consultation=consultation).delete()
    return bool(deleted)
