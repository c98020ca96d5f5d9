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


class _PublishFrames:
    """The callback ``publish_after_commit`` leaves for the commit: one per consultation and transaction."""

    def __init__(self, consultation_id: int) -> None:
        self.consultation_id = consultation_id

    def __call__(self) -> None:
        live.publisher.request(self.consultation_id)


def publish_after_commit(consultation_id: int) -> None:
    """The revision moves on now; the live frame is asked for once the transaction commits, once for all of
    its writes to the consultation (a seeded demo or a bulk decision makes one frame, not one per row). A
    callback dropped by a rolled back savepoint is not counted: it is looked for among those still pending."""
    bump_results_revision(consultation_id)
    pending = transaction.get_connection().run_on_commit
    if any(isinstance(func, _PublishFrames) and func.consultation_id == consultation_id for _sids, func, _r in pending):
        return
    transaction.on_commit(_PublishFrames(consultation_id))


@transaction.atomic
def page_changed(*, page) -> None:
    """A consultation or proposal page was published or unpublished: what screens and phones show of it
    (titles, the proposals) moves on to a new revision, so cached frames and snapshots are not kept."""
    page = page.specific
    if isinstance(page, ConsultationPage):
        publish_after_commit(page.pk)
    elif isinstance(page, ProposalPage):
        publish_after_commit(consultation_of(page).pk)
