"""Results changed: the revision bumped in the writing transaction, a live frame asked for after the commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from participation import live
from participation.models import ConsultationPage, ProposalPage, ResultsRevision
from participation.selectors import consultation_of


def bump_results_revision(consultation_id: int) -> None:
    # One UPDATE on every write of a room's burst; the row is made on a consultation's first write only.
    if not ResultsRevision.objects.filter(pk=consultation_id).update(value=F("value") + 1):
        ResultsRevision.objects.get_or_create(consultation_id=consultation_id)
        ResultsRevision.objects.filter(pk=consultation_id).update(value=F("value") + 1)


def publish_after_commit(consultation_id: int) -> None:
    bump_results_revision(consultation_id)
    transaction.on_commit(lambda: live.publisher.request(consultation_id))


@transaction.atomic
def page_changed(*, page) -> None:
    """A consultation or proposal page was published or unpublished: what screens and phones show of it
    (titles, the proposals) moves on to a new revision, so cached frames and snapshots are not kept."""
    page = page.specific
    if isinstance(page, ConsultationPage):
        publish_after_commit(page.pk)
    elif isinstance(page, ProposalPage):
        publish_after_commit(consultation_of(page).pk)
