"""Who may do what, in which phase: the one matrix every entry point relies on."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from participation.errors import NotAllowed, PhaseClosed
from participation.rules import allows, is_moderator, refusal, require
from tests.support import factories

# Tests read the messages users get; they are written in English and translated.
pytestmark = pytest.mark.usefixtures("english")

PHASES = ["inform", "participate", "vote", "evaluate"]
ACTIONS = ["participation.comment", "participation.pin_to_map", "participation.vote"]

# What a verified citizen may do in each phase. Comments and pins are open for
# the whole participation window, which the factories' voting window lies in.
OPEN_FOR_CITIZENS = {
    ("participation.comment", "participate"),
    ("participation.comment", "vote"),
    ("participation.pin_to_map", "participate"),
    ("participation.pin_to_map", "vote"),
    ("participation.vote", "vote"),
}


@pytest.fixture
def actor(request, db):
    role = request.param
    if role == "anonymous":
        return AnonymousUser()
    if role == "unverified":
        return factories.UserFactory()
    return request.getfixturevalue(role)


def outcome(permission: str, user, consultation):
    """``None`` if allowed, else the class of the error ``require`` raises."""
    try:
        require(permission, user, consultation)
    except (NotAllowed, PhaseClosed) as error:
        assert error.message, "every refusal says why"
        return type(error)
    return None


@pytest.mark.parametrize("actor", ["anonymous", "unverified"], indirect=True)
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("permission", ACTIONS)
def test_visitors_and_unverified_users_may_not_take_part_in_any_phase(actor, phase, permission):
    consultation = factories.consultation(phase)
    # While the phase is open they are told to log in or confirm; when it is closed, that it is closed
    # (logging in would not help).
    expected = NotAllowed if (permission, phase) in OPEN_FOR_CITIZENS else PhaseClosed

    assert allows(permission, actor, consultation) is False
    assert outcome(permission, actor, consultation) is expected


@pytest.mark.parametrize("actor", ["citizen", "moderator"], indirect=True)
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("permission", ACTIONS)
def test_verified_citizens_take_part_only_while_the_phase_is_open(actor, phase, permission):
    consultation = factories.consultation(phase)
    expected_open = (permission, phase) in OPEN_FOR_CITIZENS

    assert allows(permission, actor, consultation) is expected_open
    assert outcome(permission, actor, consultation) is (None if expected_open else PhaseClosed)


def test_the_refusal_message_tells_an_anonymous_visitor_to_log_in(db):
    consultation = factories.consultation("participate")

    with pytest.raises(NotAllowed, match="log in"):
        require("participation.comment", AnonymousUser(), consultation)


def test_an_unconfirmed_email_address_does_not_count(db):
    user = factories.UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    assert allows("participation.comment", user, factories.consultation("participate")) is False
    with pytest.raises(NotAllowed, match="confirm your email address"):
        require("participation.comment", user, factories.consultation("participate"))


def test_a_closed_phase_is_reported_before_logging_in(db):
    with pytest.raises(PhaseClosed, match="only while the voting phase is open"):
        require("participation.vote", AnonymousUser(), factories.consultation("participate"))


@pytest.mark.parametrize("permission", ACTIONS)
def test_refusal_names_the_requirement_a_page_shows(db, permission, citizen):
    consultation = factories.consultation("vote")

    assert refusal(permission, AnonymousUser(), consultation).needs_login
    assert refusal(permission, citizen, consultation) is None


def test_a_deactivated_citizen_may_not_take_part(citizen):
    citizen.is_active = False
    citizen.save()

    assert outcome("participation.vote", citizen, factories.consultation("vote")) is NotAllowed


def test_comments_switched_off_refuse_comments_but_not_votes(citizen):
    consultation = factories.consultation("vote", allow_comments=False)

    assert outcome("participation.comment", citizen, consultation) is NotAllowed
    assert outcome("participation.vote", citizen, consultation) is None


def test_a_closed_phase_is_reported_after_a_switched_off_feature(citizen):
    # "Does not take comments" is the more useful answer than "not now".
    consultation = factories.consultation("evaluate", allow_comments=False)

    with pytest.raises(NotAllowed, match="does not take comments"):
        require("participation.comment", citizen, consultation)


def test_map_pins_switched_off_refuse_pins_but_not_comments(citizen):
    consultation = factories.consultation("participate", allow_map_pins=False)

    assert outcome("participation.pin_to_map", citizen, consultation) is NotAllowed
    assert outcome("participation.comment", citizen, consultation) is None


def test_a_consultation_without_voting_refuses_votes_even_in_its_voting_window(citizen):
    consultation = factories.consultation("vote", voting_method="none")

    assert allows("participation.vote", citizen, consultation) is False
    with pytest.raises(NotAllowed, match="no vote"):
        require("participation.vote", citizen, consultation)
    assert outcome("participation.comment", citizen, consultation) is None


def test_only_moderators_and_superusers_moderate(citizen, moderator, unverified_user):
    superuser = factories.UserFactory(is_superuser=True)

    assert is_moderator(moderator) and is_moderator(superuser)
    assert not is_moderator(citizen) and not is_moderator(unverified_user) and not is_moderator(AnonymousUser())
    assert outcome_of_moderation(citizen) is NotAllowed
    assert outcome_of_moderation(moderator) is None


def outcome_of_moderation(user):
    try:
        require("participation.moderate", user)
    except NotAllowed:
        return NotAllowed
    return None
