"""Exports of a consultation: what each format holds (read back with openpyxl, csv and json), no personal
data, formulas neutralised, the job's progress, run once, and files deleted after their days.

Celery runs eagerly here (in this process); tests/participation/test_tasks.py runs an export in a real worker.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from participation import services
from participation.errors import InvalidInput, NotAllowed
from participation.exports.cells import spreadsheet_cell
from participation.models import Channel, ExportFormat, ExportJob, JobStatus, ModerationState, PollKind, PollState
from participation.services import exports as export_service
from participation.tasks import delete_expired_exports_task, run_export
from tests.support import factories

pytestmark = pytest.mark.usefixtures("media", "eager")

EVIL = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tcmd|' /C calc'!A0",
    "\r=1+1",
]


@pytest.fixture
def moderator(db):
    """A moderator who reaches the admin (where exports are made)."""
    return factories.presenter("moderator")


@pytest.fixture
def scene(db, moderator):
    """A consultation with every kind of thing an export holds, and an author whose data must not leak."""
    consultation = factories.consultation("vote", title="Marktplatz Süd")
    trees = factories.proposal(consultation, title="Mehr Bäume")
    author = factories.CitizenFactory(username="maria.muster", email="maria.muster@example.org")
    building = factories.twin_feature(twin_id="DEBY_123", name="Rathaus")
    point = {"type": "Point", "coordinates": [4.364, 52.012]}
    located = factories.comment(
        consultation,
        author=author,
        proposal=trees,
        text="Hier fehlt Schatten, Grüße",
        geometry=point,
        latitude=52.012,
        longitude=4.364,
    )
    reply = factories.comment(consultation, author=author, parent=located, text="Stimmt, ein Ahorn")
    on_building = factories.comment(consultation, author=author, text="Das Rathaus", twin_feature=building)
    hidden = factories.comment(consultation, author=author, text="Beleidigung", moderation_state=ModerationState.HIDDEN)
    deleted = factories.comment(consultation, author=author, text="Zurückgezogen", deleted_at=timezone.now())
    evil = [factories.comment(consultation, author=author, text=text) for text in EVIL]
    services.cast_vote(voter=author, proposal=trees, choice="support")
    services.cast_vote(voter=factories.device(), proposal=trees, choice="oppose", channel=Channel.PHONE)
    first = services.enter_paper_counts(
        clerk=moderator, proposal=trees, event="Forum", source="Stellwand", counts={"support": 5, "oppose": 1}
    )
    services.enter_paper_counts(
        clerk=moderator,
        proposal=trees,
        event="Forum",
        source="Stellwand",
        counts={"support": 3, "oppose": 1},
        corrects=first,
    )
    poll = services.add_poll(
        presenter=moderator,
        consultation=consultation,
        question="Autofrei?",
        kind=PollKind.SINGLE,
        options=("Ja", "Nein"),
    )
    services.set_poll_state(presenter=moderator, poll=poll, state=PollState.OPEN)
    yes = poll.options.get(label="Ja")
    services.answer_poll(participant=factories.device(), poll=poll, channel=Channel.PHONE, options=yes.pk)
    services.enter_paper_counts(clerk=moderator, poll=poll, event="Forum", source="Karten", counts={yes.pk: 4})
    return {
        "consultation": consultation,
        "trees": trees,
        "author": author,
        "moderator": moderator,
        "building": building,
        "located": located,
        "reply": reply,
        "on_building": on_building,
        "hidden": hidden,
        "deleted": deleted,
        "evil": evil,
        "poll": poll,
    }


def exported(scene, format: str, *, language: str = "en") -> ExportJob:
    """An export started as the admin starts it and run at once (Celery eager), fresh from the database.

    (In a transactional test the commit has queued, and so run, the task already: this run is then a no-op.)"""
    from django.utils import translation

    with translation.override(language):
        job = services.start_export(user=scene["moderator"], consultation=scene["consultation"], format=format)
    run_export.delay(job.pk)
    return ExportJob.objects.get(pk=job.pk)


def sheet_rows(path: Path, title: str) -> list[list]:
    workbook = openpyxl.load_workbook(path)
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def csv_rows(path: Path, name: str) -> tuple[bytes, list[list[str]]]:
    with zipfile.ZipFile(path) as archive:
        data = archive.read(name)
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def personal_data_absent(blob: str, scene) -> None:
    for secret in ("maria.muster", "example.org", scene["moderator"].username):
        assert secret not in blob


# --- The one guard against formulas -----------------------------------------------------------


@pytest.mark.parametrize("text", EVIL)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Hallo", "a=b", " =1", "", 42, -3, 1.5, None])
def test_other_cells_stay_as_they_are(value):
    assert spreadsheet_cell(value) == value


# --- XLSX ----------------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_kind_with_the_contributions_votes_polls_and_paper(scene):
    job = exported(scene, ExportFormat.XLSX)

    assert job.status == JobStatus.DONE, job.error
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".xlsx")
    assert len(Path(job.file.name).parent.name) == 32  # a folder no one guesses
    path = Path(job.file.path)
    assert openpyxl.load_workbook(path).sheetnames == ["Contributions", "Votes", "Polls", "Paper entries"]
    assert job.counts == {"contributions": 5 + len(EVIL), "votes": 5, "polls": 2, "paper": 8}
    assert job.progress_done == job.progress_total == sum(job.counts.values()) and job.percent == 100

    contributions = sheet_rows(path, "Contributions")
    assert contributions[0] == [
        "ID",
        "Consultation ID",
        "Proposal ID",
        "Proposal",
        "Reply to ID",
        "Text",
        "Created",
        "Channel",
        "State",
        "Paper source",
        "Twin object ID",
        "Twin object",
        "Latitude",
        "Longitude",
        "Geometry type",
        "Edited",
        "Official answer",
    ]
    by_id = {row[0]: row for row in contributions[1:]}
    located = by_id[scene["located"].pk]
    assert located[1:5] == [scene["consultation"].pk, scene["trees"].pk, "Mehr Bäume", None]
    assert located[5] == "Hier fehlt Schatten, Grüße"
    assert located[7:9] == ["online", "published"]
    assert located[12:] == [52.012, 4.364, "Point", None, None]
    created = timezone.localtime(scene["located"].created_at).replace(tzinfo=None, microsecond=0)
    assert located[6] == created
    assert by_id[scene["reply"].pk][4] == scene["located"].pk
    assert by_id[scene["on_building"].pk][10:12] == ["DEBY_123", "Rathaus"]
    assert by_id[scene["hidden"].pk][8] == "hidden by moderation"
    assert by_id[scene["deleted"].pk][5:9:3] == [None, "deleted"]  # its text is not handed on

    votes = sheet_rows(path, "Votes")
    assert votes[0] == ["Proposal ID", "Proposal", "Published", "Channel", "Support", "Oppose", "Abstain", "Total"]
    assert votes[1:] == [
        [scene["trees"].pk, "Mehr Bäume", "yes", "online", 1, 0, 0, 1],
        [scene["trees"].pk, "Mehr Bäume", "yes", "phone in the room", 0, 1, 0, 1],
        [scene["trees"].pk, "Mehr Bäume", "yes", "room terminal", 0, 0, 0, 0],
        [scene["trees"].pk, "Mehr Bäume", "yes", "on paper", 3, 1, 0, 4],  # the correction, not the first count
        [scene["trees"].pk, "Mehr Bäume", "yes", "all channels", 4, 2, 0, 6],
    ]

    polls = sheet_rows(path, "Polls")
    assert polls[0][5:] == ["Answer", "online", "phone in the room", "room terminal", "on paper", "Total", "Share (%)"]
    assert polls[1] == [scene["poll"].pk, "Autofrei?", "single choice", "open", 1, "Ja", 0, 1, 0, 4, 5, 100]
    assert polls[2][5:] == ["Nein", 0, 0, 0, 0, 0, 0]

    paper = sheet_rows(path, "Paper entries")
    assert paper[0][:5] == ["Entry ID", "Event", "Source", "Note", "Entered"]
    assert [(row[9], row[10], row[13]) for row in paper[1:]] == [
        ("Support", 5, "no"),
        ("Oppose", 1, "no"),
        ("Abstain", 0, "no"),
        ("Support", 3, "yes"),
        ("Oppose", 1, "yes"),
        ("Abstain", 0, "yes"),
        ("Ja", 4, "yes"),
        ("Nein", 0, "yes"),
    ]
    first, correction = paper[1][0], paper[4][0]
    assert paper[1][12] == correction and paper[4][11] == first  # who corrects whom
    assert paper[1][1:3] == ["Forum", "Stellwand"] and paper[7][7:9] == [scene["poll"].pk, "Autofrei?"]
    personal_data_absent(json.dumps([contributions, votes, polls, paper], default=str), scene)


def test_formulas_in_contributions_are_text_in_the_workbook(scene):
    path = Path(exported(scene, ExportFormat.XLSX).file.path)

    sheet = openpyxl.load_workbook(path)["Contributions"]
    cells = {row[0].value: row[5] for row in sheet.iter_rows(min_row=2)}
    for contribution, text in zip(scene["evil"], EVIL, strict=True):
        cell = cells[contribution.pk]
        assert cell.data_type == "s" and cell.value == "'" + text
    with zipfile.ZipFile(path) as archive:  # no formula anywhere in the file
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_headings_and_labels_are_in_the_language_of_who_asked(scene):
    path = Path(exported(scene, ExportFormat.XLSX, language="de").file.path)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Beiträge", "Stimmen", "Umfragen", "Papier-Eingaben"]
    rows = [list(row) for row in workbook["Beiträge"].iter_rows(values_only=True)]
    assert rows[0][:6] == ["ID", "Verfahren (ID)", "Vorschlag (ID)", "Vorschlag", "Antwort auf (ID)", "Text"]
    assert {row[7] for row in rows[1:]} == {"online"} and "veröffentlicht" in {row[8] for row in rows[1:]}


# --- CSV -----------------------------------------------------------------------------------------


def test_the_zip_has_a_csv_per_kind_in_utf8_with_a_bom_and_semicolons(scene):
    services.answer_contribution(
        staff=scene["moderator"], contribution=scene["located"], text="Wir pflanzen im Herbst."
    )
    job = exported(scene, ExportFormat.CSV)

    assert job.status == JobStatus.DONE, job.error
    path = Path(job.file.path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["contributions.csv", "votes.csv", "polls.csv", "paper.csv"]
    data, rows = csv_rows(path, "contributions.csv")
    assert data.startswith(b"\xef\xbb\xbfID;Consultation ID;Proposal ID;Proposal;")
    assert "Grüße".encode() in data and b"\r\n" in data
    assert len(rows) == 1 + 5 + len(EVIL)
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(scene["located"].pk)][12:] == ["52.012", "4.364", "Point", "", "Wir pflanzen im Herbst."]
    assert by_id[str(scene["on_building"].pk)][10:12] == ["DEBY_123", "Rathaus"]

    _data, votes = csv_rows(path, "votes.csv")
    assert votes[-1] == [str(scene["trees"].pk), "Mehr Bäume", "yes", "all channels", "4", "2", "0", "6"]
    _data, paper = csv_rows(path, "paper.csv")
    assert len(paper) == 9
    every = "".join(zipfile.ZipFile(path).read(name).decode("utf-8-sig") for name in zipfile.ZipFile(path).namelist())
    personal_data_absent(every, scene)


def test_formulas_in_contributions_are_text_in_the_csv(scene):
    _data, rows = csv_rows(Path(exported(scene, ExportFormat.CSV).file.path), "contributions.csv")

    texts = {row[0]: row[5] for row in rows[1:]}
    for contribution, text in zip(scene["evil"], EVIL, strict=True):
        assert texts[str(contribution.pk)] == "'" + text


# --- GeoJSON -------------------------------------------------------------------------------------


def test_the_geojson_holds_the_contributions_with_a_place_or_a_twin_object(scene):
    job = exported(scene, ExportFormat.GEOJSON)

    assert job.status == JobStatus.DONE, job.error
    assert job.file.name.endswith(".geojson")
    collection = json.loads(Path(job.file.path).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection  # RFC 7946: WGS84 only
    features = {feature["id"]: feature for feature in collection["features"]}
    assert set(features) == {scene["located"].pk, scene["on_building"].pk}
    assert job.counts == {"contributions": 2} and job.progress_done == 2
    located = features[scene["located"].pk]
    assert located["geometry"] == {"type": "Point", "coordinates": [4.364, 52.012]}
    assert located["properties"] | {"created": None} == {
        "id": scene["located"].pk,
        "consultation": scene["consultation"].pk,
        "proposal": scene["trees"].pk,
        "proposal_title": "Mehr Bäume",
        "parent": None,
        "text": "Hier fehlt Schatten, Grüße",
        "created": None,
        "channel": "online",
        "state": "approved",
        "paper_source": "",
        "twin_id": None,
        "twin_name": None,
        "place": "contribution",
    }
    assert located["properties"]["created"] == timezone.localtime(scene["located"].created_at).isoformat("T", "seconds")
    building = features[scene["on_building"].pk]
    assert building["geometry"]["type"] == "Point"
    assert building["geometry"]["coordinates"] == [scene["building"].longitude, scene["building"].latitude]
    assert building["properties"]["twin_id"] == "DEBY_123" and building["properties"]["place"] == "twin_object"
    personal_data_absent(json.dumps(collection), scene)


def test_an_empty_consultation_exports_empty_files(db, moderator):
    empty = {"consultation": factories.consultation("inform"), "moderator": moderator}

    collection = json.loads(Path(exported(empty, ExportFormat.GEOJSON).file.path).read_text())
    workbook = openpyxl.load_workbook(exported(empty, ExportFormat.XLSX).file.path)

    assert collection == {"type": "FeatureCollection", "features": []}
    assert [sheet.max_row for sheet in workbook.worksheets] == [1, 1, 1, 1]  # the headings alone


# --- Who, once, failures, deletion --------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "citizen", "admin_only"])
def test_who_may_not_export(scene, role):
    user = {
        "anonymous": AnonymousUser,
        "citizen": factories.CitizenFactory,
        "admin_only": lambda: factories.staff("admin-only"),
    }[role]()

    with pytest.raises(NotAllowed):
        services.start_export(user=user, consultation=scene["consultation"], format=ExportFormat.CSV)
    assert not ExportJob.objects.exists()


def test_an_unknown_format_is_refused(scene):
    with pytest.raises(InvalidInput):
        services.start_export(user=scene["moderator"], consultation=scene["consultation"], format="pdf")


def test_running_the_task_twice_writes_once(scene):
    job = services.start_export(user=scene["moderator"], consultation=scene["consultation"], format="csv")
    assert run_export.delay(job.pk).get() is True
    job = ExportJob.objects.get(pk=job.pk)

    assert run_export.delay(job.pk).get() is False
    assert ExportJob.objects.get(pk=job.pk).file.name == job.file.name
    assert run_export.delay(987654).get() is False


def test_an_unexpected_error_fails_the_job_and_says_where_to_look(scene, monkeypatch):
    def crash(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_service.writers, "write_xlsx", crash)

    job = exported(scene, ExportFormat.XLSX)

    assert job.status == JobStatus.FAILED and not job.file
    assert "RuntimeError" in job.error and "server log" in job.error


@pytest.mark.django_db(transaction=True)
def test_the_progress_is_recorded_while_the_rows_are_written(scene, monkeypatch):
    """Every row is counted; the job row gets the count, committed (here after each row: interval 0), so the
    status page reads it while the export runs (on PostgreSQL from the recorder's own connection)."""
    seen = []
    real_write = export_service.ExportProgress._write

    def recorded(self, done):
        real_write(self, done)
        seen.append(ExportJob.objects.get(pk=self.job_id).progress_done)

    monkeypatch.setattr(export_service, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(export_service.ExportProgress, "_write", recorded)

    job = exported(scene, ExportFormat.CSV)

    assert seen == list(range(1, job.progress_total + 1))


def test_old_files_are_deleted_and_their_rows_kept(scene, settings):
    settings.EXPORT_RETENTION_DAYS = 3
    old = exported(scene, ExportFormat.CSV)
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3, minutes=1))
    recent = exported(scene, ExportFormat.GEOJSON)  # starting it deleted the old one's file already
    path = Path(old.file.path)

    assert not path.exists()
    old = ExportJob.objects.get(pk=old.pk)
    assert (old.file.name, old.is_downloadable, old.status) == ("", False, JobStatus.DONE)
    assert old.expired_at is not None
    assert ExportJob.objects.get(pk=recent.pk).is_downloadable
    assert delete_expired_exports_task.delay().get() == 0  # beat's hourly run: nothing left to do

    ExportJob.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=4))
    assert delete_expired_exports_task.delay().get() == 1
    assert not Path(recent.file.path).exists()
