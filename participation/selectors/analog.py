"""The paper entries of a consultation, corrections and all: the audit trail staff read."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from participation.models import AnalogCount, AnalogEntry, Channel, Contribution


def paper_entries(*, consultation_id: int) -> QuerySet[AnalogEntry]:
    """Every entry, newest first, with who entered it, what it corrects and what corrected it; three queries."""
    return (
        AnalogEntry.objects.filter(consultation_id=consultation_id)
        .select_related("entered_by", "proposal", "poll", "supersedes", "superseded_by")
        .prefetch_related(Prefetch("counts", queryset=AnalogCount.objects.select_related("option").order_by("id")))
    )


def current_paper_entries(*, consultation_id: int) -> QuerySet[AnalogEntry]:
    """The entries that count: those no correction has replaced."""
    return paper_entries(consultation_id=consultation_id).filter(superseded_by__isnull=True)


def paper_entry(*, pk: int) -> AnalogEntry | None:
    return AnalogEntry.objects.select_related("consultation", "proposal", "poll", "entered_by").filter(pk=pk).first()


def paper_postcards(*, consultation_id: int) -> QuerySet[Contribution]:
    """Postcards transcribed for a consultation, newest first, with who typed them in."""
    return (
        Contribution.objects.filter(consultation_id=consultation_id, channel=Channel.ANALOG)
        .select_related("entered_by", "proposal")
        .order_by("-created_at", "-id")
    )
