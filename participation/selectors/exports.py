"""What an export of a consultation holds, as tables of rows and GeoJSON features; and the export jobs.

No personal data: no author, participant, account, e-mail address or user
name, not even of the staff who typed in paper. Contributions are streamed
from the database (``values_list(...).iterator(chunk_size=...)``) while they
are written, so memory stays bounded whatever their number. Headings and
labels (channel, state, kind) are in the active language; the GeoJSON
properties use the stable codes instead.

With ``public=True`` the same tables make the open data download of a
consultation whose results are published: only what the site shows (public
contributions, published proposals, polls whose results are shown), and
nothing of moderation or of the paper (no state, no paper source, no note).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.exports.tables import Table
from participation.models import (
    AnalogCount,
    Channel,
    ConsultationPage,
    Contribution,
    ExportJob,
    JobStatus,
    ModerationState,
    PollKind,
    PollState,
    VoteChoice,
    twin_label,
)
from participation.models.twin import LABEL_FIELDS
from participation.selectors.contributions import public_contributions
from participation.selectors.jobs import job_status
from participation.selectors.pages import proposals_of
from participation.selectors.polls import poll_results, polls_of
from participation.selectors.results import proposal_channel_results, summed

CHUNK_SIZE = 2000
DELETED = "deleted"
_TWIN = tuple(f"twin_feature__{name}" for name in LABEL_FIELDS)
_CONTRIBUTION_FIELDS = (
    "id",
    "consultation_id",
    "proposal_id",
    "proposal__title",
    "parent_id",
    "text",
    "created_at",
    "channel",
    "moderation_state",
    "deleted_at",
    "paper_source",
    "latitude",
    "longitude",
    "geometry",
    "twin_feature_id",
    "twin_feature__latitude",
    "twin_feature__longitude",
    *_TWIN,
    "edited_at",
    "official_answer__text",
)


def local(moment: datetime | None) -> datetime | None:
    """A moment as the city's clock shows it, to the second (spreadsheets have no time zones)."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _contribution_rows(consultation_id: int) -> QuerySet:
    return Contribution.objects.filter(consultation_id=consultation_id).order_by("id")


def _contributions(contributions: QuerySet) -> Iterator[dict]:
    """The contributions as dicts, a chunk at a time: waiting, hidden and deleted ones too."""
    rows = contributions.values_list(*_CONTRIBUTION_FIELDS)
    for values in rows.iterator(chunk_size=CHUNK_SIZE):
        row = dict(zip(_CONTRIBUTION_FIELDS, values, strict=True))
        if row["deleted_at"] is not None:
            row["state"], row["text"] = DELETED, ""  # withdrawn: what it said is not handed on
        else:
            row["state"] = row["moderation_state"]
        if row["twin_feature_id"] is not None:
            row["twin_label"] = twin_label({name: row[f"twin_feature__{name}"] for name in LABEL_FIELDS})
        else:
            row["twin_label"] = ""
        yield row


def _state_labels() -> dict[str, str]:
    # Translated once per export, not once per row.
    return {**{state: str(label) for state, label in ModerationState.choices}, DELETED: _("deleted")}


def _channel_labels() -> dict[str, str]:
    return {channel: str(label) for channel, label in Channel.choices}


# The columns of the contributions: (key, heading); the open data download leaves out the private ones.
_CONTRIBUTION_COLUMNS = (
    ("id", gettext_lazy("ID")),
    ("consultation_id", gettext_lazy("Consultation ID")),
    ("proposal_id", gettext_lazy("Proposal ID")),
    ("proposal", gettext_lazy("Proposal")),
    ("parent_id", gettext_lazy("Reply to ID")),
    ("text", gettext_lazy("Text")),
    ("created", gettext_lazy("Created")),
    ("channel", gettext_lazy("Channel")),
    ("state", gettext_lazy("State")),
    ("paper_source", gettext_lazy("Paper source")),
    ("twin_id", gettext_lazy("Twin object ID")),
    ("twin_label", gettext_lazy("Twin object")),
    ("latitude", gettext_lazy("Latitude")),
    ("longitude", gettext_lazy("Longitude")),
    ("geometry_type", gettext_lazy("Geometry type")),
    ("edited", gettext_lazy("Edited")),
    ("official_answer", gettext_lazy("Official answer")),
)
_NOT_PUBLIC = {"state", "paper_source"}


def _contribution_source(consultation_id: int, public: bool) -> QuerySet:
    if public:
        return public_contributions(consultation_id=consultation_id).order_by("id")
    return _contribution_rows(consultation_id)


def contributions_table(*, consultation_id: int, public: bool = False) -> Table:
    keys = [key for key, _heading in _CONTRIBUTION_COLUMNS if not (public and key in _NOT_PUBLIC)]
    columns = [str(heading) for key, heading in _CONTRIBUTION_COLUMNS if key in keys]

    def rows() -> Iterator[list]:
        channels, states = _channel_labels(), _state_labels()
        for row in _contributions(_contribution_source(consultation_id, public)):
            geometry = row["geometry"] if isinstance(row["geometry"], dict) else {}
            cells = {
                "id": row["id"],
                "consultation_id": row["consultation_id"],
                "proposal_id": row["proposal_id"],
                "proposal": row["proposal__title"] or "",
                "parent_id": row["parent_id"],
                "text": row["text"],
                "created": local(row["created_at"]),
                "channel": channels.get(row["channel"], row["channel"]),
                "state": states.get(row["state"], row["state"]),
                "paper_source": row["paper_source"],
                "twin_id": row["twin_feature__twin_id"] or "",
                "twin_label": row["twin_label"],
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "geometry_type": geometry.get("type", ""),
                "edited": local(row["edited_at"]),
                "official_answer": row["official_answer__text"] or "",
            }
            yield [cells[key] for key in keys]

    count = _contribution_source(consultation_id, public).count()
    return Table("contributions", _("Contributions"), columns, count, rows)


def votes_table(*, consultation: ConsultationPage, public: bool = False) -> Table:
    """Per proposal, a row per channel (paper counts included, as every total) and one for all channels;
    ``public``: the published proposals only (and no column that says so)."""
    proposals = list(proposals_of(consultation, live_only=public).values_list("pk", "title", "live"))
    results = proposal_channel_results(proposal_ids=[pk for pk, _title, _live in proposals])
    published = [] if public else [_("Published")]
    columns = [
        _("Proposal ID"),
        _("Proposal"),
        *published,
        _("Channel"),
        *[str(label) for label in VoteChoice.labels],
        _("Total"),
    ]
    every = _("all channels")

    def rows() -> Iterator[list]:
        for pk, title, live in proposals:
            by_channel = results[pk]
            lines = [(_channel_labels()[channel], totals) for channel, totals in by_channel.items()]
            shown = [] if public else [_("yes") if live else _("no")]
            for channel, totals in [*lines, (every, summed(by_channel))]:
                counts = [totals[choice] for choice in VoteChoice.values]
                yield [pk, title, *shown, channel, *counts, sum(counts)]

    return Table("votes", _("Votes"), columns, len(proposals) * (len(Channel.values) + 1), rows)


def polls_table(*, consultation_id: int, public: bool = False) -> Table:
    """Each poll's results in its current round: a row per option, scale value or word, by channel and summed;
    ``public``: only the polls whose results are shown (not hidden, or revealed)."""
    columns = [
        _("Poll ID"),
        _("Question"),
        _("Kind"),
        _("State"),
        _("Round"),
        _("Answer"),
        *[str(label) for label in Channel.labels],
        _("Total"),
        _("Share (%)"),
    ]
    lines = []
    polls = polls_of(consultation_id=consultation_id).exclude(kind=PollKind.QUESTIONS)
    if public:
        polls = polls.filter(_POLL_SHOWN)
    for poll in polls:
        results = poll_results(poll=poll)
        head = [poll.pk, poll.question, str(PollKind(poll.kind).label), str(PollState(poll.state).label), poll.round]
        for row in results.get("options") or results.get("scale") or results.get("words") or []:
            answer = row.get("label", row.get("value", row.get("text")))
            by_channel = row.get("by_channel")
            channels = [by_channel[c] for c in Channel.values] if by_channel else [None] * len(Channel.values)
            lines.append([*head, answer, *channels, row["count"], row["share"]])
    return Table("polls", _("Polls"), columns, len(lines), lambda: iter(lines))


_POLL_SHOWN = Q(revealed=True) | Q(results_hidden=False)


def _paper_counts(consultation_id: int, public: bool = False) -> QuerySet:
    counts = AnalogCount.objects.filter(entry__consultation_id=consultation_id)
    if public:  # what the site shows: the counts of published proposals and of polls whose results are shown
        counts = counts.filter(
            Q(entry__proposal__live=True) | Q(entry__poll__revealed=True) | Q(entry__poll__results_hidden=False)
        )
    return counts.order_by("entry__entered_at", "entry_id", "id")


def paper_table(*, consultation_id: int, public: bool = False) -> Table:
    """Every number typed in from paper, corrections and the entries they replaced included (the audit trail);
    who typed it in is left out, and with ``public`` the source and the note too (they may name people)."""
    described = [] if public else [_("Source"), _("Note")]
    columns = [
        _("Entry ID"),
        _("Event"),
        *described,
        _("Entered"),
        _("Proposal ID"),
        _("Proposal"),
        _("Poll ID"),
        _("Poll"),
        _("Counted"),
        _("Count"),
        _("Corrects entry ID"),
        _("Corrected by entry ID"),
        _("Counts now"),
    ]
    fields = (
        "entry_id",
        "entry__event",
        "entry__source",
        "entry__note",
        "entry__entered_at",
        "entry__proposal_id",
        "entry__proposal__title",
        "entry__poll_id",
        "entry__poll__question",
        "choice",
        "option__label",
        "value",
        "count",
        "entry__supersedes_id",
        "entry__superseded_by__id",
    )

    def rows() -> Iterator[list]:
        for values in _paper_counts(consultation_id, public).values_list(*fields).iterator(chunk_size=CHUNK_SIZE):
            row = dict(zip(fields, values, strict=True))
            if row["choice"]:
                counted = str(VoteChoice(row["choice"]).label)
            else:
                counted = row["option__label"] if row["option__label"] is not None else row["value"]
            described = [] if public else [row["entry__source"], row["entry__note"]]
            yield [
                row["entry_id"],
                row["entry__event"],
                *described,
                local(row["entry__entered_at"]),
                row["entry__proposal_id"],
                row["entry__proposal__title"] or "",
                row["entry__poll_id"],
                row["entry__poll__question"] or "",
                counted,
                row["count"],
                row["entry__supersedes_id"],
                row["entry__superseded_by__id"],
                _("no") if row["entry__superseded_by__id"] else _("yes"),
            ]

    return Table("paper", _("Paper entries"), columns, _paper_counts(consultation_id, public).count(), rows)


def export_tables(*, consultation: ConsultationPage, public: bool = False) -> list[Table]:
    """The tables of a consultation's export, in the order of the workbook's sheets; ``public``: of its open
    data download."""
    return [
        contributions_table(consultation_id=consultation.pk, public=public),
        votes_table(consultation=consultation, public=public),
        polls_table(consultation_id=consultation.pk, public=public),
        paper_table(consultation_id=consultation.pk, public=public),
    ]


def _located(consultation_id: int, public: bool = False) -> QuerySet:
    located = Q(latitude__isnull=False) | Q(twin_feature__isnull=False)
    return _contribution_source(consultation_id, public).filter(located)


def located_contribution_count(*, consultation_id: int, public: bool = False) -> int:
    return _located(consultation_id, public).count()


def contribution_features(*, consultation_id: int, public: bool = False) -> Iterator[dict]:
    """The contributions with a place or a twin object as GeoJSON features (RFC 7946: WGS84, lon/lat).

    The geometry is the contribution's own (point, line or area); for one tied
    only to a twin object, that object's centroid (its footprint is in the OGC
    API's twin-features collection, under the twin id given here). ``public``:
    the public contributions only, without state and paper source.
    """
    for row in _contributions(_located(consultation_id, public)):
        properties = {
            "id": row["id"],
            "consultation": row["consultation_id"],
            "proposal": row["proposal_id"],
            "proposal_title": row["proposal__title"],
            "parent": row["parent_id"],
            "text": row["text"],
            "created": timezone.localtime(row["created_at"]).isoformat(timespec="seconds"),
            "channel": row["channel"],
            "state": row["state"],
            "paper_source": row["paper_source"],
            "twin_id": row["twin_feature__twin_id"],
            "twin_name": row["twin_label"] or None,
            "place": "contribution" if row["latitude"] is not None else "twin_object",
        }
        if public:
            properties = {key: value for key, value in properties.items() if key not in _NOT_PUBLIC}
        yield {"type": "Feature", "id": row["id"], "geometry": _geometry(row), "properties": properties}


def _geometry(row: dict) -> dict:
    if isinstance(row["geometry"], dict) and row["geometry"].get("type"):
        return row["geometry"]
    if row["latitude"] is not None:
        return {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
    return {"type": "Point", "coordinates": [row["twin_feature__longitude"], row["twin_feature__latitude"]]}


# --- The jobs -------------------------------------------------------------------------------


def export_job(*, pk: int) -> ExportJob | None:
    return ExportJob.objects.select_related("consultation", "started_by").filter(pk=pk).first()


def recent_exports(*, consultation_id: int, limit: int = 20) -> list[ExportJob]:
    return list(ExportJob.objects.filter(consultation_id=consultation_id).select_related("started_by")[:limit])


def exports_to_expire(*, before: datetime) -> QuerySet[ExportJob]:
    """Exports whose file was made before ``before`` and is still stored (or that never got one and are old)."""
    return ExportJob.objects.filter(expired_at__isnull=True, created_at__lt=before)


def export_progress_text(job: ExportJob) -> str:
    """The progress in words, beside the bar (and for screen readers)."""
    values = {"done": job.progress_done, "total": job.progress_total or 0, "percent": job.percent or 0}
    if job.status == JobStatus.QUEUED:
        return _("Waiting for a worker to start the export.")
    if job.status == JobStatus.FAILED:
        return _("The export stopped.")
    if job.status == JobStatus.DONE:
        return _("%(done)d of %(total)d rows (100 %%).") % values
    if not job.progress_total:
        return _("Counting the rows…")
    return _("%(done)d of %(total)d rows (%(percent)d %%).") % values


def export_status(job: ExportJob) -> dict:
    return job_status(job, progress_text=export_progress_text(job))


def exportable_consultation(*, pk: int) -> ConsultationPage | None:
    """Any consultation, published or not: staff export drafts and finished ones alike."""
    return ConsultationPage.objects.filter(pk=pk).first()
