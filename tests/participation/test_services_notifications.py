"""E-mail notifications: each kind only when switched on, only after the commit, sent once, in the citizen's
language, as text and HTML, in the site's name, with a one-click unsubscribe; the daily digest."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.db import transaction
from django.utils import timezone

from participation import services
from participation.models import ModerationState, Notification, NotificationKind
from participation.services.notification_mail import Sent
from tests.support import factories

pytestmark = pytest.mark.usefixtures("eager")


@pytest.fixture
def consultation(db):
    return factories.consultation("participate", title="Neuer Marktplatz")


def wants(user, *kinds, delivery="each", language="de"):
    return services.save_notification_settings(user=user, kinds=kinds, delivery=delivery, language=language)


def reply_to(comment, author, text="Das sehe ich genauso."):
    return services.post_contribution(author=author, consultation=comment.consultation, text=text, parent=comment)


@pytest.fixture
def thread(consultation):
    """A comment by ``alice`` (who wants replies), and ``bob`` who replies."""
    alice = factories.CitizenFactory(username="alice", email="alice@example.org")
    bob = factories.CitizenFactory(username="bob", email="bob.private@example.org")
    comment = factories.comment(consultation, author=alice, text="Mehr Bäume, bitte.")
    return alice, bob, comment


def test_a_reply_is_mailed_after_the_commit_to_the_author_who_asked(
    thread, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bob, comment = thread
    wants(alice, NotificationKind.REPLY, language="en")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = reply_to(comment, bob)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    (mail,) = mailoutbox
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "Bürgerforum Delft: bob replied to your comment"
    assert str(make_header(decode_header(mail.from_email))) == "Bürgerforum Delft <buergerforum@localhost>"
    assert "Das sehe ich genauso." in mail.body
    assert f"http://127.0.0.1:8000{comment.consultation.url}#comment-{reply.pk}" in mail.body
    assert "bob.private@example.org" not in mail.body  # the replier by public name only
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and "bob replied to your comment" in html and "bob.private" not in html
    assert "127.0.0.1:8000" in mail.body and "testserver" not in mail.body


def test_nothing_is_mailed_for_a_kind_that_is_off(thread, mailoutbox, django_capture_on_commit_callbacks):
    alice, bob, comment = thread
    wants(alice, NotificationKind.NEWS)  # replies stay off
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, bob)
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_without_settings_nothing_is_mailed(thread, mailoutbox, django_capture_on_commit_callbacks):
    _alice, bob, comment = thread
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, bob)
    assert mailoutbox == []


def test_a_reply_to_ones_own_comment_is_not_mailed(thread, mailoutbox, django_capture_on_commit_callbacks):
    alice, _bob, comment = thread
    wants(alice, NotificationKind.REPLY)
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, alice)
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_reply_mails_nothing(mailoutbox, eager):
    consultation = factories.consultation("participate")
    alice, bob = factories.CitizenFactory(), factories.CitizenFactory()
    comment = factories.comment(consultation, author=alice)
    wants(alice, NotificationKind.REPLY)

    with pytest.raises(RuntimeError), transaction.atomic():
        reply_to(comment, bob)
        raise RuntimeError("the request failed after the reply")
    assert mailoutbox == []
    assert not Notification.objects.exists()

    reply_to(comment, bob)  # committed: mailed
    assert len(mailoutbox) == 1


def test_a_task_delivered_twice_mails_once(thread, mailoutbox, django_capture_on_commit_callbacks):
    alice, bob, comment = thread
    wants(alice, NotificationKind.REPLY)
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_to(comment, bob)
    (notification,) = Notification.objects.all()
    assert notification.sent_at is not None

    assert services.send_notification(notification_id=notification.pk) is Sent.NOTHING
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_reply(contribution_id=reply.pk) == 1  # the same event reported again
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_refusing_mail_server_leaves_it_unsent_for_a_retry(thread, mailoutbox, settings):
    alice, bob, comment = thread
    wants(alice, NotificationKind.REPLY)
    reply = reply_to(comment, bob)  # inside the test's transaction: the task has not run
    (notification,) = Notification.objects.filter(contribution=reply)
    settings.EMAIL_BACKEND = "tests.support.mail.RefusingBackend"
    assert services.send_notification(notification_id=notification.pk) is Sent.FAILED
    notification.refresh_from_db()
    assert notification.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_notification(notification_id=notification.pk) is Sent.SENT
    assert len(mailoutbox) == 1


def test_mails_are_in_the_citizens_language(thread, mailoutbox, django_capture_on_commit_callbacks):
    alice, bob, comment = thread
    wants(alice, NotificationKind.REPLY, language="de")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, bob)
    (mail,) = mailoutbox
    assert mail.subject == "Bürgerforum Delft: bob hat auf Ihren Kommentar geantwortet"
    assert "Guten Tag," in mail.body
    assert 'lang="de"' in mail.alternatives[0][0]


def test_the_language_defaults_to_the_one_in_use_when_switched_on(thread):
    from django.utils import translation

    alice, _bob, _comment = thread
    with translation.override("en"):
        chosen = services.save_notification_settings(user=alice, kinds=["reply"], delivery="each")
    assert chosen.language == "en"


def test_every_mail_can_be_unsubscribed_in_one_click(thread, mailoutbox, django_capture_on_commit_callbacks, client):
    alice, bob, comment = thread
    wants(alice, NotificationKind.REPLY, NotificationKind.NEWS)
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(comment, bob)
    (mail,) = mailoutbox
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/accounts/notifications/unsubscribe/")
    assert link in mail.body and link in mail.alternatives[0][0]

    path = link.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200  # a confirm page; nothing changed yet
    alice.notification_settings.refresh_from_db()
    assert alice.notification_settings.on_reply

    # The mail client's one click: a POST without session or CSRF token (RFC 8058).
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    alice.notification_settings.refresh_from_db()
    assert not alice.notification_settings.on_reply
    assert alice.notification_settings.on_news  # only the kind of that mail


def test_a_tampered_unsubscribe_token_is_refused(thread, client):
    alice, _bob, _comment = thread
    wants(alice, NotificationKind.REPLY)
    token = services.unsubscribe_token(user_id=alice.pk, kind="reply")
    other = factories.CitizenFactory()
    # Another account's payload under alice's signature; and a token signed for another purpose.
    other_token = services.unsubscribe_token(user_id=other.pk, kind="reply")
    forged = other_token.split(":")[0] + ":" + token.split(":", 1)[1]
    assert forged != other_token
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = client.post(f"/accounts/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert client.get(f"/accounts/notifications/unsubscribe/{bad}/").status_code == 400
    alice.notification_settings.refresh_from_db()
    assert alice.notification_settings.on_reply


def test_a_moderation_decision_is_mailed_when_switched_on(thread, mailoutbox, django_capture_on_commit_callbacks):
    alice, bob, comment = thread
    wants(alice, NotificationKind.MODERATION, language="en")
    wants(bob, NotificationKind.REPLY)
    other = factories.comment(comment.consultation, author=bob)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_moderation_decision(contribution_id=comment.pk, decision=ModerationState.HIDDEN) == 1
        assert services.notify_moderation_decision(contribution_id=other.pk, decision=ModerationState.HIDDEN) == 0
    (mail,) = mailoutbox
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "Bürgerforum Delft: A moderator has hidden your comment"


def test_a_reply_published_by_a_moderator_is_mailed_to_the_author_it_answers(
    thread, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bob, comment = thread
    wants(alice, NotificationKind.REPLY, language="en")
    held = factories.comment(comment.consultation, author=bob, parent=comment, moderation_state=ModerationState.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_reply(contribution_id=held.pk)
    assert mailoutbox == []  # not while it waits
    held.moderation_state = ModerationState.APPROVED
    held.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_moderation_decision(contribution_id=held.pk)
    assert [mail.subject for mail in mailoutbox] == ["Bürgerforum Delft: bob replied to your comment"]


def test_an_official_answer_is_mailed_when_switched_on(thread, mailoutbox, django_capture_on_commit_callbacks):
    alice, bob, comment = thread
    wants(alice, NotificationKind.OFFICIAL_ANSWER, language="en")
    other = factories.comment(comment.consultation, author=bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_official_answer(contribution_id=comment.pk)
        services.notify_official_answer(contribution_id=other.pk)  # bob did not ask
    (mail,) = mailoutbox
    assert mail.subject == "Bürgerforum Delft: Your comment has received an official answer"
    assert f"#comment-{comment.pk}" in mail.body


def test_a_phase_is_mailed_to_followers_who_asked(consultation, mailoutbox, django_capture_on_commit_callbacks):
    follower, stranger, quiet = factories.CitizenFactory(), factories.CitizenFactory(), factories.CitizenFactory()
    for user in (follower, quiet):
        services.follow_consultation(user=user, consultation=consultation)
    wants(follower, NotificationKind.PHASE, language="en")
    wants(stranger, NotificationKind.PHASE)  # follows nothing
    wants(quiet, NotificationKind.NEWS)  # follows, but not for phases
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_phase_changed(consultation_id=consultation.pk, phase="participate") == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_phase_changed(consultation_id=consultation.pk, phase="participate")  # once per phase
    (mail,) = mailoutbox
    assert mail.to == [follower.email]
    assert "Participation has started" in mail.body and "Neuer Marktplatz" in mail.subject


def test_news_is_mailed_to_followers_once(consultation, mailoutbox, django_capture_on_commit_callbacks):
    follower, other = factories.CitizenFactory(), factories.CitizenFactory()
    services.follow_consultation(user=follower, consultation=consultation)
    wants(follower, NotificationKind.NEWS, language="de")
    wants(other, NotificationKind.NEWS)  # does not follow
    with django_capture_on_commit_callbacks(execute=True):
        news = services.add_news(consultation=consultation, title="Bauarbeiten beginnen", intro="Ab Montag.")
    with django_capture_on_commit_callbacks(execute=True):
        news.save_revision().publish()  # edited and published again: not mailed again
    (mail,) = mailoutbox
    assert mail.to == [follower.email]
    assert mail.subject == "Bürgerforum Delft: Bauarbeiten beginnen"
    assert "Neuigkeiten aus „Neuer Marktplatz“" in mail.body or "Neuer Marktplatz" in mail.body
    assert f"http://127.0.0.1:8000{news.url}" in mail.body


def test_the_digest_gathers_a_day_into_one_mail(consultation, mailoutbox, django_capture_on_commit_callbacks):
    reader = factories.CitizenFactory()
    services.follow_consultation(user=reader, consultation=consultation)
    wants(reader, NotificationKind.NEWS, NotificationKind.PHASE, delivery="daily", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_news(consultation=consultation, title="First news", intro="One.")
        services.add_news(consultation=consultation, title="Second news", intro="Two.")
        services.notify_phase_changed(consultation_id=consultation.pk, phase="participate")
    assert mailoutbox == []  # nothing before the digest

    assert services.queue_daily_digests() == 1
    (mail,) = mailoutbox
    assert mail.to == [reader.email]
    assert mail.subject == "Bürgerforum Delft: 3 new notifications today"
    assert all(text in mail.body for text in ("First news", "Second news", "Participation has started"))
    assert "Unsubscribe from all notifications" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Later that day: what comes waits for tomorrow's digest; a second run sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.add_news(consultation=consultation, title="Third news", intro="Three.")
    services.queue_daily_digests()
    assert services.send_digest(user_id=reader.pk) is Sent.NOTHING
    assert len(mailoutbox) == 1
    Notification.objects.filter(sent_at__isnull=False).update(sent_at=timezone.now() - timedelta(days=1))
    services.queue_daily_digests()
    assert len(mailoutbox) == 2 and "Third news" in mailoutbox[1].body and "First news" not in mailoutbox[1].body


def test_a_digest_speaks_for_the_site_of_its_consultations_or_else_the_default_site(
    consultation, mailoutbox, django_capture_on_commit_callbacks
):
    kalletal = factories.other_site("kalletal.example", title="Kalletal")
    services.name_site(site_id=kalletal.pk, city_name="Kalletal")
    dorfplatz = factories.consultation("participate", parent=kalletal.root_page, title="Dorfplatz", slug="dorfplatz")
    reader = factories.CitizenFactory()
    services.follow_consultation(user=reader, consultation=dorfplatz)
    wants(reader, NotificationKind.NEWS, delivery="daily", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_news(consultation=dorfplatz, title="Neue Bänke", intro="Zwei.")
        services.add_news(consultation=dorfplatz, title="Der Brunnen", intro="Einer.")

    services.queue_daily_digests()
    (kalletal_only,) = mailoutbox
    assert kalletal_only.subject == "Bürgerforum Kalletal: 2 new notifications today"
    assert str(make_header(decode_header(kalletal_only.from_email))) == "Bürgerforum Kalletal <buergerforum@localhost>"
    unsubscribe = kalletal_only.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://kalletal.example/accounts/notifications/unsubscribe/")

    # A day with news of both sites: one digest, in the default site's name, each link at its own site.
    Notification.objects.update(sent_at=timezone.now() - timedelta(days=1))
    services.follow_consultation(user=reader, consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_news(consultation=dorfplatz, title="Das Fest", intro="Drei.")
        services.add_news(consultation=consultation, title="Der Markt", intro="Vier.")
    services.queue_daily_digests()
    both = mailoutbox[1]
    assert both.subject == "Bürgerforum Delft: 2 new notifications today"
    assert "http://kalletal.example/dorfplatz/" in both.body and "http://127.0.0.1:8000/" in both.body


def test_no_digest_when_nothing_waits(consultation, mailoutbox):
    reader = factories.CitizenFactory()
    wants(reader, NotificationKind.NEWS, delivery="daily")
    assert services.queue_daily_digests() == 0
    assert services.send_digest(user_id=reader.pk) is Sent.NOTHING
    assert mailoutbox == []


def test_a_kind_switched_off_before_sending_is_not_sent(consultation, mailoutbox, django_capture_on_commit_callbacks):
    reader = factories.CitizenFactory()
    services.follow_consultation(user=reader, consultation=consultation)
    wants(reader, NotificationKind.NEWS, delivery="daily")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_news(consultation=consultation, title="News", intro="Eins.")
    wants(reader, delivery="daily")  # everything off
    services.queue_daily_digests()
    assert mailoutbox == []


def test_news_published_in_the_admin_is_mailed_to_followers(
    consultation, client, mailoutbox, django_capture_on_commit_callbacks
):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    from participation.models import NewsPage

    follower = factories.CitizenFactory()
    services.follow_consultation(user=follower, consultation=consultation)
    wants(follower, NotificationKind.NEWS, language="en")
    client.force_login(factories.UserFactory(username="editor", is_staff=True, is_superuser=True))
    form = nested_form_data(
        {
            "title": "Der Markt zieht um",
            "slug": "markt-zieht-um",
            "date": "2026-03-01 10:00",
            "intro": "Ab April.",
            "body": streamfield([]),
            "action-publish": "1",
        }
    )
    add = f"/admin/pages/add/participation/newspage/{consultation.pk}/"
    assert client.get(add).status_code == 200  # a news page may be added under a consultation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, form)
    assert response.status_code == 302
    news = NewsPage.objects.get(slug="markt-zieht-um")
    assert news.live and news.get_parent().pk == consultation.pk
    (mail,) = mailoutbox
    assert mail.subject == "Bürgerforum Delft: Der Markt zieht um"
    assert "Ab April." in mail.body


def test_the_tasks_mail_once_however_often_delivered(thread, mailoutbox):
    from participation.tasks import send_digest_task, send_notification_task

    alice, bob, comment = thread
    wants(alice, NotificationKind.REPLY)
    wants(bob, NotificationKind.REPLY, delivery="daily")
    reply_to(comment, bob)  # the test's transaction does not commit: the tasks are run by hand
    reply_to(factories.comment(comment.consultation, author=bob), alice)
    mine, digest = Notification.objects.get(recipient=alice), Notification.objects.get(recipient=bob)
    for _delivery in range(3):
        send_notification_task.apply(args=[mine.pk])
        send_digest_task.apply(args=[bob.pk])
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([alice.email, bob.email])
    assert Notification.objects.filter(pk__in=[mine.pk, digest.pk], sent_at__isnull=False).count() == 2


def test_beat_builds_the_digests_daily():
    from django.conf import settings

    from forum.celery import app
    from participation.services.notifications import QUEUE_DAILY_DIGESTS

    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == QUEUE_DAILY_DIGESTS]
    assert entry["schedule"].hour == {settings.NOTIFICATION_DIGEST_HOUR}
    assert entry["schedule"].minute == {0}
    assert QUEUE_DAILY_DIGESTS in app.tasks


def test_answering_a_comment_for_the_city_mails_its_author_once_not_for_each_correction(
    thread, mailoutbox, django_capture_on_commit_callbacks
):
    alice, _bob, comment = thread
    wants(alice, NotificationKind.OFFICIAL_ANSWER, language="en")
    clerk = factories.moderator()

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_contribution(staff=clerk, contribution=comment, text="Wir prüfen das bis zum Sommer.")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_contribution(staff=clerk, contribution=comment, text="Wir prüfen das bis Ende Juni.")

    (mail,) = mailoutbox
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "Bürgerforum Delft: Your comment has received an official answer"


def test_hiding_and_restoring_in_the_queue_mails_the_author_each_time_keeping_mails_nothing(
    thread, mailoutbox, django_capture_on_commit_callbacks
):
    alice, _bob, comment = thread
    wants(alice, NotificationKind.MODERATION, language="en")
    moderator = factories.moderator()

    with django_capture_on_commit_callbacks(execute=True):
        services.moderate_contribution(moderator=moderator, contribution=comment, state="approved")  # kept
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate_contribution(moderator=moderator, contribution=comment, state="hidden", reason="Beleidigung")
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate_contribution(moderator=moderator, contribution=comment, state="approved")  # restored

    assert [mail.subject for mail in mailoutbox] == [
        "Bürgerforum Delft: A moderator has hidden your comment",
        "Bürgerforum Delft: Your comment has been published",
    ]


def test_a_consultation_of_another_site_mails_in_that_sites_name_and_address(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    kalletal = factories.other_site("kalletal.example", title="Kalletal")
    services.name_site(site_id=kalletal.pk, city_name="Kalletal")
    dorfplatz = factories.consultation("participate", parent=kalletal.root_page, title="Dorfplatz", slug="dorfplatz")
    alice = factories.CitizenFactory(username="alice")
    comment = factories.comment(dorfplatz, author=alice, text="Eine Bank, bitte.")
    wants(alice, NotificationKind.REPLY, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_to(comment, factories.CitizenFactory(username="bob"))

    (mail,) = mailoutbox
    assert mail.subject == "Bürgerforum Kalletal: bob replied to your comment"
    assert str(make_header(decode_header(mail.from_email))) == "Bürgerforum Kalletal <buergerforum@localhost>"
    assert f"http://kalletal.example/dorfplatz/#comment-{reply.pk}" in mail.body
    assert "127.0.0.1:8000/dorfplatz" not in mail.body
