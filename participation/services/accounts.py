"""What a citizen's account leaves behind when it is deleted: its votes and answers still count, nothing links them
(or its comments) to the person any more."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from participation.models import Contribution, Participant, ParticipantKind, PollAnswer, Question, Upvote, Vote
from participation.services.results import publish_after_commit


@transaction.atomic
def forget_account(*, user, withdraw_contributions: bool) -> None:
    """Unlinks everything ``user`` did before the account is deleted (forum.services.delete_account).

    Contributions lose their author and participant and show "Deleted account"; with ``withdraw_contributions``
    they are withdrawn as well (``deleted_at``: gone from every public list, the map and the API, kept unlinked for
    moderation, as contributions are never hard-deleted). Each vote, poll answer and upvote moves to a participant of
    its own of kind "deleted", with no account and no key: totals stay exact, the one-per-participant constraints
    hold, and not even the votes of one person can be linked to each other. Questions asked in the room lose their
    participant. Every consultation whose comments changed moves on to a new revision (cached pages, screens).
    """
    contributions = Contribution.objects.filter(Q(author=user) | Q(participant__user=user))
    consultation_ids = set(contributions.values_list("consultation_id", flat=True))
    if withdraw_contributions:
        contributions.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())
    Contribution.objects.filter(pk__in=contributions.values_list("pk", flat=True)).update(author=None, participant=None)
    participant = Participant.objects.filter(user=user).first()
    if participant is not None:
        for model in (Vote, PollAnswer, Upvote):
            _to_deleted_participants(model, participant)
        Question.objects.filter(participant=participant).update(participant=None)
        participant.delete()
    for consultation_id in sorted(consultation_ids):
        publish_after_commit(consultation_id)


def _to_deleted_participants(model, participant: Participant) -> None:
    rows = list(model.objects.filter(participant=participant).only("pk", "participant"))
    stand_ins = Participant.objects.bulk_create([Participant(kind=ParticipantKind.DELETED) for _ in rows])
    for row, stand_in in zip(rows, stand_ins, strict=True):
        row.participant = stand_in
    model.objects.bulk_update(rows, ["participant"])
