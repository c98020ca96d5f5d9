"""A consultation's results dashboard, shared by the admin's page and the site's: its figures
(``selectors.dashboard_figures``) as accessible SVG charts (``participation.charts``), each with its
numbers as a table, and the most discussed places with links to them on the map."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation import charts, selectors
from participation.models import Channel, ConsultationPage

PLACES = 5  # the most discussed places listed


def dashboard_context(*, consultation: ConsultationPage) -> dict:
    """The dashboard's charts and places. Five queries (the figures)."""
    figures = selectors.dashboard_figures(consultation=consultation)
    over_time = charts.bar_chart(
        id="chart-days",
        title=_("Participation over time"),
        description=_("Contributions and votes per day: %(contributions)s contributions and %(votes)s votes in all.")
        % {"contributions": figures.contributions, "votes": figures.votes},
        row_heading=_("Day"),
        series=[_("Contributions"), _("Votes")],
        rows=[
            (date_format(day.day, "SHORT_DATE_FORMAT"), [day.contributions, day.votes], None) for day in figures.days
        ],
    )
    channels = [str(label) for label in Channel.labels]
    leading = max(figures.proposals, key=lambda p: p.total, default=None)
    by_proposal = charts.bar_chart(
        id="chart-proposals",
        title=_("Votes per proposal, by channel"),
        description=(
            _("Votes per proposal, split by where they were cast (%(channels)s). Most votes: %(title)s, %(count)s.")
            % {"channels": ", ".join(channels), "title": leading.title, "count": leading.total}
            if leading and leading.total
            else _("No votes yet.")
        ),
        row_heading=_("Proposal"),
        series=channels,
        rows=[(p.title, [p.by_channel.get(channel, 0) for channel in Channel.values], None) for p in figures.proposals],
        stacked=True,
    )
    objects = [(o, reverse("participation:twin-feature", args=[o.pk])) for o in figures.twin_objects]
    per_object = charts.bar_chart(
        id="chart-twin",
        title=_("Contributions per twin object"),
        description=ngettext(
            "The %(count)s object of the digital twin with the most contributions about it.",
            "The %(count)s objects of the digital twin with the most contributions about them.",
            len(objects),
        )
        % {"count": len(objects)},
        row_heading=_("Twin object"),
        series=[_("Contributions")],
        rows=[(o.label, [o.count], href) for o, href in objects],
    )
    return {
        "figures": figures,
        "charts": {"over_time": over_time, "by_proposal": by_proposal, "per_object": per_object},
        "places": objects[:PLACES],
    }
