"""What the domain holds about one account: for its own download ("Meine Daten herunterladen") and for "My
contributions and votes" in the account area."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from participation.models import (
    Contribution,
    Follow,
    NotificationKind,
    NotificationSettings,
    PollAnswer,
    PollChoice,
    Question,
    Upvote,
    Vote,
)


def account_contribution_list(*, user) -> QuerySet:
    """Everything ``user`` wrote, newest first, whatever its state (published, waiting, hidden, withdrawn), with
    its page and the city's answer: the account area's list (a page of it in a fixed number of queries)."""
    return (
        Contribution.objects.filter(author=user)
        .select_related("consultation__locale", "proposal", "official_answer")
        .defer("consultation__body", "proposal__body", "geometry")
        .order_by("-created_at", "-id")
    )


def account_counts(*, user) -> dict[str, int]:
    """How many contributions and votes the account has: the account overview's summary (two queries)."""
    return {
        "contributions": Contribution.objects.filter(author=user).count(),
        "votes": Vote.objects.filter(participant__user=user).count(),
    }


def account_votes(*, user) -> QuerySet:
    """The account's votes, one per proposal, with the proposal, newest first."""
    return (
        Vote.objects.filter(participant__user=user)
        .select_related("proposal__locale")
        .defer("proposal__body")
        .order_by("-updated_at", "-id")
    )


def account_contributions(*, user) -> dict:
    """Everything ``user`` wrote, voted and answered, as plain JSON-ready data: their own data only."""
    own = Q(participant__user=user)
    contributions = (
        Contribution.objects.filter(Q(author=user) | own)
        .select_related("consultation", "proposal", "twin_feature", "official_answer")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    votes = Vote.objects.filter(own).select_related("proposal").order_by("created_at", "pk")
    answers = (
        PollAnswer.objects.filter(own)
        .select_related("poll")
        .prefetch_related(Prefetch("choices", PollChoice.objects.select_related("option")))
        .order_by("created_at", "pk")
    )
    questions = Question.objects.filter(own).select_related("poll").order_by("created_at", "pk")
    upvotes = Upvote.objects.filter(own).select_related("question").order_by("created_at", "pk")
    return {
        "contributions": [_contribution(c) for c in contributions],
        "votes": [
            {
                "proposal": vote.proposal.title,
                "proposal_id": vote.proposal_id,
                "choice": vote.choice,
                "channel": vote.channel,
                "created_at": vote.created_at.isoformat(),
                "updated_at": vote.updated_at.isoformat(),
            }
            for vote in votes
        ],
        "poll_answers": [
            {
                "poll": answer.poll.question,
                "round": answer.round,
                "options": [choice.option.label for choice in answer.choices.all()],
                "value": answer.value,
                "text": answer.text,
                "channel": answer.channel,
                "created_at": answer.created_at.isoformat(),
            }
            for answer in answers
        ],
        "questions": [
            {
                "poll": q.poll.question,
                "text": q.text,
                "state": q.moderation_state,
                "created_at": q.created_at.isoformat(),
            }
            for q in questions
        ],
        "upvoted_questions": [{"text": u.question.text, "created_at": u.created_at.isoformat()} for u in upvotes],
        **_following(user),
    }


def _following(user) -> dict:
    """The consultations ``user`` follows and the notifications they asked for."""
    follows = Follow.objects.filter(user=user).select_related("consultation").order_by("created_at", "pk")
    chosen = NotificationSettings.objects.filter(user=user).first()
    return {
        "follows": [{"consultation": f.consultation.title, "since": f.created_at.isoformat()} for f in follows],
        "notification_settings": {
            "kinds": [kind for kind in NotificationKind.values if chosen.wants(kind)],
            "delivery": chosen.delivery,
            "language": chosen.language,
        }
        if chosen
        else None,
    }


def _contribution(contribution: Contribution) -> dict:
    return {
        "id": contribution.pk,
        "text": contribution.text,
        "created_at": contribution.created_at.isoformat(),
        "consultation": contribution.consultation.title,
        "proposal": contribution.proposal.title if contribution.proposal else None,
        "reply_to": contribution.parent_id,
        "channel": contribution.channel,
        "state": "withdrawn" if contribution.deleted_at else contribution.moderation_state,
        "place": contribution.geometry
        or (
            {"type": "Point", "coordinates": [contribution.longitude, contribution.latitude]}
            if contribution.latitude is not None
            else None
        ),
        "twin_object": contribution.twin_feature.name if contribution.twin_feature else None,
        "edited_at": contribution.edited_at.isoformat() if contribution.edited_at else None,
        "earlier_texts": [
            {"text": revision.text, "written_at": revision.written_at.isoformat()}
            for revision in contribution.revisions.all()
        ],
        "official_answer": _answer(contribution),
    }


def _answer(contribution: Contribution) -> dict | None:
    answer = getattr(contribution, "official_answer", None)
    if answer is None:
        return None
    return {"text": answer.text, "answered_at": answer.updated_at.isoformat()}
