"""A real Celery worker on Redis for a test: started in a process of its own, taking only the test's queue."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from forum.celery import app as celery_app
from tests.support.needs import require_redis
from tests.support.server import ROOT, database_url


def wait_until_ready(worker: subprocess.Popen, name: str, log: Path, timeout: float = 60) -> None:
    """Until the worker answers a ping: a message sent then is taken at once, not left waiting in Redis
    (where another test run on the same Redis database may clear it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert worker.poll() is None, log.read_text()
        if celery_app.control.ping(destination=[name], timeout=0.5):
            return
    raise AssertionError(f"the worker did not answer within {timeout} s: {log.read_text()}")


def start_worker(queue: str, env: dict, log_file, name: str = "") -> subprocess.Popen:
    """A Celery worker (one process, the solo pool) that takes only ``queue``'s messages."""
    command = [sys.executable, "-m", "celery", "-A", "forum", "worker", "--pool=solo", "-c", "1"]
    command += ["--loglevel=WARNING", "-Q", queue, "-n", f"{name or queue}@%h", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def worker_env(media: Path, tmp_path: Path, redis_url: str, **more: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "MEDIA_ROOT": str(media),
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        **more,
    }


@contextmanager
def celery_worker(media: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A real Celery worker on Redis, in a process of its own, taking only this test's queue; this process
    sends its tasks there meanwhile (not eagerly). Skipped without REDIS_URL."""
    redis_url = require_redis()
    queue = f"worker-test-{uuid.uuid4().hex[:8]}"  # this test's worker takes only this test's messages
    log = tmp_path / "worker.log"
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    with log.open("w") as log_file:
        worker = start_worker(queue, worker_env(media, tmp_path, redis_url), log_file)
        try:
            conf.task_always_eager, conf.broker_url, conf.task_default_queue = False, redis_url, queue
            wait_until_ready(worker, f"{queue}@{socket.gethostname()}", log)
            yield worker, log
        finally:
            conf.task_always_eager, conf.broker_url, conf.task_default_queue = before
            stop(worker)
