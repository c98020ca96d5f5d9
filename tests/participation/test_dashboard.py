"""A consultation's results dashboard: its figures against known data in a fixed number of queries, its
charts valid SVG with a title and a description and their numbers in tables, on the site only once the
results are published, in the admin only for staff."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405 # our own output, parsed to check it
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from participation import charts, selectors
from participation.dashboards import dashboard_context
from participation.models import Contribution, Vote
from tests.support import factories
from tests.support.results import finish, finished_consultation

pytestmark = pytest.mark.usefixtures("media", "eager")

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def scene(db):
    scene = finished_consultation()
    # Spread over two days: yesterday's comment and vote, the rest today.
    yesterday = timezone.now() - timedelta(days=1)
    Contribution.objects.filter(pk=scene["located"].pk).update(created_at=yesterday)
    Vote.objects.filter(proposal=scene["bikes"]).update(created_at=yesterday)
    return scene


def test_the_figures_count_public_contributions_and_all_votes_by_day_proposal_channel_and_object(
    scene, django_assert_num_queries
):
    with django_assert_num_queries(5):
        figures = selectors.dashboard_figures(consultation=scene["consultation"])

    today = timezone.localdate()
    assert [(day.day, day.contributions, day.votes) for day in figures.days] == [
        (today - timedelta(days=1), 1, 1),
        (today, 3, 2 + 3 + 1),  # the online and phone votes, and the paper counts no correction replaced
    ]
    assert (figures.contributions, figures.votes) == (4, 7)
    by_title = {p.title: p for p in figures.proposals}
    assert by_title["Mehr Bäume"].by_channel == {"online": 1, "phone": 1, "terminal": 0, "analog": 4}
    assert by_title["Mehr Bäume"].total == 6
    assert by_title["Radwege"].by_channel == {"online": 0, "phone": 0, "terminal": 1, "analog": 0}
    assert [(o.pk, o.label, o.count) for o in figures.twin_objects] == [(scene["building"].pk, "Rathaus", 2)]


def test_the_figures_of_a_consultation_with_nothing_yet(db, django_assert_max_num_queries):
    consultation = factories.consultation("participate")
    with django_assert_max_num_queries(5):  # (no proposals: no votes to ask for)
        figures = selectors.dashboard_figures(consultation=consultation)
    assert figures.is_empty and figures.days == [] and figures.proposals == [] and figures.twin_objects == []


def test_the_charts_are_valid_svg_with_a_title_a_description_and_a_pattern_per_series(scene, client):
    consultation = finish(scene["consultation"])
    with translation.override("en"):
        html = client.get(reverse("participation:consultation-results", args=[consultation.pk])).content.decode()

    svgs = [html[start : html.index("</svg>", start) + 6] for start in _starts(html, "<svg")]
    assert len(svgs) == 3
    for svg in svgs:
        root = ET.fromstring(svg)  # nosec B314 # our own page
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    proposals = ET.fromstring(svgs[1])  # nosec B314
    patterns = {p.get("id") for p in proposals.iter(f"{SVG}pattern")}
    assert patterns == {"chart-proposals-stripes", "chart-proposals-dots", "chart-proposals-cross"}
    numbers = [t.text for t in proposals.iter(f"{SVG}text")]
    assert "6" in numbers and "1" in numbers  # every bar carries its number, not its colour alone
    assert html.count('<table class="chart-table">') == 3
    assert "<td>4</td>" in html  # the paper votes of "Mehr Bäume" in the table beside the chart


def _starts(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def test_a_bar_is_as_long_as_its_number_says():
    chart = charts.bar_chart(
        id="c", title="T", description="D", row_heading="R", series=["a", "b"], rows=[("x", [3, 1], None)], stacked=True
    )
    first, second = chart.rows[0].segments
    assert first.width == pytest.approx(3 * second.width)
    assert chart.rows[0].numbers[-1][2] == 4
    assert (first.pattern, second.pattern) == ("solid", "stripes")


def test_the_site_shows_the_dashboard_only_once_the_results_are_published(scene, client):
    consultation = scene["consultation"]
    url = reverse("participation:consultation-results", args=[consultation.pk])
    assert client.get(url).status_code == 404
    assert url not in client.get(consultation.url).content.decode()

    consultation = finish(consultation)

    response = client.get(url)
    assert response.status_code == 200 and "Rathaus" in response.content.decode()
    assert url in client.get(consultation.url).content.decode()
    assert client.get(reverse("participation:consultation-results", args=[987654])).status_code == 404


def test_the_site_dashboard_keeps_its_queries(scene, client, django_assert_max_num_queries):
    consultation = finish(scene["consultation"])
    url = reverse("participation:consultation-results", args=[consultation.pk])
    client.get(url)
    with django_assert_max_num_queries(12):  # the page, the figures (5), the download, the site's frame
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["visitor", "citizen", "admin without rights", "moderator"])
def test_the_admin_dashboard_is_for_staff_only(scene, client, who):
    """Wagtail's answer to who may not: its login for who has no admin access, else back to the admin's
    dashboard; moderators (and the consultation's editors: the rule of exports) see it."""
    users = {
        "visitor": lambda: None,
        "citizen": lambda: factories.CitizenFactory(username="someone"),
        "admin without rights": lambda: factories.staff("other.clerk"),
        "moderator": lambda: factories.presenter("boss"),
    }
    user = users[who]()
    if user is not None:
        client.force_login(user)
    with translation.override("en"):
        response = client.get(reverse("participation_results", args=[scene["consultation"].pk]))
    if who == "moderator":
        assert response.status_code == 200
        page = response.content.decode()  # (in the language of the admin's user: the charts by their ids)
        assert 'id="chart-proposals-title"' in page and "Mehr Bäume" in page
    else:
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/") or response.url == "/admin/"


def test_the_admin_dashboard_works_before_the_results_are_published(scene, client):
    client.force_login(scene["clerk"])
    with translation.override("en"):
        response = client.get(reverse("participation_results", args=[scene["consultation"].pk]))
    assert response.status_code == 200
    context = dashboard_context(consultation=scene["consultation"])
    assert context["places"][0][1] == reverse("participation:twin-feature", args=[scene["building"].pk])
