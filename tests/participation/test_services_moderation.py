import pytest

from participation import selectors, services
from participation.errors import InvalidInput, NotAllowed
from participation.models import Contribution, Flag, FlagReason, ModerationDecision, ModerationState
from participation.selectors import comment_threads
from tests.support import factories


@pytest.fixture
def premoderated(db):
    return factories.consultation("participate", moderation_mode="pre")


def test_premoderated_comment_waits_until_a_moderator_publishes_it(citizen, moderator, premoderated):
    comment = services.post_contribution(author=citizen, consultation=premoderated, text="Mehr Bänke")
    assert comment.moderation_state == ModerationState.PENDING
    assert list(comment_threads(consultation=premoderated)) == []

    services.moderate_contribution(moderator=moderator, contribution=comment, state=ModerationState.APPROVED)

    assert list(comment_threads(consultation=premoderated)) == [comment]


def test_hiding_keeps_the_contribution(citizen, moderator, participating_consultation):
    comment = services.post_contribution(author=citizen, consultation=participating_consultation, text="Text")

    services.moderate_contribution(
        moderator=moderator, contribution=comment, state=ModerationState.HIDDEN, reason="Spam"
    )

    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.HIDDEN
    assert list(comment_threads(consultation=participating_consultation)) == []


def test_citizens_may_not_moderate(citizen, participating_consultation):
    comment = services.post_contribution(author=citizen, consultation=participating_consultation, text="Text")

    with pytest.raises(NotAllowed):
        services.moderate_contribution(
            moderator=citizen, contribution=comment, state=ModerationState.HIDDEN, reason="x"
        )
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED


def test_moderation_queue_in_the_admin(client, citizen, moderator, premoderated):
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    comment = services.post_contribution(author=citizen, consultation=premoderated, text="Bitte prüfen")
    client.force_login(moderator)

    queue = client.get("/admin/moderation/")
    assert queue.status_code == 200
    assert "Bitte prüfen" in queue.content.decode()

    response = client.post(f"/admin/moderation/{comment.pk}/", {"state": "approved"})
    assert response.status_code == 302
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED


def test_moderation_queue_is_closed_to_citizens(client, citizen, premoderated):
    from django.contrib.auth.models import Permission

    citizen.user_permissions.add(Permission.objects.get(codename="access_admin"))
    comment = services.post_contribution(author=citizen, consultation=premoderated, text="Selbst freigeben")
    client.force_login(citizen)

    # Wagtail turns a refused admin view into a redirect to the dashboard with a message.
    assert client.get("/admin/moderation/").url == "/admin/"
    assert client.post(f"/admin/moderation/{comment.pk}/", {"state": "approved"}).url == "/admin/"
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.PENDING


# --- the decision log --------------------------------------------------------------------------------------


def _decisions(comment):
    return list(ModerationDecision.objects.filter(contribution=comment).values_list("action", "from_state", "to_state"))


def test_every_decision_is_logged_with_who_what_and_why(citizen, moderator, premoderated):
    comment = services.post_contribution(author=citizen, consultation=premoderated, text="Mehr Bänke am Ufer")

    approved = services.moderate_contribution(moderator=moderator, contribution=comment, state=ModerationState.APPROVED)
    hidden = services.moderate_contribution(
        moderator=moderator, contribution=comment, state=ModerationState.HIDDEN, reason="Beleidigung"
    )
    restored = services.moderate_contribution(moderator=moderator, contribution=comment, state=ModerationState.APPROVED)

    assert [approved.action, hidden.action, restored.action] == ["approve", "hide", "restore"]
    assert _decisions(comment) == [
        ("approve", "pending", "approved"),
        ("hide", "approved", "hidden"),
        ("restore", "hidden", "approved"),
    ]
    logged = ModerationDecision.objects.get(pk=hidden.pk)
    assert (logged.moderator, logged.reason) == (moderator, "Beleidigung")
    assert logged.created_at is not None
    # What was decided comes back, with the contribution as it is now: a notification can hook on it.
    assert hidden.contribution.moderation_state == ModerationState.HIDDEN


def test_hiding_needs_a_reason(citizen, moderator, participating_consultation, english):
    comment = services.post_contribution(author=citizen, consultation=participating_consultation, text="Text")

    for reason in ("", "   "):
        with pytest.raises(InvalidInput, match="reason") as refused:
            services.moderate_contribution(
                moderator=moderator, contribution=comment, state=ModerationState.HIDDEN, reason=reason
            )
        assert refused.value.field == "reason"
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED
    assert not ModerationDecision.objects.exists()


def test_a_moderator_cannot_set_an_unknown_state(citizen, moderator, participating_consultation):
    comment = services.post_contribution(author=citizen, consultation=participating_consultation, text="Text")
    for state in ("deleted", ModerationState.PENDING):
        with pytest.raises(InvalidInput):
            services.moderate_contribution(moderator=moderator, contribution=comment, state=state, reason="x")


def test_a_decision_resolves_the_open_flags(citizen, moderator, participating_consultation):
    comment = factories.comment(participating_consultation, text="Werbung hier", author=factories.CitizenFactory())
    services.flag_contribution(user=citizen, contribution=comment, reason=FlagReason.SPAM)
    services.flag_contribution(user=factories.CitizenFactory(), contribution=comment, reason=FlagReason.OTHER)

    decision = services.moderate_contribution(
        moderator=moderator, contribution=comment, state=ModerationState.HIDDEN, reason="Werbung"
    )

    assert decision.flags_resolved == 2
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert Flag.objects.count() == 2  # kept, resolved


def test_hiding_publishes_a_new_revision_after_commit(citizen, moderator, participating_consultation):
    comment = services.post_contribution(author=citizen, consultation=participating_consultation, text="Text")
    before = selectors.results_revision(consultation_id=participating_consultation.pk)

    services.moderate_contribution(moderator=moderator, contribution=comment, state=ModerationState.HIDDEN, reason="x")

    assert selectors.results_revision(consultation_id=participating_consultation.pk) == before + 1


# --- bulk --------------------------------------------------------------------------------------------------


def test_bulk_hides_all_chosen_with_one_reason(citizen, moderator, participating_consultation):
    comments = [factories.comment(participating_consultation, text=f"Text {n}") for n in range(3)]

    decisions = services.moderate_contributions(
        moderator=moderator, contribution_ids=[c.pk for c in comments], state=ModerationState.HIDDEN, reason="Spam"
    )

    assert len(decisions) == 3
    assert set(Contribution.objects.values_list("moderation_state", flat=True)) == {ModerationState.HIDDEN}
    assert set(ModerationDecision.objects.values_list("reason", flat=True)) == {"Spam"}


def test_bulk_is_all_or_nothing(moderator, participating_consultation):
    comments = [factories.comment(participating_consultation, text=f"Text {n}") for n in range(2)]
    missing = max(c.pk for c in comments) + 100

    with pytest.raises(InvalidInput):
        services.moderate_contributions(
            moderator=moderator,
            contribution_ids=[comments[0].pk, comments[1].pk, missing],
            state=ModerationState.HIDDEN,
            reason="Spam",
        )

    assert set(Contribution.objects.values_list("moderation_state", flat=True)) == {ModerationState.APPROVED}
    assert not ModerationDecision.objects.exists()


def test_citizens_may_not_moderate_in_bulk(citizen, participating_consultation):
    comment = factories.comment(participating_consultation)
    with pytest.raises(NotAllowed):
        services.moderate_contributions(
            moderator=citizen, contribution_ids=[comment.pk], state=ModerationState.HIDDEN, reason="x"
        )
