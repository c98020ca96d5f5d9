"""Celery application: eager in-process without REDIS_URL, workers on Redis with it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

app = Celery("forum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
