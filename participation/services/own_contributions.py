"""A citizen's writes to their own contributions: changing the text shortly after posting, withdrawing it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from participation.models import Contribution, ContributionRevision, ModerationState
from participation.rules import require
from participation.services.results import publish_after_commit
from participation.services.texts import clean_text


def _locked(contribution: Contribution) -> Contribution:
    return Contribution.objects.select_for_update(of=("self",)).select_related("consultation").get(pk=contribution.pk)


@transaction.atomic
def edit_contribution(*, author, contribution: Contribution, text: str) -> Contribution:
    """The author changes the text of their contribution within ``CONTRIBUTION_EDIT_MINUTES`` of posting.

    The text is cleaned as a new comment's; its place, proposal and thread stay as they were. The earlier text is
    kept as a ``ContributionRevision`` (with when it was written and replaced), and ``edited_at`` marks the change
    on the public pages. An unchanged text changes nothing.
    """
    contribution = _locked(contribution)
    require("participation.edit_contribution", author, contribution)
    text = clean_text(text)
    if text == contribution.text:
        return contribution
    now = timezone.now()
    ContributionRevision.objects.create(
        contribution=contribution,
        text=contribution.text,
        written_at=contribution.edited_at or contribution.created_at,
        replaced_at=now,
    )
    contribution.text = text
    contribution.edited_at = now
    contribution.save(update_fields=["text", "edited_at"])
    if contribution.moderation_state == ModerationState.APPROVED:
        publish_after_commit(contribution.consultation_id)
    return contribution


@transaction.atomic
def withdraw_contribution(*, author, contribution: Contribution) -> Contribution:
    """The author withdraws their contribution, at any time: it leaves every public read (pages, map, both APIs,
    kiosk screens) with its replies, as with a deleted account's withdrawal, and stays for moderation records.
    Withdrawing it again changes nothing."""
    contribution = _locked(contribution)
    require("participation.withdraw_contribution", author, contribution)
    if contribution.deleted_at is None:
        contribution.deleted_at = timezone.now()
        contribution.save(update_fields=["deleted_at"])
        if contribution.moderation_state == ModerationState.APPROVED:
            publish_after_commit(contribution.consultation_id)
    return contribution
