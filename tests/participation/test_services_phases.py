"""Phases switch by themselves: when a phase date passes, the periodic run (``switch_phases``, run by
``run_schedule``) announces it once, and the page, the API, the kiosk snapshot and the phone's state follow.
The clock is frozen and moved by time-machine; nothing waits for real minutes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from forum import services as forum_services
from forum.celery import app as celery_app
from participation import services
from participation.models import Phase, PhaseAnnouncement, Vote
from participation.selectors import results_revision
from participation.services import PhaseChange, switch_phases
from participation.tasks import RUN_SCHEDULE, InProcessSchedule, run_schedule
from tests.support import factories
from tests.support.api import API, api_client, post_json
from tests.support.concurrency import at_once

T0 = dt.datetime(2031, 5, 6, 10, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
VOTING_CLOSED = "Voting is possible only while the voting phase is open."

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def consultation(clock, home):
    """Participation until T0 + 30 s, voting from T0 + 1 min to T0 + 1 h, then evaluation."""
    return factories.consultation(
        "participate",
        participation_ends=T0 + dt.timedelta(seconds=30),
        voting_starts=T0 + MINUTE,
        voting_ends=T0 + 60 * MINUTE,
    )


@pytest.fixture
def proposal(consultation):
    return factories.proposal(consultation)


@pytest.fixture
def room(consultation, proposal):
    presenter = factories.moderator()
    room = factories.room(consultation, presenter=presenter)
    forum_services.show_in_room(presenter=presenter, room=room, scene="proposal", proposal=proposal)
    return room


@pytest.fixture
def screen(consultation):
    made = factories.screen(consultation)
    client = Client()
    client.cookies["bf_token"] = made.token
    return client


def vote_by_api(citizen, proposal):
    return post_json(api_client(citizen), f"{API}/proposals/{proposal.pk}/vote/", {"choice": "support"})


def refused_for_the_phase(response) -> bool:
    return response.status_code == 400 and response.json()["detail"] == [VOTING_CLOSED]


def seen_everywhere(*, citizen, proposal, room, screen) -> dict:
    """Whether voting is open as each surface shows it now."""
    page = Client().get(proposal.url).content.decode()  # a visitor without a session: the kept page
    logged_in = Client()
    logged_in.force_login(citizen)
    own_page = logged_in.get(proposal.url).content.decode()
    snapshot = screen.get("/kiosk/foyer/snapshot/").json()
    phone = Client().get(f"/live/{room.code}/state/").json()
    return {
        "page form": 'name="choice"' in own_page,
        "page text": VOTING_CLOSED not in page,
        "kiosk": snapshot["results"]["voting_open"],
        "kiosk proposal": snapshot["room"]["room"]["proposal"]["voting_open"],
        "phone": phone["room"]["proposal"]["voting_open"],
    }


def test_voting_opens_on_its_date_everywhere_once_the_run_announces_it_and_closes_the_same_way(
    clock, consultation, proposal, room, screen, citizen, settings
):
    settings.LANGUAGE_CODE = "en"
    assert switch_phases(now=timezone.now()) == []  # the first look records the phase; nothing to announce
    assert PhaseAnnouncement.objects.get(pk=consultation.pk).phase == Phase.PARTICIPATE
    closed = dict.fromkeys(("page form", "page text", "kiosk", "kiosk proposal", "phone"), False)
    clock.move_to(T0 + 45 * dt.timedelta(seconds=1))  # participation over, voting not yet: still no vote
    assert switch_phases(now=timezone.now()) == [PhaseChange(consultation.pk, Phase.PARTICIPATE, Phase.INFORM)]
    assert seen_everywhere(citizen=citizen, proposal=proposal, room=room, screen=screen) == closed
    assert refused_for_the_phase(vote_by_api(citizen, proposal))

    clock.move_to(T0 + 2 * MINUTE)
    # The rules follow the clock at once (the API counts the vote) ...
    assert vote_by_api(citizen, proposal).status_code in (200, 201)
    Vote.objects.all().delete()
    revision = results_revision(consultation_id=consultation.pk)
    # ... the kept frames of screens and phones only once the date's passing is announced.
    changes = switch_phases(now=timezone.now())
    assert changes == [PhaseChange(consultation_id=consultation.pk, old=Phase.INFORM, new=Phase.VOTE)]
    assert results_revision(consultation_id=consultation.pk) > revision
    assert seen_everywhere(citizen=citizen, proposal=proposal, room=room, screen=screen) == dict.fromkeys(closed, True)
    assert screen.get("/kiosk/foyer/snapshot/").json()["results"]["phase"] == "vote"

    # A second run (another worker, the next minute) finds nothing to do.
    revision = results_revision(consultation_id=consultation.pk)
    assert switch_phases(now=timezone.now()) == []
    assert results_revision(consultation_id=consultation.pk) == revision

    clock.move_to(T0 + 61 * MINUTE)
    assert run_schedule() == [{"consultation": consultation.pk, "old": "vote", "new": "evaluate"}]
    assert seen_everywhere(citizen=citizen, proposal=proposal, room=room, screen=screen) == closed
    assert refused_for_the_phase(vote_by_api(citizen, proposal))
    assert run_schedule() == []


def test_a_kept_frame_stays_until_the_run_announces_the_phase(clock, consultation, room, screen):
    """What the run is for: screens and phones are sent frames of a revision, kept until it moves on."""
    assert screen.get("/kiosk/foyer/snapshot/").json()["room"]["room"]["proposal"]["voting_open"] is False
    clock.move_to(T0 + 2 * MINUTE)
    assert screen.get("/kiosk/foyer/snapshot/").json()["room"]["room"]["proposal"]["voting_open"] is False
    run_schedule()
    assert screen.get("/kiosk/foyer/snapshot/").json()["room"]["room"]["proposal"]["voting_open"] is True


def test_the_first_look_announces_a_phase_that_changed_since_the_page_was_published(clock, consultation):
    consultation.save_revision().publish()  # published at T0, in the participation phase
    clock.move_to(T0 + 2 * MINUTE)
    assert switch_phases(now=timezone.now()) == [PhaseChange(consultation.pk, Phase.PARTICIPATE, Phase.VOTE)]
    assert switch_phases(now=timezone.now()) == []


def test_an_unpublished_consultation_is_left_alone_until_it_is_published(clock, consultation):
    consultation.unpublish()
    clock.move_to(T0 + 2 * MINUTE)
    assert switch_phases(now=timezone.now()) == []
    assert not PhaseAnnouncement.objects.exists()


def test_two_runs_that_read_the_same_phase_announce_it_once(clock, consultation):
    switch_phases(now=timezone.now())
    clock.move_to(T0 + 2 * MINUTE)
    # The second run read the row before the first one updated it: its conditional update finds it changed.
    stale = PhaseAnnouncement.objects.get(pk=consultation.pk)
    assert switch_phases(now=timezone.now()) != []
    assert services.phases._announce(consultation=consultation, announced=stale, phase=Phase.VOTE, now=T0) is None


def test_beat_runs_it_every_schedule_seconds_and_drops_runs_it_could_not_start_in_time():
    (entry,) = [e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == RUN_SCHEDULE]
    assert entry["schedule"] == django_settings.SCHEDULE_SECONDS == 30
    assert entry["options"]["expires"] == django_settings.SCHEDULE_SECONDS
    assert RUN_SCHEDULE in celery_app.tasks


def test_the_in_process_schedule_runs_only_where_no_beat_runs(settings):
    import asyncio

    settings.SCHEDULE_IN_PROCESS = False
    schedule = InProcessSchedule()
    loop = asyncio.new_event_loop()
    try:
        schedule.attach(loop)
        assert schedule._task is None
        settings.SCHEDULE_IN_PROCESS = True
        schedule.attach(loop)
        assert schedule._task is not None
    finally:
        schedule.close()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


@pytest.mark.django_db(transaction=True)
def test_workers_running_at_the_same_moment_announce_a_phase_once():
    with time_machine.travel(T0, tick=False) as clock:
        consultation = factories.consultation(
            "participate", participation_ends=T0 + MINUTE, voting_starts=T0 + MINUTE, voting_ends=T0 + 60 * MINUTE
        )
        switch_phases(now=timezone.now())
        revision = results_revision(consultation_id=consultation.pk)
        clock.move_to(T0 + 2 * MINUTE)
        changes: list = []
        errors = at_once([lambda: changes.extend(switch_phases(now=timezone.now())) for _ in range(4)])

        assert errors == []
        assert changes == [PhaseChange(consultation.pk, Phase.PARTICIPATE, Phase.VOTE)]
        assert results_revision(consultation_id=consultation.pk) == revision + 1


def test_followers_who_asked_are_told_once_when_the_voting_phase_opens(
    consultation, clock, eager, mailoutbox, django_capture_on_commit_callbacks
):
    follower = factories.CitizenFactory(email="follower@example.org")
    services.follow_consultation(user=follower, consultation=consultation)
    services.save_notification_settings(user=follower, kinds=["phase"], delivery="each", language="en")
    switch_phases(now=timezone.now())  # the participation phase, announced with the page
    mailoutbox.clear()

    clock.move_to(T0 + 2 * MINUTE)
    with django_capture_on_commit_callbacks(execute=True):
        (change,) = switch_phases(now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert switch_phases(now=timezone.now()) == []

    assert change.new == Phase.VOTE
    (mail,) = mailoutbox
    assert mail.to == ["follower@example.org"]
    assert "Voting has started" in mail.body
