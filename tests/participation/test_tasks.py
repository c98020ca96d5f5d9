"""The twin import task: real files, progress up to the count, failures with the importer's message, run once.

In-process tests force Celery eager, whatever the run's broker; the last tests
start real workers on Redis (skipped without REDIS_URL): they import, are killed
mid-import, meet a job whose lease holds, and export (the export's other tests
are in test_exports.py and test_admin_exports.py).
"""

from __future__ import annotations

import io
import socket
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from forum.celery import app as celery_app
from participation.models import TwinFeature, TwinImportJob, TwinImportStatus
from participation.services import import_twin_file, jobs, twin_imports
from participation.tasks import run_twin_import
from participation.twin.scan import count_objects
from tests.support import factories
from tests.support import twin_files as files
from tests.support.celery_worker import celery_worker, start_worker, stop, wait_until_ready, worker_env
from tests.support.needs import require_postgresql, require_redis
from tests.support.synthetic_twin import write_synthetic_citygml
from tests.support.twin_files import DELFT, DELFT_KINDS, GARCHING, TUM

BOW_TIE = [(598500, 5286750), (598520, 5286760), (598520, 5286750), (598500, 5286760)]


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="staff", is_staff=True, is_superuser=True)


def queued_job(path: Path, *, user=None, language: str = "en", **options) -> TwinImportJob:
    """A job as start_twin_import leaves it, without queueing it: the tests run the task themselves."""
    job = TwinImportJob(file_name=path.name, file_size=path.stat().st_size, started_by=user, language=language)
    job.source = options.pop("source", path.name)
    for name, value in options.items():
        setattr(job, name, value)
    job.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    job.save()
    return job


def fresh(job: TwinImportJob) -> TwinImportJob:
    return TwinImportJob.objects.get(pk=job.pk)


# --- Real files ---------------------------------------------------------------------------


def test_the_task_imports_the_delft_model(db, media, eager, staff):
    job = queued_job(DELFT, user=staff)

    started = time.monotonic()
    assert run_twin_import.delay(job.pk).get() is True
    seconds = time.monotonic() - started

    job = fresh(job)
    assert job.status == TwinImportStatus.DONE, job.error
    assert job.progress_total == job.progress_done == 570
    assert job.percent == 100
    assert job.summary["created"] == DELFT_KINDS
    assert job.summary["crs"] == ["EPSG:7415"] and job.summary["format"] == "cityjson"
    assert TwinFeature.objects.filter(source="delft.city.json").count() == 570
    assert job.started_at <= job.finished_at and job.error == ""
    print(f"Delft through the task: {seconds:.2f} s (importer: {job.summary['seconds']} s)")


def test_the_task_imports_the_tum_citygml_with_a_crs_override_and_a_source_name(db, media, eager, staff):
    job = queued_job(TUM, user=staff, source="Bayern LoD2", crs="EPSG:25832")

    run_twin_import.delay(job.pk)

    job = fresh(job)
    assert job.status == TwinImportStatus.DONE, job.error
    assert job.summary["created"] == {"building": 1}
    assert job.progress_total == job.progress_done == job.summary["done"]
    assert TwinFeature.objects.get(source="Bayern LoD2").twin_id == "DEBY_LOD2_4959457"


def test_a_second_upload_of_the_same_source_updates_in_place(db, media, eager, staff):
    run_twin_import.delay(queued_job(DELFT, user=staff).pk)
    ids = set(TwinFeature.objects.values_list("pk", flat=True))

    again = queued_job(DELFT, user=staff)
    run_twin_import.delay(again.pk)

    again = fresh(again)
    assert again.summary["created"] == {} and sum(again.summary["updated"].values()) == 570
    assert set(TwinFeature.objects.values_list("pk", flat=True)) == ids


# --- Progress ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [DELFT, TUM, GARCHING],
    ids=["cityjson", "citygml", "geojson"],
)
def test_the_count_before_the_import_is_what_the_import_handles(db, path):
    assert count_objects(path) == import_twin_file(path=path, source=f"count-{path.name}").done


def test_the_count_follows_citygml_parts_skips_and_objects_without_id(db, tmp_path):
    west = [(598500, 5286750), (598510, 5286750), (598510, 5286760), (598500, 5286760)]
    parts = (
        "<bldg:consistsOfBuildingPart>"
        f"{files.building('P1', points=west, tag='BuildingPart')}"
        "</bldg:consistsOfBuildingPart>"
    )
    with_parts = f'<bldg:Building gml:id="B">{parts}</bldg:Building>'
    no_id = files.building("X").replace(' gml:id="X"', "")
    inner = '<bldg:BuildingInstallation gml:id="I1"/>'
    path = files.write(tmp_path, "mixed.gml", files.citygml(with_parts, files.building("B2"), no_id, inner))

    summary = import_twin_file(path=path)

    assert summary.done == 5  # B, P1, B2 imported; the one without id and the installation skipped
    assert count_objects(path) == 5


def test_a_file_that_cannot_be_counted_has_no_total(tmp_path):
    assert count_objects(files.write(tmp_path, "x.city.json", "{not json")) is None
    assert count_objects(files.write(tmp_path, "x.gml", "<a><b></a>")) is None
    assert count_objects(tmp_path / "missing.gml") is None


def test_progress_is_written_at_most_every_half_second(monkeypatch):
    clock = iter([100.0, 100.1, 100.6, 100.8, 101.2, 101.3])
    written = []
    monkeypatch.setattr(twin_imports.ProgressRecorder, "_write", lambda self, done: written.append(done))
    recorder = twin_imports.ProgressRecorder(1, clock=lambda: next(clock))  # created at 100.0
    try:
        for done in (500, 1000, 1500, 2000, 2500):  # at 100.1, 100.6, 100.8, 101.2, 101.3
            recorder(done)
    finally:
        recorder.close()

    assert written == [1000, 2000]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_progress_shows_while_the_import_transaction_is_open(media, staff):
    """The import is one transaction; its progress goes through a connection of its own and is seen at once."""
    require_postgresql()
    job = queued_job(TUM, user=staff)
    TwinImportJob.objects.filter(pk=job.pk).update(status=TwinImportStatus.RUNNING)
    seen = []

    def read_elsewhere():
        seen.append(TwinImportJob.objects.get(pk=job.pk).progress_done)
        connection.close()

    with transaction.atomic():
        TwinFeature.objects.create(
            source="s", twin_id="t", geometry={}, latitude=0, longitude=0, min_lon=0, min_lat=0, max_lon=0, max_lat=0
        )  # the import's transaction holds writes
        recorder = twin_imports.ProgressRecorder(job.pk, interval=0)
        recorder(1234)
        recorder.close()
        reader = threading.Thread(target=read_elsewhere)
        reader.start()
        reader.join(10)

    assert seen == [1234]


# --- Failures -----------------------------------------------------------------------------


def test_a_broken_file_fails_with_the_message_naming_the_object(db, media, eager, staff, tmp_path):
    broken = files.write(
        tmp_path, "broken.gml", files.citygml(files.building("B1"), files.building("BOWTIE", points=BOW_TIE))
    )
    job = queued_job(broken, user=staff)

    run_twin_import.delay(job.pk)

    job = fresh(job)
    assert job.status == TwinImportStatus.FAILED
    assert "“BOWTIE”" in job.error and "Self-intersection" in job.error
    assert job.summary is None and job.finished_at is not None
    assert job.progress_total == 2
    assert not TwinFeature.objects.exists()  # all or nothing


def test_the_message_is_in_the_language_of_who_started_the_import(db, media, eager, staff, tmp_path):
    data = files.geojson(files.street("s1", "A"), files.street("s1", "B", 0.01))
    path = files.write(tmp_path, "twice.geojson", data)
    english, german = queued_job(path, user=staff, language="en"), queued_job(path, user=staff, language="de")

    run_twin_import.delay(english.pk)
    run_twin_import.delay(german.pk)

    assert fresh(english).error == "Object “s1” appears twice in the file."
    assert fresh(german).error == "Objekt „s1“ kommt zweimal in der Datei vor."


def test_an_unexpected_error_fails_the_job_and_says_where_to_look(db, media, eager, staff, monkeypatch):
    def crash(**options):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(twin_imports, "import_twin_file", crash)
    job = queued_job(TUM, user=staff)

    run_twin_import.delay(job.pk)

    job = fresh(job)
    assert job.status == TwinImportStatus.FAILED
    assert "RuntimeError" in job.error and "server log" in job.error


# --- Once only ----------------------------------------------------------------------------


def test_running_the_task_twice_imports_once(db, media, eager, staff, monkeypatch):
    calls = []
    real_import = twin_imports.import_twin_file

    def counted(**options):
        calls.append(options["path"])
        return real_import(**options)

    monkeypatch.setattr(twin_imports, "import_twin_file", counted)
    job = queued_job(DELFT, user=staff)

    assert run_twin_import.delay(job.pk).get() is True
    finished = fresh(job)
    assert run_twin_import.delay(job.pk).get() is False

    assert len(calls) == 1
    job = fresh(job)
    assert (job.status, job.finished_at, job.summary) == (TwinImportStatus.DONE, finished.finished_at, finished.summary)
    assert sum(job.summary["created"].values()) == 570


def test_a_running_job_is_not_started_again(db, media, eager, staff):
    job = queued_job(TUM, user=staff)
    TwinImportJob.objects.filter(pk=job.pk).update(status=TwinImportStatus.RUNNING)

    assert run_twin_import.delay(job.pk).get() is False
    assert not TwinFeature.objects.exists()
    assert fresh(job).status == TwinImportStatus.RUNNING


def test_a_job_whose_worker_stopped_beating_is_taken_over(db, media, eager, staff, settings):
    job = queued_job(DELFT, user=staff)
    silent = timezone.now() - timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
    TwinImportJob.objects.filter(pk=job.pk).update(
        status=TwinImportStatus.RUNNING, attempts=1, heartbeat_at=silent, progress_done=100
    )

    assert run_twin_import.delay(job.pk).get() is True

    job = fresh(job)
    assert (job.status, job.attempts, job.progress_done) == (TwinImportStatus.DONE, 2, 570), job.error
    assert TwinFeature.objects.filter(source="delft.city.json").count() == 570


def test_a_job_within_its_lease_is_busy_until_the_lease_runs_out(db, media, staff, settings):
    settings.JOB_LEASE_SECONDS = 60
    job = queued_job(TUM, user=staff)
    beat = timezone.now() - timedelta(seconds=20)
    TwinImportJob.objects.filter(pk=job.pk).update(status=TwinImportStatus.RUNNING, attempts=1, heartbeat_at=beat)

    busy = twin_imports.run_twin_import_job(job_id=job.pk)

    assert isinstance(busy, jobs.Busy) and 38 <= busy.seconds <= 40
    assert fresh(job).attempts == 1 and not TwinFeature.objects.exists()


def test_a_job_interrupted_again_and_again_fails_instead_of_running_forever(db, media, eager, staff, settings):
    job = queued_job(TUM, user=staff, language="de")
    silent = timezone.now() - timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
    TwinImportJob.objects.filter(pk=job.pk).update(
        status=TwinImportStatus.RUNNING, attempts=jobs.MAX_ATTEMPTS, heartbeat_at=silent
    )

    assert run_twin_import.delay(job.pk).get() is False

    job = fresh(job)
    assert job.status == TwinImportStatus.FAILED and job.error.startswith("Der Import wurde 3-mal unterbrochen")
    assert not TwinFeature.objects.exists()


# --- The mail to whoever started the import ---------------------------------------------------


def test_the_starter_gets_one_mail_however_often_the_task_runs(db, media, eager, staff, mailoutbox, settings):
    job = queued_job(DELFT, user=staff, language="en")

    run_twin_import.delay(job.pk)
    run_twin_import.delay(job.pk)  # a second delivery of the message

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["staff@example.org"]
    site = f"{settings.SITE_NAME} {settings.CITY_NAME}"  # the site's name, as in its header
    assert mail.subject == f"{site}: the twin import of “delft.city.json” is done"
    assert "570 objects created, 0 updated, 0 skipped, 0 removed" in mail.body
    assert f"{settings.BASE_URL}/admin/twin-import/{job.pk}/" in mail.body
    assert fresh(job).mail_sent_at is not None


def test_a_failed_import_is_mailed_in_the_starters_language(db, media, eager, staff, mailoutbox, tmp_path):
    data = files.geojson(files.street("s1", "A"), files.street("s1", "B", 0.01))
    job = queued_job(files.write(tmp_path, "twice.geojson", data), user=staff, language="de")

    run_twin_import.delay(job.pk)

    (mail,) = mailoutbox
    assert mail.subject.endswith(": Der Import von „twice.geojson“ ist fehlgeschlagen")
    assert "Objekt „s1“ kommt zweimal in der Datei vor." in mail.body


def test_no_mail_without_an_address(db, media, eager, mailoutbox):
    nobody = factories.UserFactory(username="nomail", email="", is_staff=True)
    run_twin_import.delay(queued_job(TUM, user=nobody).pk)
    run_twin_import.delay(queued_job(TUM, user=None).pk)

    assert mailoutbox == []


def test_an_unknown_job_is_nothing_to_do(db, eager):
    assert run_twin_import.delay(987654).get() is False


def test_a_storage_without_local_paths_gets_a_temporary_copy(db, settings, eager, staff):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    job = queued_job(DELFT, user=staff)

    run_twin_import.delay(job.pk)

    assert fresh(job).status == TwinImportStatus.DONE, fresh(job).error
    assert TwinFeature.objects.count() == 570


# --- The whole path in this process -------------------------------------------------------


def test_upload_to_summary_in_process(db, media, eager, staff, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("delft.city.json", DELFT.read_bytes())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = twin_imports.start_twin_import(user=staff, upload=upload, source="Delft")

    # The job queued on commit; run at once (eager), its import then told the base map the twin changed.
    assert len(callbacks) == 2
    job = fresh(job)
    assert job.status == TwinImportStatus.DONE and job.progress_done == 570
    assert job.file.name.startswith("twin-imports/") and job.file.name.endswith("/delft.city.json")
    assert (media / job.file.name).read_bytes() == DELFT.read_bytes()
    assert TwinFeature.objects.filter(source="Delft").count() == 570


# --- A real worker on Redis -----------------------------------------------------------------


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_a_celery_worker_runs_the_import(media, tmp_path, staff):
    with celery_worker(media, tmp_path) as (worker, log):
        started = time.monotonic()
        with transaction.atomic():  # as a view would: queued when the job row is committed
            job = twin_imports.start_twin_import(
                user=staff, upload=SimpleUploadedFile("delft.city.json", DELFT.read_bytes())
            )
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = fresh(job)
            seen.append((job.status, job.progress_done))
            if job.is_finished:
                break
            assert worker.poll() is None, log.read_text()
            time.sleep(0.1)
        seconds = time.monotonic() - started

    assert job.status == TwinImportStatus.DONE, (job.error, log.read_text())
    assert job.progress_done == job.progress_total == 570
    assert sum(job.summary["created"].values()) == 570
    assert TwinFeature.objects.filter(source="delft.city.json").count() == 570
    assert "Traceback" not in log.read_text(), log.read_text()
    running = sorted({done for status, done in seen if status == TwinImportStatus.RUNNING})
    print(
        f"worker: upload to done {seconds:.2f} s, task {(job.finished_at - job.started_at).total_seconds():.2f} s, "
        f"importer {job.summary['seconds']} s; progress seen while running: {running}"
    )


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(240)
def test_a_worker_killed_mid_import_hands_the_job_to_the_next_which_finishes_it_and_mails_once(media, tmp_path, staff):
    """SIGKILL, not a shutdown: the message is unacknowledged (acks late) and the job row says "running".

    The second worker gets the message again once the visibility timeout has passed, finds the job's heartbeat
    older than its lease and imports the file afresh; the first import's transaction died with its worker.
    """
    require_postgresql()  # the heartbeat needs a second writer beside the import; SQLite has one
    redis_url = require_redis()
    queue = f"twin-kill-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = worker_env(
        media,
        tmp_path,
        redis_url,
        CELERY_VISIBILITY_TIMEOUT="4",
        JOB_LEASE_SECONDS="3",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    big = tmp_path / "tile.gml"
    buildings = write_synthetic_citygml(big, target_bytes=24 * 1024 * 1024)  # an import of some seconds
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    workers = []
    try:
        conf.task_always_eager, conf.broker_url, conf.task_default_queue = False, redis_url, queue
        with logs[0].open("w") as log_file:
            workers.append(start_worker(queue, env, log_file, name=f"{queue}-1"))
        wait_until_ready(workers[0], f"{queue}-1@{socket.gethostname()}", logs[0])
        with transaction.atomic():
            job = twin_imports.start_twin_import(
                user=staff, upload=SimpleUploadedFile("tile.gml", big.read_bytes()), source="Kill"
            )
        job = wait_for(job, lambda j: j.status == TwinImportStatus.RUNNING and j.progress_done > 0, logs[0])
        workers[0].kill()  # SIGKILL: no shutdown, no ack, no rollback but the database's own
        workers[0].wait(timeout=10)
        killed = time.monotonic()
        at_kill = fresh(job)
        time.sleep(0.5)
        assert fresh(job).status == TwinImportStatus.RUNNING and not TwinFeature.objects.filter(source="Kill").exists()

        with logs[1].open("w") as log_file:
            workers.append(start_worker(queue, env, log_file, name=f"{queue}-2"))
        job = wait_for(job, lambda j: j.attempts == 2, logs[1])
        taken_over = time.monotonic() - killed
        job = wait_for(job, lambda j: j.is_finished and j.mail_sent_at is not None, logs[1])
        finished = time.monotonic() - killed
        time.sleep(1)  # a duplicate delivery, if any, would send its mail now
    finally:
        conf.task_always_eager, conf.broker_url, conf.task_default_queue = before
        for worker in workers:
            stop(worker)

    job = fresh(job)
    assert job.status == TwinImportStatus.DONE, (job.error, logs[1].read_text())
    assert (job.attempts, job.progress_done) == (2, buildings)
    assert TwinFeature.objects.filter(source="Kill").count() == buildings
    assert TwinFeature.objects.filter(source="Kill").values("twin_id").distinct().count() == buildings
    mails = [line for path in mail_dir.iterdir() for line in path.read_text().splitlines() if line.startswith("To: ")]
    assert mails == ["To: staff@example.org"]
    assert "Traceback" not in logs[1].read_text(), logs[1].read_text()
    print(
        f"killed at {at_kill.progress_done}/{at_kill.progress_total} objects; taken over after {taken_over:.1f} s "
        f"(visibility timeout 4 s, lease 3 s); done {finished:.1f} s after the kill; mails: {len(mails)}"
    )


def wait_for(job: TwinImportJob, condition, log: Path, timeout: float = 90) -> TwinImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = fresh(job)
        if condition(job):
            return job
        time.sleep(0.05)
    raise AssertionError(
        f"job {job.pk} stayed {job.status} ({job.progress_done}, attempt {job.attempts}): {log.read_text()}"
    )


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_a_delivery_while_the_lease_holds_asks_again_later_and_then_takes_the_job_over(media, tmp_path, staff):
    """What a requeued message meets when a worker process died a moment ago (task_reject_on_worker_lost):
    the job is "running" with a fresh heartbeat. The task asks again when the lease would run out (a retry
    with a countdown), and then imports."""
    require_postgresql()
    redis_url = require_redis()
    queue = f"twin-busy-{uuid.uuid4().hex[:8]}"
    env = worker_env(media, tmp_path, redis_url, JOB_LEASE_SECONDS="3")
    job = queued_job(DELFT, user=staff)
    log = tmp_path / "worker.log"
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    with log.open("w") as log_file:
        worker = start_worker(queue, env, log_file)
        try:
            conf.task_always_eager, conf.broker_url, conf.task_default_queue = False, redis_url, queue
            wait_until_ready(worker, f"{queue}@{socket.gethostname()}", log)
            TwinImportJob.objects.filter(pk=job.pk).update(  # a worker claimed it a moment ago
                status=TwinImportStatus.RUNNING, attempts=1, started_at=timezone.now(), heartbeat_at=timezone.now()
            )
            sent = time.monotonic()
            run_twin_import.delay(job.pk)
            job = wait_for(job, lambda j: j.is_finished, log)
            seconds = time.monotonic() - sent
        finally:
            conf.task_always_eager, conf.broker_url, conf.task_default_queue = before
            stop(worker)

    assert (job.status, job.attempts) == (TwinImportStatus.DONE, 2), (job.error, log.read_text())
    assert TwinFeature.objects.filter(source="delft.city.json").count() == 570
    assert seconds >= 2.5  # it waited for the lease (3 s), not imported at once
    assert "Traceback" not in log.read_text(), log.read_text()
    print(f"busy job: retried, taken over and done {seconds:.1f} s after the delivery (lease 3 s)")


EXPORTED_CONTRIBUTIONS = 10_000


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(240)
def test_a_celery_worker_runs_an_export_and_the_admin_page_follows_it_to_the_download(media, tmp_path):
    """The admin's form queues the export, the worker writes it, and the job's page (its status JSON, which
    job-progress.js polls) shows the progress until it offers the download: an XLSX of every contribution."""
    consultation = factories.consultation("vote", slug="gross")
    factories.bulk_comments(consultation, EXPORTED_CONTRIBUTIONS)
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(factories.presenter("moderator"))

    with celery_worker(media, tmp_path) as (worker, log):
        started = time.monotonic()
        response = admin.post(f"/admin/exports/{consultation.pk}/", {"format": "xlsx"})
        assert response.status_code == 302
        job_page = response.url
        assert admin.get(job_page).status_code == 200
        seen = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            status = admin.get(job_page + "status/").json()
            seen.append((status["status"], status["done"], status["total"]))
            if status["finished"]:
                break
            assert worker.poll() is None, log.read_text()
            time.sleep(0.2)
        seconds = time.monotonic() - started

    assert status["status"] == "done", (status, log.read_text())
    assert status["done"] == status["total"] == EXPORTED_CONTRIBUTIONS
    assert status["progress_text"] == f"{EXPORTED_CONTRIBUTIONS} of {EXPORTED_CONTRIBUTIONS} rows (100 %)."
    done = [done for _status, done, _total in seen]
    assert done == sorted(done)  # the bar only moves forward
    html = admin.get(job_page).content.decode()
    assert 'data-finished="true"' in html and "The export is ready" in html
    download = admin.get(job_page + "download/")
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert sum(1 for _row in workbook["Contributions"].iter_rows(values_only=True)) == 1 + EXPORTED_CONTRIBUTIONS
    assert "Traceback" not in log.read_text(), log.read_text()
    running = sorted({done for state, done, _total in seen if state == "running"})
    print(f"worker export of {EXPORTED_CONTRIBUTIONS} contributions: {seconds:.2f} s; progress seen: {running}")
