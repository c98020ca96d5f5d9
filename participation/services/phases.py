"""Phases that switch by themselves: when a phase date passes, the live state follows.

What is open (commenting, voting) is decided from the clock on every request (``participation.rules``), but
what screens and phones show is published as frames of a revision and kept (``participation.live``): the
room's frame says whether the proposal up may be voted on, the results frame names the phase, and both are
kept in the cache and by each process's relay until the revision moves on. ``switch_phases`` is run
periodically (``participation.tasks.run_schedule``: Celery beat, or the server process in the embedded
default): for every published consultation whose phase differs from the one last announced, it records the
new one and bumps the consultation's revision, so that after the commit a new frame is published (vote
buttons appear or disappear on every phone and screen) and every cached copy of the old state (frames,
snapshots, pages and comment lists of visitors without a session) stops being served.

Idempotent and safe under several workers: each switch is a conditional update from the phase read, so of
two runs at the same moment exactly one announces it; a second run finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from participation import selectors
from participation.models import ConsultationPage, Phase, PhaseAnnouncement
from participation.services.notifications import notify_phase_changed
from participation.services.results import publish_after_commit


@dataclass(frozen=True)
class PhaseChange:
    """A consultation moved from one phase to the next (announced once)."""

    consultation_id: int
    old: Phase
    new: Phase


def switch_phases(*, now: dt.datetime) -> list[PhaseChange]:
    """Announce every published consultation's phase that changed since it was last announced: its live
    state is published anew after the commit. Returns the changes, in order of the consultations' ids."""
    changes = []
    for consultation, announced in selectors.announced_phases():
        phase = consultation.phase_at(now)
        if announced is not None and announced.phase == phase:
            continue
        change = _announce(consultation=consultation, announced=announced, phase=phase, now=now)
        if change is not None:
            changes.append(change)
    return changes


@transaction.atomic
def _announce(
    *, consultation: ConsultationPage, announced: PhaseAnnouncement | None, phase: Phase, now: dt.datetime
) -> PhaseChange | None:
    if announced is None:
        # First look at this consultation: its live state was published with the page, so the phase of
        # that moment is what screens and phones show now.
        published_at = consultation.last_published_at or consultation.first_published_at
        if published_at is None:
            # Made without a publication date (pages added in code otherwise than by ``add_consultation``):
            # the phase is taken as announced from now on.
            PhaseAnnouncement.objects.bulk_create(
                [PhaseAnnouncement(consultation=consultation, phase=phase, announced_at=now)], ignore_conflicts=True
            )
            return None
        old = consultation.phase_at(published_at)
        PhaseAnnouncement.objects.bulk_create(
            [PhaseAnnouncement(consultation=consultation, phase=old, announced_at=published_at)],
            ignore_conflicts=True,  # another run made it meanwhile: the update below decides who announces
        )
    else:
        old = Phase(announced.phase)
    if old == phase:
        return None
    # Of two runs that read the same phase, one updates the row; the other's update finds it changed.
    if not PhaseAnnouncement.objects.filter(pk=consultation.pk, phase=old).update(phase=phase, announced_at=now):
        return None
    publish_after_commit(consultation.pk)
    # Its followers who asked are told in the same transaction: announced once, told once.
    notify_phase_changed(consultation_id=consultation.pk, phase=phase)
    return PhaseChange(consultation_id=consultation.pk, old=old, new=phase)
