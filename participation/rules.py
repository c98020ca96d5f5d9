"""Who may do what: small named predicates, combined into permissions.

This is the one place that decides. Each permission is a list of
requirements; ``require`` raises the first unmet one with a message the
user can act on, and ``rules`` gets the same predicates for templates.
"""

from __future__ import annotations

from functools import reduce
from operator import and_

import rules
from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from participation.errors import NotAllowed, PhaseClosed
from participation.models import VotingMethod

MODERATORS_GROUP = "Moderators"


@rules.predicate
def is_verified_citizen(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    # Memoised on the user object: templates ask several times per page.
    if not hasattr(user, "_has_verified_email"):
        user._has_verified_email = EmailAddress.objects.filter(user=user, verified=True).exists()
    return user._has_verified_email


@rules.predicate
def is_moderator(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists()


@rules.predicate
def participation_is_open(user, consultation) -> bool:
    return consultation.is_participation_open()


@rules.predicate
def comments_are_allowed(user, consultation) -> bool:
    return consultation.allow_comments


@rules.predicate
def map_pins_are_allowed(user, consultation) -> bool:
    return consultation.allow_map_pins


@rules.predicate
def voting_is_offered(user, consultation) -> bool:
    return consultation.voting_method != VotingMethod.NONE


@rules.predicate
def voting_is_open(user, consultation) -> bool:
    return consultation.is_voting_open()


@rules.predicate
def consultation_is_published(user, consultation) -> bool:
    return consultation.live


_CITIZEN = (is_verified_citizen, NotAllowed, _("Please log in with a confirmed email address to take part."))
_PUBLISHED = (consultation_is_published, NotAllowed, _("This consultation is not published."))

REQUIREMENTS = {
    "participation.comment": [
        _CITIZEN,
        _PUBLISHED,
        (comments_are_allowed, NotAllowed, _("This consultation does not take comments.")),
        (participation_is_open, PhaseClosed, _("Comments are possible only while the participation phase is open.")),
    ],
    "participation.pin_to_map": [
        _CITIZEN,
        _PUBLISHED,
        (map_pins_are_allowed, NotAllowed, _("This consultation does not take map pins.")),
        (participation_is_open, PhaseClosed, _("Comments are possible only while the participation phase is open.")),
    ],
    "participation.vote": [
        _CITIZEN,
        _PUBLISHED,
        (voting_is_offered, NotAllowed, _("There is no vote in this consultation.")),
        (voting_is_open, PhaseClosed, _("Voting is possible only while the voting phase is open.")),
    ],
    "participation.moderate": [
        (is_moderator, NotAllowed, _("Only moderators can do this.")),
    ],
}

for _name, _requirements in REQUIREMENTS.items():
    rules.add_rule(_name, reduce(and_, [predicate for predicate, _error, _message in _requirements]))


def require(permission: str, user, obj=None) -> None:
    """Raise the first unmet requirement of ``permission`` as a service error."""
    for predicate, error, message in REQUIREMENTS[permission]:
        if not predicate.test(user, obj):
            raise error(str(message))


def allows(permission: str, user, obj=None) -> bool:
    return rules.test_rule(permission, user, obj)


@rules.predicate
def may_import_twin(user) -> bool:
    """Staff who import twin files: superusers, or admin users granted "Can import twin files" (e.g. Editors)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("wagtailadmin.access_admin") and user.has_perm("participation.import_twin")


REQUIREMENTS["participation.import_twin"] = [
    (may_import_twin, NotAllowed, _("Only staff who may import twin data can do this.")),
]
rules.add_rule("participation.import_twin", may_import_twin)
