import pytest

from participation import services
from participation.errors import NotAllowed
from participation.models import Contribution, ModerationState
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

    services.moderate_contribution(moderator=moderator, contribution=comment, state=ModerationState.HIDDEN)

    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.HIDDEN
    assert list(comment_threads(consultation=participating_consultation)) == []


def test_citizens_may_not_moderate(citizen, participating_consultation):
    comment = services.post_contribution(author=citizen, consultation=participating_consultation, text="Text")

    with pytest.raises(NotAllowed):
        services.moderate_contribution(moderator=citizen, contribution=comment, state=ModerationState.HIDDEN)
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
