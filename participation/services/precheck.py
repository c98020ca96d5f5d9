"""The automatic check of a new contribution: it holds suspicious ones for review, never deletes and never refuses.

Three rules (settings in forum/settings.py, "Moderation"):

- link spam: more than ``MODERATION_MAX_LINKS`` links;
- repeated text: the same text (ignoring case and spacing, at least ``REPEAT_MIN_LENGTH`` characters) written in
  the same consultation, or by the same author anywhere, within ``MODERATION_REPEAT_HOURS``;
- words: a word or phrase of the lists ``participation/wordlists/de.txt`` and ``en.txt`` or of
  ``MODERATION_WORDS``.

A contribution that meets one is set to "waiting for review" (if it was published) and the finding is logged as
a decision of the automatic check, which moderators see in the queue. It runs as a Celery task after the
contribution commits; in the embedded default (eager Celery) it runs right after the write and is quick.
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participation.models import Contribution, DecisionAction, ModerationDecision, ModerationState
from participation.services.moderation import mail_moderators_after_commit
from participation.services.results import publish_after_commit

WORDLISTS = Path(__file__).resolve().parent.parent / "wordlists"
REPEAT_MIN_LENGTH = 20
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


@functools.cache
def _word_pattern(extra: tuple[str, ...]) -> re.Pattern | None:
    entries = list(extra)
    for path in sorted(WORDLISTS.glob("*.txt")):
        entries += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    parts = []
    for entry in entries:
        entry = entry.strip().casefold()
        if not entry or entry.startswith("#"):
            continue
        prefix = entry.endswith("*")
        words = r"\s+".join(re.escape(word) for word in entry.rstrip("*").split())
        parts.append(rf"\b{words}\w*" if prefix else rf"\b{words}\b")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def findings(contribution: Contribution) -> list[str]:
    """Why the check holds ``contribution`` for review (in the active language), or nothing."""
    text = contribution.text
    found = []
    links = len(_LINK.findall(text))
    if links > settings.MODERATION_MAX_LINKS:
        found.append(
            _("%(count)d links (more than %(limit)d)") % {"count": links, "limit": settings.MODERATION_MAX_LINKS}
        )
    if len(_normalised(text)) >= REPEAT_MIN_LENGTH and _repeated(contribution):
        found.append(_("the same text was posted shortly before"))
    pattern = _word_pattern(tuple(settings.MODERATION_WORDS))
    if pattern is not None and (match := pattern.search(text)):
        found.append(_("contains “%(word)s” (word list)") % {"word": match.group(0)})
    return found


def _repeated(contribution: Contribution) -> bool:
    since = contribution.created_at - timedelta(hours=settings.MODERATION_REPEAT_HOURS)
    same_place = Q(consultation_id=contribution.consultation_id)
    if contribution.author_id is not None:
        same_place |= Q(author_id=contribution.author_id)
    elif contribution.participant_id is not None:
        same_place |= Q(participant_id=contribution.participant_id)
    # Candidates by length, compared normalised here: few rows (recent, of this consultation or author).
    candidates = (
        Contribution.objects.filter(same_place, created_at__gte=since, created_at__lte=contribution.created_at)
        .exclude(pk=contribution.pk)
        .filter(deleted_at__isnull=True)
        .values_list("text", flat=True)
    )
    wanted = _normalised(contribution.text)
    return any(_normalised(text) == wanted for text in candidates.iterator())


def check_contribution(*, contribution_id: int) -> ModerationDecision | None:
    """Check a new contribution; hold it for review with the findings logged, if any. Idempotent: a contribution
    checked before, or decided on by a moderator meanwhile, is left alone."""
    contribution = (
        Contribution.objects.filter(pk=contribution_id, deleted_at__isnull=True)
        .exclude(moderation_state=ModerationState.HIDDEN)
        .first()
    )
    if contribution is None or ModerationDecision.objects.filter(contribution_id=contribution_id).exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):  # the log is read by the city's staff
        found = findings(contribution)
    if not found:
        return None
    with transaction.atomic():
        contribution = Contribution.objects.select_for_update(of=("self",)).get(pk=contribution_id)
        if ModerationDecision.objects.filter(contribution_id=contribution_id).exists():
            return None
        from_state = contribution.moderation_state
        if from_state == ModerationState.HIDDEN:
            return None
        if from_state == ModerationState.APPROVED:
            contribution.moderation_state = ModerationState.PENDING
            contribution.save(update_fields=["moderation_state"])
            publish_after_commit(contribution.consultation_id)
        decision = ModerationDecision.objects.create(
            contribution=contribution,
            moderator=None,
            action=DecisionAction.AUTOMATIC_CHECK,
            from_state=from_state,
            to_state=ModerationState.PENDING,
            reason="; ".join(found),
            created_at=timezone.now(),
        )
        mail_moderators_after_commit(contribution.consultation_id)
    return decision
