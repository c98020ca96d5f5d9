"""Who may do what in the room, decided and explained by ``participation.rules`` like every other permission.

The room adds its own conditions to taking part: the room session is open,
and a phone votes on the proposal or poll the presenter put up, nothing else.
The targets are ``(room, proposal)`` and ``(room, poll)``.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from forum.models import Scene
from participation.errors import NotAllowed, NotOpenNow
from participation.rules import (
    LOGGED_IN,
    MANAGES,
    Requirement,
    add_requirements,
    allows,
    is_logged_in,
    refusal,
    require,
)

# Importing this module registers the room's permissions; entry points and services take these from here.
__all__ = ["allows", "refusal", "require"]


@rules.predicate
def room_is_open(actor, target) -> bool:
    room = target[0]
    return room.is_open and room.consultation.live


@rules.predicate
def proposal_is_shown(actor, target) -> bool:
    room, proposal = target
    return room.scene == Scene.PROPOSAL and room.proposal_id == proposal.pk


@rules.predicate
def poll_belongs_to_room(actor, target) -> bool:
    room, poll = target
    return poll.consultation_id == room.consultation_id


@rules.predicate
def may_add_screens(user) -> bool:
    """Staff who may set up kiosk screens in the admin (superusers, or a group granted it)."""
    return is_logged_in(user) and (user.is_superuser or user.has_perm("forum.add_screen"))


@rules.predicate
def may_manage_devices(user, device) -> bool:
    """Staff who may change screens or terminals in the admin (superusers, or a group granted it)."""
    if not is_logged_in(user):
        return False
    return user.is_superuser or user.has_perm(f"forum.change_{device._meta.model_name}")


@rules.predicate
def is_citizen_account(user) -> bool:
    """An account that is only a citizen's: accounts that reach the admin (staff, presenters) sign its audit trails
    (paper counts, room sessions) and are removed by an administrator, not by themselves."""
    return is_logged_in(user) and not (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


ROOM_OPEN = Requirement("room_open", room_is_open, NotOpenNow, _("This room session has ended."))

add_requirements(
    {
        "forum.vote_in_room": [
            ROOM_OPEN,
            Requirement(
                "proposal_shown",
                proposal_is_shown,
                NotOpenNow,
                _("This proposal is not up for a vote in the room right now."),
            ),
        ],
        "forum.add_screen": [
            Requirement(
                "screen_adder",
                may_add_screens,
                NotAllowed,
                _("Only staff who may set up screens can do this."),
            ),
            MANAGES,
        ],
        "forum.manage_devices": [
            Requirement(
                "device_manager",
                may_manage_devices,
                NotAllowed,
                _("Only staff who may change screens and terminals can do this."),
            ),
            MANAGES,
        ],
        "forum.change_own_account": [LOGGED_IN],
        "forum.delete_own_account": [
            Requirement(
                "citizen_account",
                is_citizen_account,
                NotAllowed,
                _("Staff accounts cannot be deleted here; please ask an administrator."),
            ),
        ],
        "forum.answer_in_room": [
            ROOM_OPEN,
            Requirement("poll_of_room", poll_belongs_to_room, NotOpenNow, _("This poll is not part of this room.")),
        ],
    }
)
