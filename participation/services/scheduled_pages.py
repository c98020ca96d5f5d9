"""Wagtail's scheduled publishing, run by our periodic run instead of a cron job of ``publish_scheduled``.

An editor who sets "go live at" publishes a revision that waits (``Revision.approved_go_live_at``); one with
"expire at" has the page taken down then. Wagtail does neither by itself: its ``publish_scheduled`` command
must run regularly. ``publish_scheduled_pages`` does what it does (for pages and any other model with draft
states) and then tells screens and phones of every consultation or proposal that went live or down
(``page_changed``: the admin's hooks do that for pages published by hand).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import transaction
from wagtail.models import DraftStateMixin, Page, Revision

from participation.services.results import page_changed


def _draft_models() -> list[type]:
    return [Page, *(m for m in apps.get_models() if issubclass(m, DraftStateMixin) and not issubclass(m, Page))]


def publish_scheduled_pages(*, now: dt.datetime) -> int:
    """Take down what expired and publish the revisions whose time has come, each in its own transaction
    (one that fails leaves the others done; the next run tries it again). Returns how many were handled."""
    handled = 0
    for model in _draft_models():
        expired = model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at").values_list("pk", flat=True)
        for pk in list(expired):
            handled += _expire(model=model, pk=pk, now=now)
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at")
    for pk in list(due.values_list("pk", flat=True)):
        handled += _publish(pk=pk, now=now)
    return handled


@transaction.atomic
def _expire(*, model: type, pk: int, now: dt.datetime) -> int:
    # Locked and read again: of two runs at once, one takes the page down (SQLite has one writer anyway).
    obj = model.objects.select_for_update().filter(pk=pk, live=True, expire_at__lt=now).first()
    if obj is None:
        return 0
    obj = obj.specific if isinstance(obj, Page) else obj
    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    if isinstance(obj, Page):
        page_changed(page=obj)
    return 1


@transaction.atomic
def _publish(*, pk: int, now: dt.datetime) -> int:
    revision = Revision.objects.select_for_update().filter(pk=pk, approved_go_live_at__lt=now).first()
    if revision is None:
        return 0
    revision.publish(log_action="wagtail.publish.scheduled")
    target = revision.content_object
    if isinstance(target, Page):
        page_changed(page=target)
    return 1
