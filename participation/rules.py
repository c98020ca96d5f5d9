"""Who may do what: small named predicates, combined into permissions.

This is the one place that decides, and the one place that says why not.
Each permission is a list of requirements (name, predicate, error, message),
in the order a person would want to hear them: first what nobody can change
(not published, not offered, not now), then what the person can (log in,
confirm the address). ``require`` raises the first unmet one, ``refusal``
returns it for a page to show, and ``rules`` gets the same predicates for
``allows`` and templates.
"""

from __future__ import annotations

from functools import reduce
from operator import and_
from typing import NamedTuple

import rules
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from participation.errors import NotAllowed, PhaseClosed, ServiceError
from participation.models import ConsultationPage, ModerationState, Participant, PollState, VotingMethod
from participation.selectors.staff import managed_consultation_ids

MODERATORS_GROUP = "Moderators"


class Requirement(NamedTuple):
    name: str
    predicate: rules.Predicate
    error: type[ServiceError]
    message: Promise

    @property
    def needs_login(self) -> bool:
        """Met by logging in: pages offer the login and sign-up links instead of the bare message."""
        return self.name == "logged_in"


def account_of(actor):
    """The account behind an actor: a user, or a participant that stands for one (else None)."""
    if isinstance(actor, Participant):
        return actor.user
    return actor


@rules.predicate
def is_room_participant(actor) -> bool:
    """A phone in the room or a walk-in at a terminal: known by a key, not by an account."""
    return isinstance(actor, Participant) and not actor.is_account


@rules.predicate
def is_logged_in(actor) -> bool:
    user = account_of(actor)
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def has_confirmed_email(actor) -> bool:
    user = account_of(actor)
    if not is_logged_in(user):
        return False
    # Memoised on the user object: a page asks several times.
    if not hasattr(user, "_has_verified_email"):
        user._has_verified_email = EmailAddress.objects.filter(user=user, verified=True).exists()
    return user._has_verified_email


is_verified_citizen = is_logged_in & has_confirmed_email


@rules.predicate
def is_moderator(actor) -> bool:
    user = account_of(actor)
    if not is_logged_in(user):
        return False
    if user.is_superuser:
        return True
    # Memoised on the user object, as Django keeps its permissions: a view asks once alone and once for its object.
    if not hasattr(user, "_is_moderator"):
        user._is_moderator = user.groups.filter(name=MODERATORS_GROUP).exists()
    return user._is_moderator


def consultation_id_of(target) -> int | None:
    """The consultation a staff view acts on: the consultation itself, or what belongs to one (a contribution, a
    room session, a device, an export)."""
    if isinstance(target, ConsultationPage):
        return target.pk
    return getattr(target, "consultation_id", None)


@rules.predicate
def manages_consultation(actor, target) -> bool:
    """Staff act only on the consultations of their site(s): those under a page their groups hold a Wagtail page
    permission on (``selectors.consultations_managed_by``); superusers on all. Without a target (a menu, a
    listing that filters itself by the same selector), the permission alone is asked."""
    if target is None:
        return True
    user = account_of(actor)
    if not is_logged_in(user):
        return False
    managed = managed_consultation_ids(user=user)
    return managed is None or consultation_id_of(target) in managed


@rules.predicate
def may_import_twin(user) -> bool:
    """Staff who import twin files: superusers, or admin users granted "Can import twin files" (e.g. Editors)."""
    if not is_logged_in(user):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("wagtailadmin.access_admin") and user.has_perm("participation.import_twin")


@rules.predicate
def may_export(user, consultation) -> bool:
    """Staff who export a consultation: moderators, and admin users who may edit its page (Wagtail's page
    permissions, e.g. the Editors group); superusers. Without a consultation: who may export any at all."""
    if not is_logged_in(user):
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    if is_moderator(user):
        return True
    if consultation is None:
        return False
    return consultation.permissions_for_user(user).can_edit()


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


@rules.predicate
def may_enter_paper(actor) -> bool:
    """Staff who type in paper results: moderators, or admin users granted "Can add paper entry"."""
    user = account_of(actor)
    if is_moderator(user):
        return True
    return is_logged_in(user) and user.has_perm("participation.add_analogentry")


@rules.predicate
def contribution_is_public(user, contribution) -> bool:
    """A contribution anyone can read: published, not deleted, in a published consultation. (Its proposal's and
    thread's visibility are the selectors'; the entry points find contributions through them.)"""
    return (
        contribution.moderation_state == ModerationState.APPROVED
        and contribution.deleted_at is None
        and contribution.consultation.live
    )


@rules.predicate
def is_not_the_author(actor, contribution) -> bool:
    user = account_of(actor)
    return contribution.author_id is None or contribution.author_id != getattr(user, "pk", None)


@rules.predicate
def poll_consultation_is_published(user, poll) -> bool:
    return poll.consultation.live


@rules.predicate
def poll_is_open(user, poll) -> bool:
    return poll.state == PollState.OPEN


@rules.predicate
def is_author_of(actor, contribution) -> bool:
    """The account that wrote ``contribution`` (not a walk-in, not staff typing in paper)."""
    user = account_of(actor)
    return bool(is_logged_in(user) and contribution.author_id is not None and contribution.author_id == user.pk)


@rules.predicate
def is_not_withdrawn(actor, contribution) -> bool:
    return contribution.deleted_at is None


@rules.predicate
def is_not_hidden(actor, contribution) -> bool:
    return contribution.moderation_state != ModerationState.HIDDEN


@rules.predicate
def contribution_consultation_is_published(actor, contribution) -> bool:
    return contribution.consultation.live


@rules.predicate
def contribution_participation_is_open(actor, contribution) -> bool:
    return contribution.consultation.is_participation_open()


@rules.predicate
def is_within_edit_window(actor, contribution) -> bool:
    """Posted less than CONTRIBUTION_EDIT_MINUTES ago."""
    return (timezone.now() - contribution.created_at).total_seconds() < settings.CONTRIBUTION_EDIT_MINUTES * 60


def _edit_window_message() -> str:
    minutes = settings.CONTRIBUTION_EDIT_MINUTES
    return ngettext(
        "A contribution can be changed only within %(minutes)d minute of posting. You can still withdraw it.",
        "A contribution can be changed only within %(minutes)d minutes of posting. You can still withdraw it.",
        minutes,
    ) % {"minutes": minutes}


@rules.predicate
def may_answer_officially(actor) -> bool:
    """Staff who answer for the city: moderators, admin users granted "Can add official answer" (e.g. Editors),
    superusers."""
    user = account_of(actor)
    if is_moderator(user):
        return True
    return (
        is_logged_in(user)
        and user.has_perm("wagtailadmin.access_admin")
        and user.has_perm("participation.add_officialanswer")
    )


# In the room a phone or a terminal takes part without an account; online, an account with a confirmed address.
LOGGED_IN = Requirement("logged_in", is_room_participant | is_logged_in, NotAllowed, _("Please log in to take part."))
CONFIRMED = Requirement(
    "confirmed_email",
    is_room_participant | has_confirmed_email,
    NotAllowed,
    _("Please confirm your email address to take part. We have sent you a link."),
)
PUBLISHED = Requirement("published", consultation_is_published, NotAllowed, _("This consultation is not published."))
PARTICIPATION_OPEN = Requirement(
    "participation_open",
    participation_is_open,
    PhaseClosed,
    _("Comments are possible only while the participation phase is open."),
)

# Following is for accounts only (mails go to a confirmed address): a phone or a terminal in the room cannot.
ACCOUNT_LOGGED_IN = Requirement("logged_in", is_logged_in, NotAllowed, _("Please log in to follow a consultation."))
ACCOUNT_CONFIRMED = Requirement(
    "confirmed_email",
    has_confirmed_email,
    NotAllowed,
    _("Please confirm your email address to follow a consultation. We have sent you a link."),
)
# Staff of one municipality act on their site's consultations only (the views answer 404 or 403 before asking).
MANAGES = Requirement(
    "manages_consultation",
    manages_consultation,
    NotAllowed,
    _("This consultation belongs to a site you do not look after."),
)
OWN_CONTRIBUTION = Requirement(
    "author", is_author_of, NotAllowed, _("Only its author can change or withdraw a contribution.")
)

REQUIREMENTS: dict[str, list[Requirement]] = {
    "participation.comment": [
        PUBLISHED,
        Requirement(
            "comments_allowed", comments_are_allowed, NotAllowed, _("This consultation does not take comments.")
        ),
        PARTICIPATION_OPEN,
        LOGGED_IN,
        CONFIRMED,
    ],
    "participation.pin_to_map": [
        PUBLISHED,
        Requirement("pins_allowed", map_pins_are_allowed, NotAllowed, _("This consultation does not take map pins.")),
        PARTICIPATION_OPEN,
        LOGGED_IN,
        CONFIRMED,
    ],
    "participation.vote": [
        PUBLISHED,
        Requirement("voting_offered", voting_is_offered, NotAllowed, _("There is no vote in this consultation.")),
        Requirement(
            "voting_open",
            voting_is_open,
            PhaseClosed,
            _("Voting is possible only while the voting phase is open."),
        ),
        LOGGED_IN,
        CONFIRMED,
    ],
    "participation.answer_poll": [
        Requirement("published", poll_consultation_is_published, NotAllowed, _("This consultation is not published.")),
        Requirement("poll_open", poll_is_open, PhaseClosed, _("This poll is not open.")),
        LOGGED_IN,
        CONFIRMED,
    ],
    "participation.follow": [PUBLISHED, ACCOUNT_LOGGED_IN, ACCOUNT_CONFIRMED],
    "participation.edit_contribution": [
        LOGGED_IN,
        CONFIRMED,
        OWN_CONTRIBUTION,
        Requirement("not_withdrawn", is_not_withdrawn, NotAllowed, _("This contribution has been withdrawn.")),
        Requirement("not_hidden", is_not_hidden, NotAllowed, _("This contribution has been hidden by the moderation.")),
        Requirement(
            "published", contribution_consultation_is_published, NotAllowed, _("This consultation is not published.")
        ),
        Requirement("participation_open", contribution_participation_is_open, PhaseClosed, PARTICIPATION_OPEN.message),
        Requirement("edit_window", is_within_edit_window, PhaseClosed, lazy(_edit_window_message, str)()),
    ],
    "participation.withdraw_contribution": [LOGGED_IN, OWN_CONTRIBUTION],
    "participation.answer_officially": [
        Requirement(
            "official",
            may_answer_officially,
            NotAllowed,
            _("Only moderators and editors can answer for the city."),
        ),
        MANAGES,
    ],
    "participation.enter_paper": [
        Requirement(
            "paper_clerk", may_enter_paper, NotAllowed, _("Only staff who may enter paper results can do this.")
        ),
        MANAGES,
    ],
    # Flags come from accounts (one per account and contribution), in any phase, on what is public.
    "participation.flag": [
        Requirement(
            "flaggable",
            contribution_is_public,
            NotAllowed,
            _("This contribution is not shown, so it cannot be reported."),
        ),
        Requirement("logged_in", is_logged_in, NotAllowed, LOGGED_IN.message),
        Requirement("confirmed_email", has_confirmed_email, NotAllowed, CONFIRMED.message),
        Requirement("not_own", is_not_the_author, NotAllowed, _("You cannot report your own contribution.")),
    ],
    "participation.present": [
        Requirement("presenter", is_moderator, NotAllowed, _("Only moderators can run the room.")),
        MANAGES,
    ],
    "participation.moderate": [
        Requirement("moderator", is_moderator, NotAllowed, _("Only moderators can do this.")),
        MANAGES,
    ],
    "participation.export": [
        Requirement(
            "exporter", may_export, NotAllowed, _("Only moderators and editors of this consultation can export it.")
        ),
        MANAGES,
    ],
    "participation.import_twin": [
        Requirement(
            "twin_importer", may_import_twin, NotAllowed, _("Only staff who may import twin data can do this.")
        ),
    ],
}


def add_requirements(table: dict[str, list[Requirement]]) -> None:
    """Permissions of another app (the room's, in ``forum.rules``), decided and explained here like ours."""
    for name, requirements in table.items():
        REQUIREMENTS[name] = requirements
        rules.set_rule(name, reduce(and_, [requirement.predicate for requirement in requirements]))


add_requirements(dict(REQUIREMENTS))


def refusal(permission: str, user, obj=None) -> Requirement | None:
    """The first requirement of ``permission`` that ``user`` does not meet, or None if allowed."""
    for requirement in REQUIREMENTS[permission]:
        if not requirement.predicate.test(user, obj):
            return requirement
    return None


def require(permission: str, user, obj=None) -> None:
    """Raise the first unmet requirement of ``permission`` as a service error."""
    unmet = refusal(permission, user, obj)
    if unmet is not None:
        raise unmet.error(str(unmet.message))


def allows(permission: str, user, obj=None) -> bool:
    return rules.test_rule(permission, user, obj)
