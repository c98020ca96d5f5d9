"""The browser sessions of the site as a whole (logins, a terminal's visitors): expired ones are deleted."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings


def clear_expired_sessions() -> None:
    """Deletes the sessions past their expiry from the store: Django leaves them there until asked, and the
    privacy page promises they go within a day (CELERY_BEAT_SCHEDULE runs this daily)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
