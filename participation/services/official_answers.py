"""The city's answers to contributions ("Stellungnahme der Stadt"), written by staff in the admin."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from participation.models import Contribution, ModerationState, OfficialAnswer
from participation.rules import require
from participation.services.notifications import notify_official_answer
from participation.services.results import publish_after_commit
from participation.services.texts import clean_text

ANSWER_MAX_LENGTH = settings.CONTRIBUTION_MAX_LENGTH * 2


@transaction.atomic
def answer_contribution(*, staff, contribution: Contribution, text: str) -> OfficialAnswer:
    """Staff (``participation.answer_officially``) write or change the official answer to ``contribution``.

    Who wrote it first and when stays; who changed it last and when is updated. Returns the answer, so that what
    follows an answer (a mail to the contribution's author) can hook on to it.
    """
    require("participation.answer_officially", staff)
    text = clean_text(text, limit=ANSWER_MAX_LENGTH)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    now = timezone.now()
    answer = OfficialAnswer.objects.filter(contribution=contribution).first()
    if answer is None:
        answer = OfficialAnswer.objects.create(
            contribution=contribution, text=text, author=staff, created_at=now, updated_by=staff, updated_at=now
        )
        # The author hears of a new answer (if they asked to), not of each correction of it.
        notify_official_answer(contribution_id=contribution.pk, answer_id=answer.pk)
    elif answer.text != text:
        answer.text = text
        answer.updated_by = staff
        answer.updated_at = now
        answer.save(update_fields=["text", "updated_by", "updated_at"])
    else:
        return answer
    if contribution.moderation_state == ModerationState.APPROVED and contribution.deleted_at is None:
        publish_after_commit(contribution.consultation_id)
    return answer
