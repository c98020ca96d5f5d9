"""The site's periodic tasks: expired sessions are deleted daily, as the privacy page says."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from forum.tasks import CLEAR_EXPIRED_SESSIONS, clear_expired_sessions


def test_expired_sessions_are_deleted_and_live_ones_kept(db):
    expired, live = SessionStore(), SessionStore()
    for session in (expired, live):
        session["terminal"] = {"key": "random"}
        session.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    clear_expired_sessions()  # as the worker runs it (with Redis, .delay() would only queue it)

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_beat_runs_it_daily():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == CLEAR_EXPIRED_SESSIONS]

    assert entry["schedule"] == 24 * 3600
