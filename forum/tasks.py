"""Celery tasks of the site as a whole: thin, each over a service; CELERY_BEAT_SCHEDULE (settings) runs them."""

from celery import shared_task

from forum import services

CLEAR_EXPIRED_SESSIONS = "forum.clear_expired_sessions"


@shared_task(name=CLEAR_EXPIRED_SESSIONS, ignore_result=True)
def clear_expired_sessions() -> None:
    services.clear_expired_sessions()
