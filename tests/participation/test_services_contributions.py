"""post_contribution: every way a comment, reply or map pin is accepted or refused."""

import pytest
from django.contrib.auth.models import AnonymousUser

from participation import services
from participation.errors import InvalidInput, NotAllowed, PhaseClosed
from participation.models import Contribution, ModerationState, ResultsRevision
from participation.selectors import comment_threads
from tests.support import factories
from tests.support.factories import INSIDE, OUTSIDE

# Tests read the messages users get; they are written in English and translated.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def consultation(participating_consultation):
    return participating_consultation


def post(author, consultation, text="Mehr Bäume bitte", **kwargs):
    return services.post_contribution(author=author, consultation=consultation, text=text, **kwargs)


def written_rows() -> tuple[int, int]:
    return Contribution.objects.count(), ResultsRevision.objects.count()


def refused(error_class, author, consultation, **kwargs):
    """Call post_contribution, expect ``error_class``, and check nothing was written."""
    before = written_rows()
    with pytest.raises(error_class) as info:
        post(author, consultation, **kwargs)
    assert written_rows() == before
    assert info.value.message
    return info.value


def test_citizen_comments_on_the_consultation(citizen, consultation):
    comment = post(citizen, consultation, text="Mehr Bäume bitte")

    stored = Contribution.objects.get()
    assert stored == comment
    assert (stored.author, stored.consultation, stored.proposal, stored.parent) == (citizen, consultation, None, None)
    assert stored.text == "Mehr Bäume bitte"
    assert stored.channel == "online"
    assert stored.moderation_state == ModerationState.APPROVED
    assert list(comment_threads(consultation=consultation)) == [stored]


def test_a_published_comment_bumps_the_results_revision(citizen, consultation):
    post(citizen, consultation)
    post(citizen, consultation)

    assert ResultsRevision.objects.get(consultation=consultation).value == 2


def test_citizen_comments_on_a_proposal(citizen, consultation):
    proposal = factories.proposal(consultation)

    comment = post(citizen, consultation, proposal=proposal)

    assert Contribution.objects.get(pk=comment.pk).proposal_id == proposal.pk
    assert list(comment_threads(consultation=consultation, proposal=proposal)) == [comment]


def test_a_reply_is_stored_under_its_comment_and_on_its_proposal(citizen, consultation):
    proposal = factories.proposal(consultation)
    comment = post(citizen, consultation, proposal=proposal)

    reply = post(citizen, consultation, text="Sehe ich auch so", parent=comment)

    assert (reply.parent_id, reply.proposal_id) == (comment.pk, proposal.pk)
    (shown,) = comment_threads(consultation=consultation)
    assert shown.visible_replies == [reply]


def test_a_reply_to_a_reply_joins_the_top_thread(citizen, consultation):
    comment = post(citizen, consultation)
    reply = post(citizen, consultation, parent=comment)

    reply_to_reply = post(citizen, consultation, parent=reply)

    assert reply_to_reply.parent_id == comment.pk
    (shown,) = comment_threads(consultation=consultation)
    assert shown.visible_replies == [reply, reply_to_reply]


def test_a_proposal_of_another_consultation_is_refused(citizen, consultation):
    elsewhere = factories.proposal(factories.consultation("participate"))

    error = refused(InvalidInput, citizen, consultation, proposal=elsewhere)

    assert error.field == "proposal"


@pytest.mark.parametrize(
    "unavailable",
    [
        {"moderation_state": ModerationState.HIDDEN},
        {"moderation_state": ModerationState.PENDING},
        {"deleted_at": "2024-01-01T00:00:00Z"},
    ],
    ids=["hidden", "pending", "deleted"],
)
def test_a_reply_to_a_comment_nobody_can_see_is_refused(citizen, consultation, unavailable):
    parent = factories.comment(consultation, author=citizen, **unavailable)

    error = refused(InvalidInput, citizen, consultation, parent=parent)

    assert error.field == "parent"


def test_a_reply_to_a_comment_of_another_consultation_is_refused(citizen, consultation):
    parent = post(citizen, factories.consultation("participate"))

    error = refused(InvalidInput, citizen, consultation, parent=parent)

    assert error.field == "parent"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n", None], ids=["empty", "spaces", "whitespace", "none"])
def test_empty_text_is_refused(citizen, consultation, text):
    error = refused(InvalidInput, citizen, consultation, text=text)

    assert error.field == "text"
    assert "write something" in error.message


def test_control_characters_only_count_as_empty(citizen, consultation):
    error = refused(InvalidInput, citizen, consultation, text="\x00\x07\x1b")

    assert error.field == "text"


def test_text_over_2000_characters_is_refused_with_the_limit_and_the_length(citizen, consultation):
    error = refused(InvalidInput, citizen, consultation, text="a" * 2001)

    assert error.field == "text"
    assert "2000" in error.message and "2001" in error.message


def test_text_of_exactly_2000_characters_is_accepted(citizen, consultation):
    assert len(post(citizen, consultation, text="a" * 2000).text) == 2000


def test_surrounding_whitespace_does_not_count_towards_the_limit(citizen, consultation):
    assert post(citizen, consultation, text="  " + "a" * 2000 + "\n").text == "a" * 2000


def test_control_characters_are_stripped_but_line_breaks_kept(citizen, consultation):
    comment = post(citizen, consultation, text="Erste\x00 Zeile\x1b[31m\r\nZweite\tZeile\u200b ")

    assert Contribution.objects.get(pk=comment.pk).text == "Erste Zeile[31m\nZweite\tZeile"


def test_umlauts_and_emoji_are_kept(citizen, consultation):
    text = "Grüße aus der Straße 🌳 — schöne Bänke!"

    assert Contribution.objects.get(pk=post(citizen, consultation, text=text).pk).text == text


def test_emoji_sequences_and_persian_script_keep_their_joiners(citizen, consultation):
    # U+200D joins "woman" and "ear of rice" into one emoji; U+200C is part of Persian spelling.
    text = "Gärtnerin \U0001f469\u200d\U0001f33e, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"

    assert Contribution.objects.get(pk=post(citizen, consultation, text=text).pk).text == text


def test_invisible_bidi_overrides_are_stripped(citizen, consultation):
    assert post(citizen, consultation, text="abc\u202edef").text == "abcdef"


def test_a_point_inside_the_area_is_stored(citizen, consultation):
    comment = post(citizen, consultation, **INSIDE)

    stored = Contribution.objects.get(pk=comment.pk)
    assert (stored.latitude, stored.longitude) == (INSIDE["latitude"], INSIDE["longitude"])
    assert stored.is_located


def test_coordinates_sent_as_text_are_stored_as_numbers(citizen, consultation):
    comment = post(citizen, consultation, latitude="52.012", longitude="4.364")

    assert (comment.latitude, comment.longitude) == (52.012, 4.364)


def test_a_point_on_the_border_of_the_area_counts_as_inside(citizen, consultation):
    comment = post(citizen, consultation, latitude=52.0109, longitude=4.3640)

    assert comment.is_located


def test_a_point_outside_the_area_is_refused(citizen, consultation):
    error = refused(InvalidInput, citizen, consultation, **OUTSIDE)

    assert error.field == "location"
    assert "outside the area" in error.message


@pytest.mark.parametrize(
    "point",
    [{"latitude": INSIDE["latitude"]}, {"longitude": INSIDE["longitude"]}, {"latitude": 52.01, "longitude": ""}],
    ids=["latitude-only", "longitude-only", "empty-longitude"],
)
def test_only_one_coordinate_is_refused(citizen, consultation, point):
    error = refused(InvalidInput, citizen, consultation, **point)

    assert error.field == "location"
    assert "both" in error.message


@pytest.mark.parametrize(
    "point",
    [
        {"latitude": 91, "longitude": 4.36},
        {"latitude": 52.01, "longitude": -181},
        {"latitude": "nan", "longitude": 4.36},
        {"latitude": "inf", "longitude": 4.36},
        {"latitude": "Rathaus", "longitude": 4.36},
    ],
    ids=["latitude-91", "longitude-181", "nan", "inf", "words"],
)
def test_coordinates_that_do_not_exist_on_earth_are_refused(citizen, consultation, point):
    error = refused(InvalidInput, citizen, consultation, **point)

    assert error.field == "location"


def test_without_an_area_any_valid_point_is_accepted(citizen):
    consultation = factories.consultation("participate", area=None)

    comment = post(citizen, consultation, latitude=-33.86, longitude=151.21)

    assert (comment.latitude, comment.longitude) == (-33.86, 151.21)


def test_a_pin_is_refused_where_map_pins_are_switched_off(citizen):
    consultation = factories.consultation("participate", allow_map_pins=False)

    refused(NotAllowed, citizen, consultation, **INSIDE)
    assert post(citizen, consultation).is_located is False


def test_premoderated_comment_is_pending_and_not_visible(citizen):
    consultation = factories.consultation("participate", moderation_mode="pre")

    comment = post(citizen, consultation)

    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.PENDING
    assert list(comment_threads(consultation=consultation)) == []
    assert not ResultsRevision.objects.filter(consultation=consultation, value__gt=0).exists()


def test_unverified_and_anonymous_users_are_refused(unverified_user, consultation):
    refused(NotAllowed, unverified_user, consultation)
    refused(NotAllowed, AnonymousUser(), consultation)


@pytest.mark.parametrize("phase", ["inform", "evaluate"])
def test_comments_outside_the_participation_phase_are_refused(citizen, phase):
    refused(PhaseClosed, citizen, factories.consultation(phase))


def test_comments_switched_off_are_refused(citizen):
    refused(NotAllowed, citizen, factories.consultation("participate", allow_comments=False))


def test_a_refusal_after_a_comment_leaves_the_earlier_comment_alone(citizen, consultation):
    first = post(citizen, consultation)

    refused(InvalidInput, citizen, consultation, **OUTSIDE)

    assert list(Contribution.objects.all()) == [first]
