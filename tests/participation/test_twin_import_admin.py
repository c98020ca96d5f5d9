"""Staff import twin files from the Wagtail admin: who may, what is refused, the pages and the status JSON.

Celery runs eagerly here (in this process), whatever the run's broker: an
upload runs its import when the job row is committed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from participation.errors import InvalidInput, NotAllowed
from participation.models import TwinFeature, TwinImportJob, TwinImportStatus
from participation.rules import allows
from participation.services import start_twin_import
from tests.support import factories
from tests.support import twin_files as files
from tests.support.twin_files import DELFT, TUM

pytestmark = pytest.mark.usefixtures("english", "media", "eager")
BOW_TIE = [(598500, 5286750), (598520, 5286760), (598520, 5286750), (598500, 5286760)]


def admin_user(username: str, *codenames: str):
    user = factories.CitizenFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor(db):
    """A staff editor: admin access and "Can import twin files", as Wagtail's Editors group has them."""
    group, _ = Group.objects.get_or_create(name="Twin editors")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", "import_twin"]))
    user = factories.CitizenFactory(username="editor")
    user.groups.add(group)
    return user


@pytest.fixture
def admin_only(db):
    """In the admin (e.g. a moderator), but not allowed to import."""
    return admin_user("admin-only", "access_admin")


@pytest.fixture
def en_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def upload(path=DELFT, name: str | None = None, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes() if content is None else content)


# --- The service --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("import_without_admin", False),
        ("admin_only", False),
        ("editor", True),
        ("superuser", True),
    ],
)
def test_who_may_import(db, role, allowed, django_capture_on_commit_callbacks):
    users = {
        "anonymous": lambda: AnonymousUser(),
        "citizen": lambda: factories.CitizenFactory(),
        "import_without_admin": lambda: admin_user("no-admin", "import_twin"),
        "admin_only": lambda: admin_user("admin-only", "access_admin"),
        "editor": lambda: admin_user("editor", "access_admin", "import_twin"),
        "superuser": lambda: factories.UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    user = users[role]()

    assert allows("participation.import_twin", user) is allowed
    if allowed:
        with django_capture_on_commit_callbacks(execute=True):
            job = start_twin_import(user=user, upload=upload(TUM))
        assert TwinImportJob.objects.get(pk=job.pk).status == TwinImportStatus.DONE
    else:
        with pytest.raises(NotAllowed, match="Only staff who may import twin data"):
            start_twin_import(user=user, upload=upload(TUM))
        assert not TwinImportJob.objects.exists()


def test_an_inactive_editor_may_not(editor):
    editor.is_active = False
    assert not allows("participation.import_twin", editor)


def test_wagtail_editors_may_import_after_migrating(db):
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        pytest.skip("Wagtail's Editors group was removed by an earlier transactional test's flush")
    assert editors.permissions.filter(codename="import_twin", content_type__app_label="participation").exists()


@pytest.mark.parametrize("name", ["delft.city.json", "tile.GML", "tile.xml", "streets.geojson", "data.json"])
def test_the_twin_file_names_are_taken(editor, name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # queued, not run
        job = start_twin_import(user=editor, upload=upload(TUM, name=name))
    assert job.file_name == name and job.status == TwinImportStatus.QUEUED


@pytest.mark.parametrize("name", ["delft.zip", "tile.gml.gz", "notes.txt", "noextension"])
def test_other_files_are_refused(editor, name):
    with pytest.raises(InvalidInput) as refused:
        start_twin_import(user=editor, upload=upload(TUM, name=name))
    assert refused.value.field == "file"
    assert f"“{name}” is no twin file" in refused.value.message and ".city.json" in refused.value.message
    assert not TwinImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused(editor, settings):
    settings.TWIN_IMPORT_MAX_BYTES = 10_000
    with pytest.raises(InvalidInput) as refused:
        start_twin_import(user=editor, upload=upload(TUM))
    assert refused.value.field == "file"
    assert "at most 9.8" in refused.value.message and "82.9" in refused.value.message  # KB, as filesizeformat says
    assert not TwinImportJob.objects.exists()


def test_an_empty_file_and_an_unknown_crs_are_refused_before_queueing(editor):
    with pytest.raises(InvalidInput, match="empty"):
        start_twin_import(user=editor, upload=upload(TUM, content=b""))
    with pytest.raises(InvalidInput, match="Unknown coordinate reference system “EPSG:999999”") as refused:
        start_twin_import(user=editor, upload=upload(TUM), crs="EPSG:999999")
    assert refused.value.field == "crs"
    assert not TwinImportJob.objects.exists()


# --- The admin pages ------------------------------------------------------------------------


def test_the_menu_shows_twin_import_to_those_allowed(en_client, editor, admin_only):
    en_client.force_login(editor)
    assert "/admin/twin-import/" in en_client.get("/admin/").content.decode()
    en_client.force_login(admin_only)
    assert "/admin/twin-import/" not in en_client.get("/admin/").content.decode()


def test_the_upload_form_names_formats_and_says_the_crs_comes_from_the_file(en_client, editor):
    en_client.force_login(editor)
    response = en_client.get("/admin/twin-import/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for label in ["Twin file", "Source name", "Coordinate reference system", "Remove objects of this source"]:
        assert label in html
    assert '<label class="w-field__label" for="id_file"' in html
    assert "CityGML 2.0 (.gml, .xml; LoD1 and LoD2), CityJSON 1.0 to 2.0 (.city.json, .json)" in html
    assert "The coordinate reference system is read from the file." in html
    assert 'accept=".gml,.xml,.json,.city.json,.geojson"' in html
    assert "No imports yet." in html


def test_the_pages_are_closed_to_others(client, db, editor, admin_only):
    job = TwinImportJob.objects.create(file_name="x.gml", source="x.gml", started_by=editor)
    urls = ["/admin/twin-import/", f"/admin/twin-import/{job.pk}/", f"/admin/twin-import/{job.pk}/status/"]
    for url in urls:  # not logged in: to the admin's login
        assert client.get(url).url.startswith("/admin/login/"), url
    client.force_login(factories.CitizenFactory(username="citizen"))
    for url in urls:  # no admin access: the same
        assert client.get(url).url.startswith("/admin/login/"), url
    client.force_login(admin_only)
    for url in urls:  # in the admin, not allowed: Wagtail sends them to the dashboard with a message
        assert client.get(url).url == "/admin/", url
    response = client.post("/admin/twin-import/", {"file": upload(TUM)})
    assert response.url == "/admin/"
    assert TwinImportJob.objects.count() == 1


def test_upload_runs_the_import_and_the_job_page_shows_progress_and_summary(
    en_client, editor, django_capture_on_commit_callbacks
):
    en_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post("/admin/twin-import/", {"file": upload(DELFT), "source": "Delft", "crs": ""})

    job = TwinImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"/admin/twin-import/{job.pk}/"
    assert job.status == TwinImportStatus.DONE and job.started_by == editor and job.source == "Delft"
    assert TwinFeature.objects.filter(source="Delft").count() == 570

    page = en_client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "“delft.city.json” is uploaded." in html  # the message of the upload
    assert 'data-job-progress-bar aria-labelledby="job-progress-label"' in html
    assert 'max="570" value="570"' in html
    assert "570 of 570 objects (100 %)." in html
    assert 'data-finished="true"' in html
    assert '<th scope="row">Building</th><td>160</td><td>0</td><td>0</td>' in html
    assert '<th scope="row">Road</th><td>143</td>' in html
    assert "Format cityjson, coordinate reference system EPSG:7415" in html
    assert "participation/admin/job-progress.js" in html

    status = en_client.get(f"/admin/twin-import/{job.pk}/status/")
    assert status["Content-Type"] == "application/json"
    assert "no-cache" in status["Cache-Control"] or "max-age=0" in status["Cache-Control"]
    assert status.json() == {
        "id": job.pk,
        "status": "done",
        "status_label": "Done",
        "done": 570,
        "total": 570,
        "percent": 100,
        "progress_text": "570 of 570 objects (100 %).",
        "finished": True,
        "error": "",
    }

    listing = en_client.get("/admin/twin-import/").content.decode()
    assert f'href="/admin/twin-import/{job.pk}/"' in listing
    assert "570 created, 0 updated, 0 skipped (cityjson, EPSG:7415," in listing


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_upload_answers_at_once_and_the_import_runs_beside_it(en_client, editor, settings):
    """The embedded default: no worker, yet the upload does not wait for the import (which takes seconds
    for the Delft file); the job page shows it waiting or running, then done."""
    settings.TASKS_IN_BACKGROUND_WITHOUT_WORKER = True
    en_client.force_login(editor)

    response = en_client.post("/admin/twin-import/", {"file": upload(DELFT), "source": "Delft", "crs": ""})

    assert response.status_code == 302
    job = TwinImportJob.objects.get()
    assert job.status in (TwinImportStatus.QUEUED, TwinImportStatus.RUNNING)
    status = en_client.get(f"/admin/twin-import/{job.pk}/status/").json()
    deadline = time.monotonic() + 120
    while not status["finished"] and time.monotonic() < deadline:
        time.sleep(0.2)
        status = en_client.get(f"/admin/twin-import/{job.pk}/status/").json()
    assert (status["status"], status["done"], status["total"], status["error"]) == ("done", 570, 570, "")
    assert TwinFeature.objects.filter(source="Delft").count() == 570


def test_a_queued_job_polls_its_status(en_client, editor, django_capture_on_commit_callbacks):
    en_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = en_client.post("/admin/twin-import/", {"file": upload(TUM)})
    assert len(queued) == 1  # the task, sent once the job row is committed
    job = TwinImportJob.objects.get()

    html = en_client.get(response.url).content.decode()
    assert f'data-status-url="/admin/twin-import/{job.pk}/status/"' in html
    assert 'data-finished="false"' in html
    assert "Waiting for a worker to start the import." in html
    assert "data-job-progress-bar" in html and "value=" not in html.split("<progress")[1].split(">")[0]
    assert en_client.get(f"/admin/twin-import/{job.pk}/status/").json()["status"] == "queued"

    TwinImportJob.objects.filter(pk=job.pk).update(status="running", progress_total=40, progress_done=10)
    assert en_client.get(f"/admin/twin-import/{job.pk}/status/").json() | {"id": None} == {
        "id": None,
        "status": "running",
        "status_label": "Running",
        "done": 10,
        "total": 40,
        "percent": 25,
        "progress_text": "10 of 40 objects (25 %).",
        "finished": False,
        "error": "",
    }
    queued[0]()  # the worker gets to it
    assert en_client.get(f"/admin/twin-import/{job.pk}/status/").json()["status"] == "running"  # claimed by another


def test_a_failed_import_shows_the_importers_message(en_client, editor, tmp_path, django_capture_on_commit_callbacks):
    broken = files.write(
        tmp_path, "broken.gml", files.citygml(files.building("B1"), files.building("BOWTIE", points=BOW_TIE))
    )
    en_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post("/admin/twin-import/", {"file": upload(broken)})

    html = en_client.get(response.url).content.decode()
    assert "The import failed" in html
    assert "Object “BOWTIE”: invalid geometry seen from above: Self-intersection" in html
    assert "The import stopped; nothing was changed." in html
    assert not TwinFeature.objects.exists()
    status = en_client.get(response.url + "status/").json()
    assert status["status"] == "failed" and "BOWTIE" in status["error"]
    assert "BOWTIE" in en_client.get("/admin/twin-import/").content.decode()  # in the list too


def test_refused_uploads_come_back_with_the_reason(en_client, editor, settings):
    en_client.force_login(editor)
    response = en_client.post("/admin/twin-import/", {"file": upload(TUM, name="tile.zip")})
    assert response.status_code == 200
    assert "“tile.zip” is no twin file" in response.content.decode()

    response = en_client.post("/admin/twin-import/", {"file": upload(TUM), "crs": "EPSG:999999"})
    assert response.status_code == 200
    assert response.context["form"].errors["crs"] == ["Unknown coordinate reference system “EPSG:999999”."]

    settings.TWIN_IMPORT_MAX_BYTES = 1000
    response = en_client.post("/admin/twin-import/", {"file": upload(TUM)})
    assert "at most 1000" in response.content.decode()

    response = en_client.post("/admin/twin-import/", {})
    assert response.context["form"].errors["file"] == ["This field is required."]
    assert not TwinImportJob.objects.exists()


def test_an_unknown_job_is_not_found(en_client, editor):
    en_client.force_login(editor)
    assert en_client.get("/admin/twin-import/999999/").status_code == 404
    assert en_client.get("/admin/twin-import/999999/status/").status_code == 404


def test_the_polling_script_is_served():
    script = finders.find("participation/admin/job-progress.js")
    assert script is not None
    source = Path(script).read_text()
    assert "setTimeout(poll, 1000)" in source and "fetch(" in source


def test_the_permission_is_offered_in_the_admins_group_settings(en_client, db):
    en_client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    group = Group.objects.create(name="Staff editors")

    html = en_client.get(f"/admin/groups/edit/{group.pk}/").content.decode()

    assert "Can import twin files" in html
