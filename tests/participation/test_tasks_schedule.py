"""The periodic run on a real Celery worker on Redis (as beat queues it in production): the worker announces a
phase whose date passed, and the frame it publishes is kept in the shared cache for phones that poll."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from participation.live import results_group
from participation.live.frames import cached_frames
from participation.models import Phase, PhaseAnnouncement
from participation.selectors import results_revision
from participation.tasks import run_schedule
from tests.support import factories
from tests.support.celery_worker import celery_worker


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_a_celery_worker_announces_the_phase_and_publishes_the_frame(media, tmp_path):
    now = timezone.now()
    consultation = factories.consultation(
        "participate", voting_starts=now - dt.timedelta(seconds=1), voting_ends=now + dt.timedelta(hours=1)
    )
    # Last announced while participation ran; voting opened a second ago.
    PhaseAnnouncement.objects.create(consultation=consultation, phase=Phase.PARTICIPATE, announced_at=now)
    revision = results_revision(consultation_id=consultation.pk)

    with celery_worker(media, tmp_path) as (worker, log):
        run_schedule.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and PhaseAnnouncement.objects.get(pk=consultation.pk).phase != Phase.VOTE:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.1)

    assert PhaseAnnouncement.objects.get(pk=consultation.pk).phase == Phase.VOTE, log.read_text()
    assert results_revision(consultation_id=consultation.pk) == revision + 1
    group = results_group(consultation.pk)
    kept_revision, text = cached_frames([group])[group]
    assert kept_revision == revision + 1
    assert json.loads(text)["voting_open"] is True
    assert "Traceback" not in log.read_text(), log.read_text()
