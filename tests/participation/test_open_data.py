"""The open data download of a finished consultation whose results are published: what the ZIP holds (read back
with zipfile, csv and json), that nothing personal is in it, the task's idempotence, and where it is linked (the
consultation page, the open data page, the JSON API's ``open_data_url``)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from participation import services
from participation.models import ModerationState, OpenDataDump
from participation.tasks import build_open_data_task, refresh_open_data_task
from tests.support import factories
from tests.support.results import AUTHOR, PAPER_NOTE, PAPER_SOURCE, finish, finished_consultation

pytestmark = pytest.mark.usefixtures("media", "eager", "english_site")

FILES = ["README.md", "contributions.csv", "votes.csv", "polls.csv", "paper.csv", "contributions.geojson"]


@pytest.fixture
def english_site(settings):
    """The download is made in the site's language: English here, to read its headings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def scene(db):
    return finished_consultation()


@pytest.fixture
def published(scene):
    scene["consultation"] = finish(scene["consultation"])
    return scene


def built(scene) -> OpenDataDump:
    assert services.build_open_data(consultation_id=scene["consultation"].pk) is True
    return OpenDataDump.objects.get(consultation=scene["consultation"])


def members(dump: OpenDataDump) -> dict[str, bytes]:
    with dump.file.open("rb") as stored, zipfile.ZipFile(io.BytesIO(stored.read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def table(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_zip_holds_the_public_contributions_the_votes_by_channel_the_polls_and_the_paper(published):
    files = members(built(published))

    assert list(files) == FILES
    contributions = table(files["contributions.csv"])
    assert sorted(row["Text"] for row in contributions) == sorted(c.text for c in published["public"])
    assert set(contributions[0]) == {
        "ID",
        "Consultation ID",
        "Proposal ID",
        "Proposal",
        "Reply to ID",
        "Text",
        "Created",
        "Channel",
        "Twin object ID",
        "Twin object",
        "Latitude",
        "Longitude",
        "Geometry type",
        "Edited",  # as the page shows it
        "Official answer",  # the city's, public on the page too
    }
    by_text = {row["Text"]: row for row in contributions}
    assert by_text["Hier fehlt Schatten"]["Latitude"] == "52.012" and by_text["Hier fehlt Schatten"]["Proposal"] == (
        "Mehr Bäume"
    )
    assert by_text["Das Rathaus braucht Grün"]["Twin object ID"] == "DEBY_123"
    assert by_text["Das Rathaus braucht Grün"]["Twin object"] == "Rathaus"
    assert by_text["Das Rathaus braucht Grün"]["Channel"] == "room terminal"

    votes = {(row["Proposal"], row["Channel"]): row for row in table(files["votes.csv"])}
    trees = votes[("Mehr Bäume", "all channels")]
    assert (trees["Support"], trees["Oppose"], trees["Abstain"], trees["Total"]) == ("4", "2", "0", "6")
    assert votes[("Mehr Bäume", "on paper")]["Support"] == "3"  # the correction, not the entry it replaced
    assert votes[("Mehr Bäume", "phone in the room")]["Oppose"] == "1"
    assert votes[("Radwege", "room terminal")]["Total"] == "1"
    assert "Published" not in trees

    polls = table(files["polls.csv"])
    assert {row["Question"] for row in polls} == {"Autofrei?"}  # the poll whose results are hidden is left out
    yes = next(row for row in polls if row["Answer"] == "Ja")
    assert (yes["phone in the room"], yes["on paper"], yes["Total"]) == ("1", "4", "5")

    paper = table(files["paper.csv"])
    # A count per choice of the proposal's entry and of its correction, one per option of the poll's.
    assert len(paper) == 3 + 3 + 2
    assert "Source" not in paper[0] and "Note" not in paper[0]
    assert sorted(row["Counts now"] for row in paper) == ["no"] * 3 + ["yes"] * 5

    geojson = json.loads(files["contributions.geojson"])
    assert geojson["type"] == "FeatureCollection"
    features = {feature["properties"]["text"]: feature for feature in geojson["features"]}
    assert set(features) == {"Hier fehlt Schatten", "Das Rathaus braucht Grün", "Am Rathaus parken"}
    assert features["Hier fehlt Schatten"]["geometry"] == {"type": "Point", "coordinates": [4.364, 52.012]}
    assert features["Das Rathaus braucht Grün"]["properties"]["twin_id"] == "DEBY_123"
    assert "state" not in features["Hier fehlt Schatten"]["properties"]
    assert "paper_source" not in features["Hier fehlt Schatten"]["properties"]

    readme = files["README.md"].decode()
    assert "Marktplatz Süd" in readme and "Datenlizenz Deutschland" in readme
    assert "https://www.govdata.de/dl-de/by-2-0" in readme
    assert "contributions.csv" in readme and "contributions.geojson" in readme and "Geometry type" in readme


def test_nothing_personal_is_in_the_zip(published):
    dump = built(published)
    with dump.file.open("rb") as stored:
        raw = stored.read()
    blob = raw + b"".join(members(dump).values())
    text = blob.decode("utf-8", errors="replace")

    clerk = published["clerk"]
    for secret in (
        *AUTHOR.values(),
        clerk.username,
        clerk.email,
        clerk.first_name,
        clerk.last_name,
        PAPER_SOURCE,
        PAPER_NOTE,
        "Beispielmann",
        "example.org",
        "Beleidigung",  # hidden
        "Noch offen",  # waiting
        "Zurückgezogen",  # deleted
        "Geheime Frage",  # a poll whose results are hidden
    ):
        assert secret not in text, secret
    assert not re.search(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", text)  # no IP address
    for name, data in members(dump).items():
        if name.endswith(".csv"):
            headings = {heading.lower() for heading in table(data)[0]} if table(data) else set()
            assert not headings & {
                "author",
                "user",
                "user name",
                "participant",
                "email",
                "ip address",
                "source",
                "note",
            }
    assert "State" not in table(members(dump)["contributions.csv"])[0]  # nothing of moderation


def test_the_task_builds_once_and_again_only_when_the_results_change(published, django_capture_on_commit_callbacks):
    consultation = published["consultation"]
    assert build_open_data_task.delay(consultation.pk).get() is True
    first = OpenDataDump.objects.get(consultation=consultation)
    storage = first.file.storage

    assert build_open_data_task.delay(consultation.pk).get() is False  # the same state: nothing written
    assert OpenDataDump.objects.get(consultation=consultation).file.name == first.file.name
    assert refresh_open_data_task.delay().get() == 0

    services.moderate_contribution(
        moderator=published["clerk"],
        contribution=published["on_building"],
        state=ModerationState.HIDDEN,
        reason="Beleidigung",
    )
    with django_capture_on_commit_callbacks(execute=True):  # the old file is deleted after the commit
        assert refresh_open_data_task.delay().get() == 1
    second = OpenDataDump.objects.get(consultation=consultation)
    assert second.file.name != first.file.name
    assert storage.exists(second.file.name) and not storage.exists(first.file.name)
    assert "Das Rathaus braucht Grün" not in members(second)["contributions.csv"].decode("utf-8-sig")

    assert build_open_data_task.delay(987654).get() is False


def test_results_taken_back_delete_the_download(published):
    dump = built(published)
    name, storage = dump.file.name, dump.file.storage

    finish(published["consultation"], publish_results=False)

    assert build_open_data_task.delay(published["consultation"].pk).get() is True
    assert not OpenDataDump.objects.exists() and not storage.exists(name)
    assert build_open_data_task.delay(published["consultation"].pk).get() is False


def test_publishing_in_the_admin_queues_the_build_after_the_commit(scene, django_capture_on_commit_callbacks):
    consultation = finish(scene["consultation"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.open_data_changed(page=consultation)
    assert len(callbacks) == 1
    assert OpenDataDump.objects.filter(consultation=consultation).exists()


def test_a_consultation_without_published_results_gets_no_download(scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.open_data_changed(page=scene["consultation"])
    assert callbacks == []
    assert services.build_open_data(consultation_id=scene["consultation"].pk) is False
    assert not OpenDataDump.objects.exists()


def test_results_can_be_published_only_once_the_consultation_has_ended(db):
    consultation = factories.consultation("vote")
    consultation.results_published = True
    with pytest.raises(ValidationError) as error:
        consultation.full_clean()
    assert "results_published" in error.value.message_dict


def test_the_api_gives_the_open_data_url_once_it_is_made(published, client):
    consultation = published["consultation"]
    other = factories.consultation("participate")
    detail = reverse("api:consultation-detail", args=[consultation.pk])

    assert client.get(detail).json()["open_data_url"] is None
    built(published)

    url = client.get(detail).json()["open_data_url"]
    assert url == f"http://testserver/consultations/{consultation.pk}/open-data.zip"
    listed = {
        item["id"]: item["open_data_url"] for item in client.get(reverse("api:consultation-list")).json()["results"]
    }
    assert listed == {consultation.pk: url, other.pk: None}
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist() == FILES


def test_the_consultation_list_in_the_api_keeps_its_queries(published, client, django_assert_num_queries):
    built(published)
    for _ in range(3):
        factories.consultation("participate")
    client.get(reverse("api:consultation-list"))  # warm (site, content types)
    with django_assert_num_queries(2):  # the count, and the page with the annotation
        client.get(reverse("api:consultation-list"))


def test_the_pages_link_the_download_once_results_are_published(published, client):
    consultation = published["consultation"]
    download = reverse("participation:consultation-open-data", args=[consultation.pk])
    results = reverse("participation:consultation-results", args=[consultation.pk])
    assert client.get(download).status_code == 404  # not made yet
    built(published)

    page = client.get(consultation.url).content.decode()
    assert download in page and results in page
    open_data = client.get(reverse("participation:open-data")).content.decode()
    assert download in open_data and results in open_data
    assert client.get(download).status_code == 200


def test_nothing_is_linked_or_served_before_the_results_are_published(scene, client):
    consultation = scene["consultation"]
    services.build_open_data(consultation_id=consultation.pk)
    download = reverse("participation:consultation-open-data", args=[consultation.pk])

    assert download not in client.get(consultation.url).content.decode()
    assert download not in client.get(reverse("participation:open-data")).content.decode()
    assert client.get(download).status_code == 404


def test_the_admins_publish_hook_makes_and_withdraws_the_download(scene, django_capture_on_commit_callbacks):
    """What Wagtail calls after staff publish (or unpublish) a page in the admin."""
    from wagtail import hooks

    consultation = finish(scene["consultation"])
    with django_capture_on_commit_callbacks(execute=True):
        for hook in hooks.get_hooks("after_publish_page"):
            hook(None, consultation)
    assert OpenDataDump.objects.filter(consultation=consultation).exists()

    consultation = finish(consultation, publish_results=False)
    with django_capture_on_commit_callbacks(execute=True):
        for hook in hooks.get_hooks("after_publish_page"):
            hook(None, consultation)
    assert not OpenDataDump.objects.exists()
