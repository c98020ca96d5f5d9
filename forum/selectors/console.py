"""What the presenter's console reads: the consultation's polls with their answers so far, the questions
waiting, and the small status the console polls every two seconds (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from forum.models import RoomSession, Scene
from participation import selectors as participation_selectors
from participation.models import ModerationState, Poll, PollAnswer, PollKind, PollOption, Question

PENDING_SHOWN = 100


def _count_of(queryset: QuerySet) -> Coalesce:
    """A correlated count (one subquery per column, not a join that multiplies rows)."""
    counted = queryset.order_by().values("poll").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def console_polls(*, consultation_id: int) -> QuerySet[Poll]:
    """Every poll of the consultation in its order, with its options, the answers of its current round
    and the questions waiting for approval; two queries."""
    return (
        Poll.objects.filter(consultation_id=consultation_id)
        .annotate(
            answers_now=_count_of(PollAnswer.objects.filter(poll=OuterRef("pk"), round=OuterRef("round"))),
            answers_earlier=_count_of(PollAnswer.objects.filter(poll=OuterRef("pk"), round__lt=OuterRef("round"))),
            questions_waiting=_count_of(
                Question.objects.filter(poll=OuterRef("pk"), moderation_state=ModerationState.PENDING)
            ),
        )
        .prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def pending_questions(*, poll: Poll) -> list[Question]:
    """Questions of a round waiting for a moderator, oldest first (pre-moderation: nobody sees them yet)."""
    return list(
        Question.objects.filter(poll=poll, moderation_state=ModerationState.PENDING).order_by("created_at", "id")[
            :PENDING_SHOWN
        ]
    )


def console_questions(*, poll: Poll) -> dict:
    """A question round on the presenter's desk: waiting, shown (with upvotes), and how many were rejected."""
    return {
        "pending": pending_questions(poll=poll),
        "shown": participation_selectors.shown_questions(poll=poll),
        "hidden": Question.objects.filter(poll=poll, moderation_state=ModerationState.HIDDEN).count(),
    }


def shown_poll_status(poll: Poll) -> dict:
    """The shown poll as the console counts it: its answers and results, revealed or not (the presenter
    sees them before the room does)."""
    status = {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "state": poll.state,
        "round": poll.round,
        "revealed": poll.revealed,
        "results_visible": poll.results_visible,
    }
    if poll.kind == PollKind.QUESTIONS:
        counts = Question.objects.filter(poll=poll).aggregate(
            pending=Count("id", filter=Q(moderation_state=ModerationState.PENDING)),
            approved=Count("id", filter=Q(moderation_state=ModerationState.APPROVED)),
        )
        status.update({"answers": counts["pending"] + counts["approved"], "questions": counts})
        return status
    results = participation_selectors.poll_results(poll=poll)
    status.update({"answers": results["participants"], "results": results})
    return status


def console_status(room: RoomSession) -> dict:
    """What the console's counters show: the scene, the shown poll's answers and the audience questions
    waiting (at most five queries; ``room`` comes with its poll, as ``room_by_id`` gives it)."""
    status: dict = {"room": room.pk, "open": room.is_open, "scene": room.scene, "poll": None}
    if room.poll is not None and room.scene == Scene.POLL:
        status["poll"] = shown_poll_status(room.poll)
    status["waiting"] = Question.objects.filter(
        poll__consultation_id=room.consultation_id, moderation_state=ModerationState.PENDING
    ).count()
    return status
