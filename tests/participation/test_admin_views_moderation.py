"""The moderation view (participation.admin_views.moderation): back to the queue page it came from, never elsewhere."""

import pytest
from django.contrib.auth.models import Permission

from tests.support import factories


@pytest.fixture
def signed_in_moderator(client, moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(moderator)
    return client


@pytest.fixture
def moderator(db):
    return factories.moderator()


def _moderate(client, comment, next_url: str):
    return client.post(f"/admin/moderation/{comment.pk}/", {"state": "hidden", "reason": "Spam", "next": next_url})


def test_it_returns_to_the_queue_page_it_came_from(signed_in_moderator, participating_consultation):
    comment = factories.comment(participating_consultation)
    response = _moderate(signed_in_moderator, comment, "/admin/moderation/?state=approved&p=2")
    assert response.status_code == 302
    assert response.url == "/admin/moderation/?state=approved&p=2"


@pytest.mark.parametrize(
    "elsewhere",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", "javascript:alert(1)"],
)
def test_next_never_leads_off_the_site(signed_in_moderator, participating_consultation, elsewhere):
    comment = factories.comment(participating_consultation)
    response = _moderate(signed_in_moderator, comment, elsewhere)
    assert response.status_code == 302
    assert response.url == "/admin/moderation/"
