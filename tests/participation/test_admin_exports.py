"""Staff export a consultation from the Wagtail admin: who may, the format form, the job page with its
progress, the status JSON, the download (staff only, never by the file's address) and what is refused.

Celery runs eagerly here (in this process); tests/participation/test_tasks.py runs an export in a real worker.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone
from wagtail.models import GroupPagePermission

from participation.models import ExportJob, JobStatus
from participation.rules import allows
from tests.support import factories

pytestmark = pytest.mark.usefixtures("english", "media", "eager")


@pytest.fixture
def consultation(db):
    consultation = factories.consultation("vote", title="Marktplatz Süd", slug="marktplatz-sued")
    factories.bulk_comments(consultation, 3, author=factories.CitizenFactory(username="maria.muster"))
    factories.comment(consultation, text='=HYPERLINK("http://evil","x")')
    return consultation


def editor_of(page, username: str = "editor"):
    """Staff in the admin who may edit ``page`` (and its children) by Wagtail's page permissions."""
    group = Group.objects.create(name=f"Editors of {page.pk} ({username})")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(group=group, page=page, permission_type="change")
    user = factories.CitizenFactory(username=username)
    user.groups.add(group)
    return user


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def moderator_client(db) -> Client:
    return client_for(factories.presenter("moderator"))


def export_url(consultation) -> str:
    return f"/admin/exports/{consultation.pk}/"


def started(client, consultation, format: str, django_capture_on_commit_callbacks, *, run: bool = True):
    with django_capture_on_commit_callbacks(execute=run):
        response = client.post(export_url(consultation), {"format": format})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ExportJob.objects.latest("pk")
    assert response.url == f"/admin/exports/job/{job.pk}/"
    return job


# --- Who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("admin_only", False),
        ("editor_elsewhere", False),
        ("moderator_without_admin", False),
        ("editor", True),
        ("moderator", True),
        ("superuser", True),
    ],
)
def test_who_may_export(consultation, role, allowed, django_capture_on_commit_callbacks):
    other = factories.consultation("vote", title="Anderswo")
    user = {
        "anonymous": lambda: None,
        "citizen": lambda: factories.CitizenFactory(username="citizen"),
        "admin_only": lambda: factories.staff("admin-only"),
        "editor_elsewhere": lambda: editor_of(other, "elsewhere"),
        "moderator_without_admin": lambda: _without_admin(factories.moderator("mod")),
        "editor": lambda: editor_of(consultation),
        "moderator": lambda: factories.presenter("moderator"),
        "superuser": lambda: factories.UserFactory(username="root", is_staff=True, is_superuser=True),
    }[role]()
    client = client_for(user)

    form = client.get(export_url(consultation))
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(export_url(consultation), {"format": "csv"})

    if allowed:
        assert allows("participation.export", user, consultation)
        assert form.status_code == 200 and posted.status_code == 302
        assert ExportJob.objects.get().started_by == user
    else:
        assert refused(form) and refused(posted)
        assert not ExportJob.objects.exists()


def refused(response) -> bool:
    """Wagtail's answer to who may not: its login for who has no admin access, else back to the admin's
    dashboard with its message (a function view answers 403)."""
    if response.status_code == 302:
        return response.url.startswith("/admin/login/") or response.url == "/admin/"
    return response.status_code == 403


def _without_admin(user):
    user.groups.get().permissions.remove(Permission.objects.get(codename="access_admin"))
    return user


def test_who_may_not_export_may_not_see_or_download_an_export(
    consultation, moderator_client, django_capture_on_commit_callbacks
):
    job = started(moderator_client, consultation, "xlsx", django_capture_on_commit_callbacks)
    other = factories.consultation("vote", title="Anderswo")
    for user in [
        None,
        factories.CitizenFactory(username="citizen"),
        factories.staff("admin-only"),
        editor_of(other, "elsewhere"),
    ]:
        client = client_for(user)
        for address in ("", "status/", "download/"):
            response = client.get(f"/admin/exports/job/{job.pk}/{address}")
            assert refused(response), (user, address, response.status_code)
    assert client_for(editor_of(consultation)).get(f"/admin/exports/job/{job.pk}/download/").status_code == 200


# --- The way through the admin ----------------------------------------------------------------------


def test_a_consultations_menus_lead_to_its_export(consultation, moderator_client):
    proposal = factories.proposal(consultation, title="Mehr Bäume")

    edit = moderator_client.get(f"/admin/pages/{consultation.pk}/edit/").content.decode()
    listing = moderator_client.get(f"/admin/pages/{consultation.get_parent().pk}/").content.decode()
    proposal_edit = moderator_client.get(f"/admin/pages/{proposal.pk}/edit/").content.decode()

    assert f'href="{export_url(consultation)}"' in edit
    assert f'href="{export_url(consultation)}"' in listing
    assert "/admin/exports/" not in proposal_edit


def test_the_form_offers_the_formats_with_labels_a_keyboard_reaches(consultation, moderator_client):
    html = moderator_client.get(export_url(consultation)).content.decode()

    assert "<title>Export: Marktplatz Süd" in html
    assert '<legend class="w-field__label">Format</legend>' in html
    for value, label in [
        ("xlsx", "Excel workbook (XLSX), one sheet per kind"),
        ("csv", "CSV files, one per kind, in a ZIP archive"),
        ("geojson", "GeoJSON: the contributions with a place"),
    ]:
        field = re.search(rf'<input type="radio" name="format" value="{value}"[^>]*id="([^"]+)"', html)
        assert field, value
        assert f'<label for="{field.group(1)}">{label}</label>' in html
    assert re.search(r'value="xlsx"[^>]*checked', html)
    assert '<button type="submit" class="button">Export</button>' in html
    assert "No personal data" in html and "deleted 7 days after" in html
    assert "This consultation has not been exported yet." in html


def test_an_export_runs_and_its_page_offers_the_download(
    consultation, moderator_client, django_capture_on_commit_callbacks
):
    job = started(moderator_client, consultation, "xlsx", django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    html = moderator_client.get(f"/admin/exports/job/{job.pk}/").content.decode()
    assert "The export is being prepared." in html
    assert 'data-finished="true"' in html and 'data-kind="export"' in html
    assert "4 of 4 rows (100 %)." in html
    assert 'data-job-progress-bar aria-labelledby="job-progress-label"' in html
    assert "participation/admin/job-progress.js" in html
    assert f'<a class="button" href="/admin/exports/job/{job.pk}/download/" download>Download</a>' in html
    kinds = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', html)
    assert kinds == [("Contributions", "4"), ("Votes", "0"), ("Polls", "0"), ("Paper entries", "0")]

    status = moderator_client.get(f"/admin/exports/job/{job.pk}/status/")
    assert "no-cache" in status["Cache-Control"] or "max-age=0" in status["Cache-Control"]
    assert status.json() == {
        "id": job.pk,
        "status": "done",
        "status_label": "Done",
        "done": 4,
        "total": 4,
        "percent": 100,
        "progress_text": "4 of 4 rows (100 %).",
        "finished": True,
        "error": "",
    }

    download = moderator_client.get(f"/admin/exports/job/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    day = timezone.localdate().isoformat()
    assert download["Content-Disposition"] == f'attachment; filename="export-marktplatz-sued-{day}.xlsx"'
    assert download["X-Content-Type-Options"] == "nosniff"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    texts = [row[5] for row in workbook["Contributions"].iter_rows(min_row=2, values_only=True)]
    assert texts[-1] == '\'=HYPERLINK("http://evil","x")'
    assert "maria.muster" not in repr(list(workbook["Contributions"].values))

    listing = moderator_client.get(export_url(consultation)).content.decode()
    assert f'href="/admin/exports/job/{job.pk}/download/"' in listing and "moderator" in listing

    # The file itself is never served by its address, however it is guessed.
    assert job.file.name.startswith("exports/")
    assert moderator_client.get(f"/media/{job.file.name}").status_code == 404


@pytest.mark.parametrize(
    ("format", "content_type", "suffix"),
    [("csv", "application/zip", "zip"), ("geojson", "application/geo+json", "geojson")],
)
def test_the_other_formats_download_with_their_type(
    consultation, moderator_client, django_capture_on_commit_callbacks, format, content_type, suffix
):
    job = started(moderator_client, consultation, format, django_capture_on_commit_callbacks)

    download = moderator_client.get(f"/admin/exports/job/{job.pk}/download/")

    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].endswith(f'.{suffix}"')


def test_a_queued_export_shows_that_it_waits_and_then_its_progress(
    consultation, moderator_client, django_capture_on_commit_callbacks
):
    job = started(moderator_client, consultation, "csv", django_capture_on_commit_callbacks, run=False)

    html = moderator_client.get(f"/admin/exports/job/{job.pk}/").content.decode()
    assert f'data-status-url="/admin/exports/job/{job.pk}/status/"' in html
    assert 'data-finished="false"' in html
    assert "Waiting for a worker to start the export." in html
    assert "you may leave it, the export goes on" in html
    assert "Download" not in html
    assert moderator_client.get(f"/admin/exports/job/{job.pk}/download/").status_code == 404

    ExportJob.objects.filter(pk=job.pk).update(status="running", progress_total=40, progress_done=10)
    status = moderator_client.get(f"/admin/exports/job/{job.pk}/status/").json()
    assert (status["status_label"], status["percent"], status["progress_text"], status["finished"]) == (
        "Running",
        25,
        "10 of 40 rows (25 %).",
        False,
    )


def test_a_failed_export_shows_why(consultation, moderator_client, django_capture_on_commit_callbacks, monkeypatch):
    from participation.services import exports

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(exports.writers, "write_csv_zip", crash)
    job = started(moderator_client, consultation, "csv", django_capture_on_commit_callbacks)

    html = moderator_client.get(f"/admin/exports/job/{job.pk}/").content.decode()
    assert "The export failed" in html and "OSError" in html and "The export stopped." in html
    assert moderator_client.get(f"/admin/exports/job/{job.pk}/download/").status_code == 404


def test_a_deleted_file_is_gone_and_its_page_says_so(
    consultation, moderator_client, django_capture_on_commit_callbacks
):
    job = started(moderator_client, consultation, "csv", django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(file="", expired_at=timezone.now())

    html = moderator_client.get(f"/admin/exports/job/{job.pk}/").content.decode()

    assert "The file has been deleted" in html
    assert moderator_client.get(f"/admin/exports/job/{job.pk}/download/").status_code == 404


def test_bad_requests_get_a_clear_answer(consultation, moderator_client):
    response = moderator_client.post(export_url(consultation), {"format": "pdf"})
    assert response.status_code == 400
    assert "Select a valid choice. pdf is not one of the available choices." in response.content.decode()
    assert moderator_client.post(export_url(consultation), {}).status_code == 400
    assert not ExportJob.objects.exists()

    assert moderator_client.get("/admin/exports/999999/").status_code == 404
    for address in ("", "status/", "download/"):
        assert moderator_client.get(f"/admin/exports/job/999999/{address}").status_code == 404
    assert moderator_client.post("/admin/exports/job/999999/status/").status_code in (404, 405)


def test_the_page_is_in_german_for_german_staff(consultation, db):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(factories.presenter("moderator"))

    html = client.get(export_url(consultation)).content.decode()

    assert "Excel-Arbeitsmappe (XLSX), ein Tabellenblatt je Art" in html
    assert "Dieses Verfahren wurde noch nicht exportiert." in html
    assert '<button type="submit" class="button">Exportieren</button>' in html
