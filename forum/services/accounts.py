"""Accounts of the site as a whole: the demo's citizens and admin, and a citizen deleting their own."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import transaction

from forum.rules import require
from participation import services as participation_services


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


@transaction.atomic
def delete_account(*, user, withdraw_contributions: bool) -> None:
    """A citizen deletes their account: the account, its e-mail addresses, its link to the city's login (the
    provider's id for the person, the claims it sent, any token) and its sessions' link go; what it did stays counted
    without it (participation.services.forget_account), its contributions anonymised ("Deleted account") or, with
    ``withdraw_contributions``, withdrawn from public view as well."""
    require("forum.delete_own_account", user)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    participation_services.forget_account(user=user, withdraw_contributions=withdraw_contributions)
    SocialAccount.objects.filter(user=user).delete()  # cascades: its tokens
    user.delete()  # cascades: e-mail addresses, their confirmations
