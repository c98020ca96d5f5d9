"""A finished consultation with published results and everything its open data and dashboard hold, for the
tests of both (tests/participation/test_open_data.py, test_dashboard.py) and the browser's."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from participation import services
from participation.models import Channel, ConsultationPage, ModerationState, PollKind, PollState
from tests.support import factories

# What must never be in an open data download: the author's and the clerk's names, user names and addresses,
# the paper's source and note.
AUTHOR = {
    "username": "maria.muster",
    "email": "maria.muster@example.org",
    "first_name": "Maria",
    "last_name": "Musterfrau",
}
PAPER_SOURCE = "Stellwand bei Familie Schmidt"
PAPER_NOTE = "gezählt von Jens Beispielmann"


def finish(consultation: ConsultationPage, *, publish_results: bool = True) -> ConsultationPage:
    """Move a consultation's phases into the past (evaluation) and publish it, its results published or not."""
    now = timezone.now()
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.participation_starts = now - timedelta(days=20)
    page.participation_ends = now - timedelta(days=10)
    page.voting_starts = now - timedelta(days=9)
    page.voting_ends = now - timedelta(days=1)
    page.results_published = publish_results
    page.save_revision().publish()
    return ConsultationPage.objects.get(pk=consultation.pk)


def finished_consultation() -> dict:
    """A consultation voted on online, from a phone, at a terminal and on paper, with comments (public,
    hidden, waiting, deleted), a poll shown and one hidden; then ended, its results not yet published."""
    clerk = factories.presenter("clerk.jens")
    clerk.first_name, clerk.last_name = "Jens", "Beispielmann"
    clerk.save()
    consultation = factories.consultation("vote", title="Marktplatz Süd")
    trees = factories.proposal(consultation, title="Mehr Bäume")
    bikes = factories.proposal(consultation, title="Radwege")
    author = factories.CitizenFactory(**AUTHOR)
    building = factories.twin_feature(twin_id="DEBY_123", name="Rathaus")
    located = factories.comment(
        consultation,
        author=author,
        proposal=trees,
        text="Hier fehlt Schatten",
        latitude=52.012,
        longitude=4.364,
        geometry={"type": "Point", "coordinates": [4.364, 52.012]},
        channel=Channel.ONLINE,
    )
    reply = factories.comment(consultation, author=author, parent=located, text="Stimmt, ein Ahorn")
    on_building = factories.comment(
        consultation, author=author, text="Das Rathaus braucht Grün", twin_feature=building, channel=Channel.TERMINAL
    )
    on_building_too = factories.comment(consultation, author=author, text="Am Rathaus parken", twin_feature=building)
    hidden = factories.comment(consultation, author=author, text="Beleidigung", moderation_state=ModerationState.HIDDEN)
    waiting = factories.comment(
        consultation, author=author, text="Noch offen", moderation_state=ModerationState.PENDING
    )
    deleted = factories.comment(consultation, author=author, text="Zurückgezogen", deleted_at=timezone.now())
    services.cast_vote(voter=author, proposal=trees, choice="support")
    services.cast_vote(voter=factories.device(), proposal=trees, choice="oppose", channel=Channel.PHONE)
    services.cast_vote(
        voter=services.start_terminal_session(), proposal=bikes, choice="support", channel=Channel.TERMINAL
    )
    first = services.enter_paper_counts(
        clerk=clerk,
        proposal=trees,
        event="Forum",
        source=PAPER_SOURCE,
        counts={"support": 5, "oppose": 1},
        note=PAPER_NOTE,
    )
    services.enter_paper_counts(
        clerk=clerk,
        proposal=trees,
        event="Forum",
        source=PAPER_SOURCE,
        counts={"support": 3, "oppose": 1},
        corrects=first,
        note=PAPER_NOTE,
    )
    poll = services.add_poll(
        presenter=clerk,
        consultation=consultation,
        question="Autofrei?",
        kind=PollKind.SINGLE,
        options=("Ja", "Nein"),
        results_hidden=False,
    )
    services.set_poll_state(presenter=clerk, poll=poll, state=PollState.OPEN)
    yes = poll.options.get(label="Ja")
    services.answer_poll(participant=factories.device(), poll=poll, channel=Channel.PHONE, options=yes.pk)
    services.enter_paper_counts(clerk=clerk, poll=poll, event="Forum", source=PAPER_SOURCE, counts={yes.pk: 4})
    secret_poll = services.add_poll(
        presenter=clerk,
        consultation=consultation,
        question="Geheime Frage?",
        kind=PollKind.SINGLE,
        options=("A", "B"),
        results_hidden=True,
    )
    return {
        "consultation": finish(consultation, publish_results=False),
        "trees": trees,
        "bikes": bikes,
        "author": author,
        "clerk": clerk,
        "building": building,
        "public": [located, reply, on_building, on_building_too],
        "located": located,
        "on_building": on_building,
        "not_public": [hidden, waiting, deleted],
        "hidden_poll": secret_poll,
        "poll": poll,
    }
