"""The opt-in mail to moderators when contributions wait (participation.services.moderator_mail, the task
mail_moderators): only to who asked, at most once an hour per consultation and moderator, text and HTML, in the
site's name."""

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.utils import timezone

from participation import services
from participation.errors import NotAllowed
from participation.models import FlagReason, ModeratorMail
from participation.tasks import mail_moderators
from tests.support import factories


@pytest.fixture
def premoderated(db):
    return factories.consultation("participate", moderation_mode="pre", title="Uferpromenade")


@pytest.fixture
def opted_in(moderator):
    moderator.email = "moderatorin@example.org"
    moderator.save()
    services.set_moderator_settings(user=moderator, mail_when_waiting=True)
    return moderator


def _post(citizen, consultation, capture, text="Bitte prüfen Sie das"):
    with capture(execute=True):
        return services.post_contribution(author=citizen, consultation=consultation, text=text)


def test_a_moderator_who_opted_in_is_mailed_when_a_comment_waits(
    citizen, opted_in, premoderated, settings, django_capture_on_commit_callbacks, eager
):
    settings.SITE_NAME = "Bürgerforum Delft"
    _post(citizen, premoderated, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == ["moderatorin@example.org"]
    assert "Bürgerforum Delft" in message.subject and "Uferpromenade" in message.subject
    assert f"/admin/moderation/?consultation={premoderated.pk}" in message.body
    assert settings.BASE_URL in message.body
    ((html, mime),) = message.alternatives
    assert mime == "text/html" and "<a href=" in html


def test_at_most_one_mail_an_hour_per_consultation(
    citizen, opted_in, premoderated, django_capture_on_commit_callbacks, eager
):
    for n in range(3):
        _post(citizen, premoderated, django_capture_on_commit_callbacks, text=f"Beitrag Nummer {n} zum Prüfen")
    assert len(mail.outbox) == 1

    other = factories.consultation("participate", moderation_mode="pre", slug="zweite")
    _post(citizen, other, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2  # another consultation: its own hour

    ModeratorMail.objects.update(sent_at=timezone.now() - timedelta(minutes=61))
    _post(citizen, premoderated, django_capture_on_commit_callbacks, text="Nach einer Stunde wieder")
    assert len(mail.outbox) == 3


def test_the_task_is_idempotent(citizen, opted_in, premoderated, eager):
    factories.comment(premoderated, moderation_state="pending")
    assert mail_moderators.delay(premoderated.pk).get() == 1
    assert mail_moderators.delay(premoderated.pk).get() == 0
    assert len(mail.outbox) == 1


def test_nobody_is_mailed_without_opting_in_or_without_anything_waiting(moderator, premoderated, eager):
    factories.comment(premoderated, moderation_state="pending")
    assert mail_moderators.delay(premoderated.pk).get() == 0  # not opted in

    services.set_moderator_settings(user=moderator, mail_when_waiting=True)
    nothing = factories.consultation("participate", slug="ruhig")
    assert mail_moderators.delay(nothing.pk).get() == 0
    assert mail.outbox == []


def test_a_flag_mails_too(citizen, opted_in, participating_consultation, django_capture_on_commit_callbacks, eager):
    comment = factories.comment(participating_consultation, author=factories.CitizenFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_contribution(user=citizen, contribution=comment, reason=FlagReason.SPAM)
    assert len(mail.outbox) == 1


def test_the_mail_is_in_the_moderators_language(citizen, opted_in, premoderated, eager):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(opted_in)
    profile.preferred_language = "en"
    profile.save()
    factories.comment(premoderated, moderation_state="pending")
    mail_moderators.delay(premoderated.pk)
    assert "contribution waits for review" in mail.outbox[0].body


def test_only_moderators_choose_the_mail(citizen):
    with pytest.raises(NotAllowed):
        services.set_moderator_settings(user=citizen, mail_when_waiting=True)


def test_the_mail_is_in_german_by_default(citizen, opted_in, premoderated, eager):
    factories.comment(premoderated, moderation_state="pending")
    mail_moderators.delay(premoderated.pk)
    (message,) = mail.outbox
    assert "Beiträge warten auf Prüfung" in message.subject
    assert "wartet 1 Beitrag auf Prüfung" in message.body


def test_a_consultation_of_another_site_is_announced_in_its_name_with_links_to_its_address(
    citizen, opted_in, django_capture_on_commit_callbacks, eager
):
    kalletal = factories.other_site("kalletal.example", title="Kalletal")
    services.name_site(site_id=kalletal.pk, city_name="Kalletal")
    factories.grant_site(opted_in.groups.first(), kalletal.root_page)  # the moderator looks after Kalletal too
    dorfplatz = factories.consultation(
        "participate", parent=kalletal.root_page, moderation_mode="pre", title="Dorfplatz", slug="dorfplatz"
    )

    _post(citizen, dorfplatz, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject.startswith("Bürgerforum Kalletal: ")
    assert f"http://kalletal.example/admin/moderation/?consultation={dorfplatz.pk}" in message.body
    assert str(make_header(decode_header(message.from_email))).startswith("Bürgerforum Kalletal <")
