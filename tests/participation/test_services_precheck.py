"""The automatic check of new contributions (participation.services.precheck, the task check_contribution):
link spam, repeated text and the word lists hold a contribution for review with the finding logged; it never
deletes, never refuses, and a failing check leaves the comment saved."""

import pytest

from participation import services
from participation.models import Contribution, DecisionAction, ModerationDecision, ModerationState
from participation.tasks import check_contribution
from tests.support import factories


@pytest.fixture
def post(citizen, participating_consultation, django_capture_on_commit_callbacks, eager):
    """A citizen comments; the check runs as it does in the embedded default (a task after the commit, eagerly)."""

    def post(text: str, *, author=None, consultation=None):
        with django_capture_on_commit_callbacks(execute=True):
            comment = services.post_contribution(
                author=author or citizen, consultation=consultation or participating_consultation, text=text
            )
        return Contribution.objects.get(pk=comment.pk)

    return post


def _automatic(comment):
    return ModerationDecision.objects.filter(contribution=comment, action=DecisionAction.AUTOMATIC_CHECK).first()


def test_an_ordinary_comment_stays_published(post):
    comment = post("Mehr Schatten am Spielplatz, bitte. Siehe https://example.org/plan")
    assert comment.moderation_state == ModerationState.APPROVED
    assert _automatic(comment) is None


def test_link_spam_is_held_for_review(post, settings):
    settings.MODERATION_MAX_LINKS = 2
    comment = post("Billig! https://a.example http://b.example www.c.example")

    assert comment.moderation_state == ModerationState.PENDING
    decision = _automatic(comment)
    assert decision.moderator is None
    assert (decision.from_state, decision.to_state) == ("approved", "pending")
    assert "3" in decision.reason


def test_the_same_text_again_in_the_consultation_is_held(post):
    text = "Die Brücke muss dringend saniert werden!"
    first = post(text, author=factories.CitizenFactory())
    again = post("  die brücke muss   dringend saniert werden! ")

    assert first.moderation_state == ModerationState.APPROVED
    assert again.moderation_state == ModerationState.PENDING
    assert _automatic(again) is not None


def test_the_same_participant_repeating_elsewhere_is_held(post, citizen):
    text = "Kauft alle bei uns, beste Preise der Stadt"
    post(text)
    elsewhere = post(text, consultation=factories.consultation("participate", slug="anderswo"))
    assert elsewhere.moderation_state == ModerationState.PENDING


def test_short_answers_may_repeat(post):
    post("Ja, genau!", author=factories.CitizenFactory())
    assert post("Ja, genau!").moderation_state == ModerationState.APPROVED


@pytest.mark.parametrize("text", ["Du bist ein Vollidiot.", "What a MORON wrote this", "Billige VIAGRA hier"])
def test_words_of_the_lists_are_held(post, text):
    comment = post(text)
    assert comment.moderation_state == ModerationState.PENDING
    assert "word list" in _automatic(comment).reason or "Wortliste" in _automatic(comment).reason


def test_the_word_list_grows_by_a_setting(post, settings):
    settings.MODERATION_WORDS = ["Blödsinnsplan"]
    assert post("Das ist ein blödsinnsplan").moderation_state == ModerationState.PENDING
    assert post("Ein guter Plan für alle").moderation_state == ModerationState.APPROVED


def test_words_count_whole(post):
    assert post("Ich mag Scunthorpe und Kasinostraße").moderation_state == ModerationState.APPROVED


def test_a_premoderated_comment_keeps_waiting_with_the_finding(post, citizen):
    consultation = factories.consultation("participate", moderation_mode="pre", slug="vorab")
    comment = post("Idiot!", consultation=consultation)
    assert comment.moderation_state == ModerationState.PENDING
    assert _automatic(comment).from_state == "pending"


def test_the_check_never_deletes_and_is_idempotent(post):
    comment = post("Vollidiot")
    assert check_contribution.delay(comment.pk).get() is False  # checked already: nothing more
    assert Contribution.objects.filter(pk=comment.pk, deleted_at__isnull=True).exists()
    assert ModerationDecision.objects.filter(contribution=comment).count() == 1


def test_a_moderators_decision_is_not_undone_by_the_check(moderator, participating_consultation, eager):
    comment = factories.comment(participating_consultation, text="Vollidiot")
    services.moderate_contribution(moderator=moderator, contribution=comment, state=ModerationState.APPROVED)
    check_contribution.delay(comment.pk)
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED


def test_a_failing_check_leaves_the_comment_saved(post, settings):
    settings.MODERATION_MAX_LINKS = "not a number"  # a broken setting makes the check raise
    comment = post("Zwei Links: https://a.example https://b.example")
    assert comment.pk is not None
    assert comment.moderation_state == ModerationState.APPROVED


def test_the_check_is_quick(post, participating_consultation):
    import time

    factories.bulk_comments(participating_consultation, 300)
    started = time.perf_counter()
    post("Ein ganz gewöhnlicher Beitrag über die Uferpromenade " * 20)
    assert time.perf_counter() - started < 2.0
