"""The figures of a consultation's results dashboard (the admin's, and the site's once its results are
published): participation per day, votes per proposal by channel, contributions per twin object. Five
queries, whatever the numbers.

Votes are read through ``selectors.results`` (``proposals_with_results``), as every surface reads them; a
proposal's count per channel is the sum of its totals there, choices or ratings, whatever the voting method.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from participation.models import AnalogCount, ConsultationPage, OpenDataDump, Vote, twin_label
from participation.models.twin import LABEL_FIELDS
from participation.selectors.contributions import public_contributions
from participation.selectors.pages import published_consultations
from participation.selectors.results import proposals_with_results
from participation.selectors.sites import EVERY_SITE, SiteScope

TOP_TWIN_OBJECTS = 10  # the objects most talked about: the chart's bars and the list of places


@dataclass(frozen=True)
class Day:
    day: dt.date
    contributions: int
    votes: int


@dataclass(frozen=True)
class ProposalVotes:
    pk: int
    title: str
    by_channel: dict[str, int]  # channel -> votes (every choice), paper included
    total: int


@dataclass(frozen=True)
class TwinObjectCount:
    pk: int
    twin_id: str
    label: str
    kind: str
    count: int


@dataclass(frozen=True)
class DashboardFigures:
    days: list[Day]
    proposals: list[ProposalVotes]
    twin_objects: list[TwinObjectCount]  # the most discussed first, at most TOP_TWIN_OBJECTS
    contributions: int  # public contributions in all
    votes: int  # votes and paper marks in all

    @property
    def is_empty(self) -> bool:
        return not (self.contributions or self.votes)


def _per_day(rows) -> dict[dt.date, int]:
    counted: dict[dt.date, int] = {}
    for day, count in rows:
        counted[day] = counted.get(day, 0) + (count or 0)
    return counted


def dashboard_figures(*, consultation: ConsultationPage) -> DashboardFigures:
    """What the dashboard shows of ``consultation``: public contributions, all votes (by the day each was first
    cast) and the paper counts no correction replaced (by the day they were entered). Five queries."""
    zone = timezone.get_current_timezone()
    proposals = proposals_with_results(consultation=consultation)  # two queries
    ids = [proposal.pk for proposal in proposals]
    contributions = public_contributions(consultation_id=consultation.pk)
    contributions_per_day = _per_day(
        contributions.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values_list("day")
        .annotate(count=Count("id"))
        .order_by()
    )
    votes = (
        Vote.objects.filter(proposal_id__in=ids)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values_list("day")
        .annotate(count=Count("id"))
        .order_by()
    )
    paper = (
        AnalogCount.objects.filter(entry__proposal_id__in=ids, entry__superseded_by__isnull=True)
        .annotate(day=TruncDate("entry__entered_at", tzinfo=zone))
        .values_list("day")
        .annotate(count=Sum("count"))
        .order_by()
    )
    votes_per_day = _per_day(votes.union(paper, all=True))
    days = [
        Day(day, contributions_per_day.get(day, 0), votes_per_day.get(day, 0))
        for day in sorted({*contributions_per_day, *votes_per_day})
    ]
    twin_rows = (
        contributions.filter(twin_feature__isnull=False)
        .values_list("twin_feature_id", *(f"twin_feature__{name}" for name in LABEL_FIELDS))
        .annotate(count=Count("id"))
        .order_by("-count", "twin_feature_id")[:TOP_TWIN_OBJECTS]
    )
    twin_objects = []
    for pk, *labels, count in twin_rows:
        values = dict(zip(LABEL_FIELDS, labels, strict=True))
        twin_objects.append(TwinObjectCount(pk, values["twin_id"], twin_label(values), values["kind"], count))
    proposal_votes = []
    for proposal in proposals:
        # Choices counted, or ratings (a proposal has one or the other, by its consultation's method).
        by_channel = {
            channel: sum(totals.values()) + proposal.rating_by_channel[channel]["count"]
            for channel, totals in proposal.by_channel.items()
        }
        proposal_votes.append(ProposalVotes(proposal.pk, proposal.title, by_channel, sum(by_channel.values())))
    return DashboardFigures(
        days=days,
        proposals=proposal_votes,
        twin_objects=twin_objects,
        contributions=sum(day.contributions for day in days),
        votes=sum(day.votes for day in days),
    )


# --- The open data download -----------------------------------------------------------------


def public_open_data(*, consultation: ConsultationPage) -> OpenDataDump | None:
    """The consultation's open data download, if its results are public and the file is made: one query (none
    while the results are not public)."""
    if not consultation.results_are_public:
        return None
    return OpenDataDump.objects.filter(consultation_id=consultation.pk).exclude(file="").first()


def open_data_dump(*, consultation_id: int) -> OpenDataDump | None:
    """The consultation's open data download as stored, public or not (for staff and the task)."""
    return OpenDataDump.objects.filter(consultation_id=consultation_id).first()


def open_data_stamp(*, consultation: ConsultationPage, revision: int) -> str:
    """What an open data download is made from: the results revision and the published page revision."""
    return f"{revision}:{consultation.live_revision_id or 0}"


def consultations_with_open_data(*, site: SiteScope = EVERY_SITE) -> QuerySet:
    """Published consultations, each with ``open_data_ready`` (its download is made; whether it is public, its
    ``results_are_public`` says): no query more than the list."""
    made = OpenDataDump.objects.filter(consultation=OuterRef("pk")).exclude(file="")
    return published_consultations(site=site).annotate(open_data_ready=Exists(made))


def consultations_with_published_results() -> QuerySet:
    """Published consultations whose results staff published (the phase is checked on each)."""
    return ConsultationPage.objects.live().filter(results_published=True).order_by("pk")
