"""Citizens report contributions (participation.services.moderation.flag_contribution): a reason, a note, once."""

import pytest
from django.db import IntegrityError, transaction

from participation import services
from participation.errors import InvalidInput, NotAllowed
from participation.models import Flag, FlagReason, ModerationState
from tests.support import factories


@pytest.fixture
def comment(participating_consultation):
    return factories.comment(
        participating_consultation, text="Alle Radfahrer sind …", author=factories.CitizenFactory()
    )


def test_a_citizen_reports_a_contribution_with_a_reason_and_a_note(citizen, comment):
    flag = services.flag_contribution(
        user=citizen, contribution=comment, reason=FlagReason.INSULT, note="  Beleidigend "
    )

    stored = Flag.objects.get()
    assert (stored.pk, stored.user, stored.reason, stored.note) == (flag.pk, citizen, "insult", "Beleidigend")
    assert stored.resolved_at is None


@pytest.mark.parametrize("reason", [value for value, _label in FlagReason.choices])
def test_every_reason_is_accepted(citizen, comment, reason):
    services.flag_contribution(user=citizen, contribution=comment, reason=reason)
    assert Flag.objects.get().reason == reason


def test_an_unknown_reason_is_refused(citizen, comment, english):
    with pytest.raises(InvalidInput, match="choose a reason"):
        services.flag_contribution(user=citizen, contribution=comment, reason="boring")
    assert not Flag.objects.exists()


def test_a_long_note_is_refused(citizen, comment):
    with pytest.raises(InvalidInput) as refused:
        services.flag_contribution(user=citizen, contribution=comment, reason=FlagReason.OTHER, note="x" * 501)
    assert refused.value.field == "note"


def test_one_flag_per_citizen_and_contribution(citizen, comment, english):
    services.flag_contribution(user=citizen, contribution=comment, reason=FlagReason.SPAM)

    with pytest.raises(services.AlreadyFlagged, match="already reported") as again:
        services.flag_contribution(user=citizen, contribution=comment, reason=FlagReason.OTHER)

    assert again.value.status == 409
    assert Flag.objects.count() == 1
    services.flag_contribution(user=factories.CitizenFactory(), contribution=comment, reason=FlagReason.SPAM)
    assert Flag.objects.count() == 2


def test_the_database_keeps_one_flag_per_account(citizen, comment):
    Flag.objects.create(contribution=comment, user=citizen, reason=FlagReason.SPAM)
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(contribution=comment, user=citizen, reason=FlagReason.OTHER)


def test_visitors_unverified_accounts_and_room_phones_cannot_flag(comment, unverified_user, english):
    from django.contrib.auth.models import AnonymousUser

    for actor, message in (
        (AnonymousUser(), "log in"),
        (unverified_user, "confirm your email"),
        (factories.device(), "log in"),
    ):
        with pytest.raises(NotAllowed, match=message):
            services.flag_contribution(user=actor, contribution=comment, reason=FlagReason.SPAM)
    assert not Flag.objects.exists()


def test_nobody_reports_their_own_contribution(comment, english):
    with pytest.raises(NotAllowed, match="your own"):
        services.flag_contribution(user=comment.author, contribution=comment, reason=FlagReason.SPAM)


def test_what_is_not_shown_cannot_be_reported(citizen, participating_consultation, english):
    waiting = factories.comment(participating_consultation, moderation_state=ModerationState.PENDING)
    with pytest.raises(NotAllowed, match="not shown"):
        services.flag_contribution(user=citizen, contribution=waiting, reason=FlagReason.SPAM)


def test_flags_are_taken_in_every_phase_of_a_published_consultation(citizen):
    for phase in ("inform", "participate", "vote", "evaluate"):
        comment = factories.comment(factories.consultation(phase, slug=f"flag-{phase}"))
        services.flag_contribution(user=citizen, contribution=comment, reason=FlagReason.OFF_TOPIC)
    assert Flag.objects.count() == 4
