"""The admin calls no other host: avatars are initials drawn inside the page (forum.wagtail_hooks), and the
dashboard neither checks for Wagtail releases nor shows Wagtail's news banner (forum.settings)."""

from urllib.parse import unquote

import pytest
from django.conf import settings
from wagtail.users.models import UserProfile

from forum.wagtail_hooks import initials, initials_avatar
from tests.support import factories
from tests.support.pages import browser


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


def test_the_settings_turn_off_what_would_call_out():
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_ENABLE_WHATS_NEW_BANNER is False


def test_the_dashboard_shows_initials_and_no_update_check_or_news(superuser, home):
    superuser.first_name, superuser.last_name = "Erika", "Mustermann"
    superuser.save()

    content = browser(superuser).get("/admin/").content.decode()

    assert 'data-controller="w-upgrade' not in content  # the panel that asks releases.wagtail.org
    assert "w-whats-new" not in content
    assert "gravatar.com" not in content
    assert "default-user-avatar" not in content
    svg = unquote(content.split('src="data:image/svg+xml,', 1)[1].split('"', 1)[0])
    assert ">EM</text>" in svg


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"first_name": "Erika", "last_name": "Mustermann"}, "EM"),
        ({"username": "anna"}, "A"),
        ({"username": "max.muster"}, "MM"),
        ({"username": "", "email": "kim-lee@example.org"}, "KL"),
        ({"username": "", "email": ""}, "?"),
    ],
)
def test_initials_come_from_the_name_else_the_username_else_the_address(fields, expected):
    user = factories.UserFactory.build(**{"first_name": "", "last_name": "", **fields})

    assert initials(user) == expected


def test_initials_in_the_picture_are_escaped(db):
    user = factories.UserFactory(username="<b>", first_name="", last_name="")

    assert "<b>" not in unquote(initials_avatar(user, 50)).split("<text", 1)[1]


def test_an_uploaded_picture_is_shown_instead(superuser):
    profile = UserProfile.get_for_user(superuser)
    profile.avatar = "avatar_images/erika.png"
    profile.save()

    assert initials_avatar(superuser, 50) is None
