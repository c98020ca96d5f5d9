"""Accounts of the site as a whole: the demo's citizens and admin, a citizen's public name, and deleting one's own."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forum.rules import require
from participation import services as participation_services
from participation.errors import InvalidInput
from participation.services.texts import clean_text


def check_public_name(name: str, *, user=None) -> str:
    """A public name as sign-up and the account page take it: the account name's rules (letters, digits and
    ``@.+-_``, at most 150), no e-mail address, and nobody else's (whatever the case). Raises ``InvalidInput``."""
    name = clean_text(name, limit=get_user_model()._meta.get_field("username").max_length).replace("\n", " ")
    if "@" in name:
        raise InvalidInput(_("Please do not use an e-mail address as your public name."), field="public_name")
    try:
        for validator in get_user_model()._meta.get_field("username").validators:
            validator(name)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="public_name") from error
    others = get_user_model().objects.filter(username__iexact=name)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise InvalidInput(_("This public name is taken. Please choose another."), field="public_name")
    return name


@transaction.atomic
def set_public_name(*, user, name: str) -> object:
    """A citizen changes the name shown with their contributions (their account name); it is the one shown with
    every contribution at once, on pages and in the API. Cached comment lists show it within a minute."""
    require("forum.change_own_account", user)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    name = check_public_name(name, user=user)
    if name != user.username:
        user.username = name
        user.save(update_fields=["username"])
    return user


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
