"""Invariants of the models: phases, page validation and what the database itself refuses."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from participation import services
from participation.models import ConsultationPage, Contribution, Phase, Vote
from tests.support import factories

# Tests read the messages users get; they are written in English and translated.
# Even an unsaved Wagtail page looks up its content type.
pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db]

T0 = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def unsaved_consultation(**fields) -> ConsultationPage:
    """Participation on days 0-10, voting on days 12-14 after T0."""
    values = {
        "title": "Ein Platz",
        "slug": "ein-platz",
        "intro": "Worum es geht.",
        "participation_starts": T0,
        "participation_ends": T0 + 10 * DAY,
        "voting_starts": T0 + 12 * DAY,
        "voting_ends": T0 + 14 * DAY,
        **fields,
    }
    return ConsultationPage(**values)


def clean_errors(page: ConsultationPage) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        page.clean()
    return info.value.message_dict


@pytest.mark.parametrize(
    ("moment", "phase"),
    [
        (T0 - SECOND, Phase.INFORM),
        (T0, Phase.PARTICIPATE),
        (T0 + 10 * DAY - SECOND, Phase.PARTICIPATE),
        (T0 + 10 * DAY, Phase.INFORM),  # between the discussion and the vote
        (T0 + 12 * DAY - SECOND, Phase.INFORM),
        (T0 + 12 * DAY, Phase.VOTE),
        (T0 + 14 * DAY - SECOND, Phase.VOTE),
        (T0 + 14 * DAY, Phase.EVALUATE),
        (T0 + 100 * DAY, Phase.EVALUATE),
    ],
)
def test_phase_at_follows_the_dates_start_inclusive_end_exclusive(moment, phase):
    assert unsaved_consultation().phase_at(moment) == phase


def test_a_voting_window_inside_the_participation_window_is_the_vote_phase():
    page = unsaved_consultation(voting_starts=T0 + 2 * DAY, voting_ends=T0 + 4 * DAY)

    assert page.phase_at(T0 + DAY) == Phase.PARTICIPATE
    assert page.phase_at(T0 + 3 * DAY) == Phase.VOTE
    assert page.phase_at(T0 + 5 * DAY) == Phase.PARTICIPATE


def test_without_voting_dates_the_consultation_goes_from_participation_to_evaluation():
    page = unsaved_consultation(voting_starts=None, voting_ends=None, voting_method="none")

    assert page.phase_at(T0 + 5 * DAY) == Phase.PARTICIPATE
    assert page.phase_at(T0 + 10 * DAY) == Phase.EVALUATE


@pytest.mark.parametrize("phase", ["inform", "participate", "vote", "evaluate"])
def test_the_factory_phases_are_the_current_phase(home, phase):
    assert factories.consultation(phase).current_phase == phase


def test_participation_and_voting_open_exactly_in_their_windows():
    page = unsaved_consultation()

    assert not page.is_participation_open(T0 - SECOND)
    assert page.is_participation_open(T0)
    assert not page.is_participation_open(T0 + 10 * DAY)
    assert not page.is_voting_open(T0 + 12 * DAY - SECOND)
    assert page.is_voting_open(T0 + 12 * DAY)
    assert not page.is_voting_open(T0 + 14 * DAY)


def test_voting_is_never_open_without_a_voting_method():
    assert not unsaved_consultation(voting_method="none").is_voting_open(T0 + 13 * DAY)


def test_a_well_formed_consultation_passes_clean():
    unsaved_consultation().clean()
    unsaved_consultation(voting_starts=None, voting_ends=None, voting_method="none").clean()


def test_participation_must_end_after_it_starts():
    errors = clean_errors(unsaved_consultation(participation_ends=T0))

    assert errors["participation_ends"] == ["The participation phase must end after it starts."]


@pytest.mark.parametrize("missing", ["voting_starts", "voting_ends"])
def test_the_voting_phase_needs_both_dates_or_neither(missing):
    errors = clean_errors(unsaved_consultation(**{missing: None}))

    assert errors["voting_ends"] == ["Give both the start and the end of the voting phase, or neither."]


def test_voting_must_end_after_it_starts():
    errors = clean_errors(unsaved_consultation(voting_ends=T0 + 12 * DAY))

    assert errors["voting_ends"] == ["The voting phase must end after it starts."]


def test_a_consultation_with_voting_needs_a_voting_phase():
    errors = clean_errors(unsaved_consultation(voting_starts=None, voting_ends=None))

    assert errors["voting_starts"] == ["A consultation with voting needs a voting phase."]


def test_clean_reports_every_problem_at_once():
    errors = clean_errors(
        unsaved_consultation(
            participation_ends=T0 - DAY, voting_ends=None, area={"type": "Point", "coordinates": [0, 0]}
        )
    )

    assert set(errors) == {"participation_ends", "voting_ends", "area"}


def test_saving_an_invalid_consultation_through_wagtail_is_refused(home):
    with pytest.raises(ValidationError):
        home.add_child(instance=unsaved_consultation(participation_ends=T0 - DAY))
    assert not ConsultationPage.objects.exists()


def test_one_vote_per_voter_and_proposal_is_kept_by_the_database(citizen, proposal):
    Vote.objects.create(proposal=proposal, participant=factories.participant(citizen), choice="support")

    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=proposal, participant=factories.participant(citizen), choice="oppose")


def test_the_database_refuses_an_unknown_vote_choice(citizen, proposal):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=proposal, participant=factories.participant(citizen), choice="maybe")


@pytest.mark.parametrize(
    "fields",
    [
        {"choice": "", "rating": 0},
        {"choice": "", "rating": 6},
        {"choice": "support", "rating": 3},  # both
        {"choice": "", "rating": None},  # neither
    ],
)
def test_the_database_refuses_a_rating_outside_1_to_5_and_a_vote_of_both_or_neither_kind(citizen, proposal, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=proposal, participant=factories.participant(citizen), **fields)


def test_the_database_keeps_one_rating_per_voter_and_proposal(citizen, rated_proposal):
    Vote.objects.create(proposal=rated_proposal, participant=factories.participant(citizen), rating=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=rated_proposal, participant=factories.participant(citizen), rating=5)


def test_the_voting_method_may_change_while_nobody_has_voted(proposal):
    consultation = ConsultationPage.objects.get(pk=proposal.get_parent().pk)
    consultation.voting_method = "rating"

    consultation.full_clean()
    consultation.save()


def test_the_voting_method_is_locked_once_votes_exist(citizen, proposal):
    services.cast_vote(voter=citizen, proposal=proposal, choice="support")
    consultation = ConsultationPage.objects.get(pk=proposal.get_parent().pk)
    consultation.voting_method = "rating"

    with pytest.raises(ValidationError) as refused:
        consultation.full_clean()

    assert refused.value.message_dict["voting_method"] == [
        "The voting method cannot be changed once votes have been cast or paper counts entered."
    ]
    consultation.voting_method = "support_oppose"
    consultation.title = "Ein neuer Titel"
    consultation.full_clean()  # anything else may still change


def test_the_voting_method_is_locked_once_paper_counts_exist(rated_proposal):
    services.enter_paper_counts(
        clerk=factories.moderator(), proposal=rated_proposal, event="Forum", source="Stellwand", counts={"4": 2}
    )
    consultation = ConsultationPage.objects.get(pk=rated_proposal.get_parent().pk)
    consultation.voting_method = "none"

    with pytest.raises(ValidationError) as refused:
        consultation.save()  # Wagtail cleans a page on saving

    assert "voting_method" in refused.value.message_dict


@pytest.mark.parametrize(
    "point",
    [
        {"latitude": 52.0},
        {"longitude": 4.3},
        {"latitude": 90.5, "longitude": 4.3},
        {"latitude": 52.0, "longitude": 181},
    ],
    ids=["latitude-only", "longitude-only", "latitude-out-of-range", "longitude-out-of-range"],
)
def test_the_database_refuses_half_or_impossible_points(participating_consultation, point):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.comment(participating_consultation, **point)


def test_located_means_both_coordinates(participating_consultation):
    pinned = factories.comment(participating_consultation, latitude=52.012, longitude=4.364)
    unpinned = factories.comment(participating_consultation)

    assert pinned.is_located
    assert not unpinned.is_located


def test_a_contribution_shows_the_start_of_its_text(participating_consultation):
    assert str(factories.comment(participating_consultation, text="x" * 100)) == "x" * 60


def test_a_consultation_with_contributions_cannot_be_deleted(participating_consultation):
    factories.comment(participating_consultation)

    with pytest.raises(ProtectedError):
        participating_consultation.delete()


def test_a_comment_with_replies_cannot_be_hard_deleted(participating_consultation):
    comment = factories.comment(participating_consultation)
    factories.comment(participating_consultation, parent=comment)

    with pytest.raises(ProtectedError):
        comment.delete()


def test_deleting_an_account_keeps_its_comments_without_author(citizen, participating_consultation):
    comment = factories.comment(participating_consultation, author=citizen)

    citizen.delete()

    assert Contribution.objects.get(pk=comment.pk).author is None
