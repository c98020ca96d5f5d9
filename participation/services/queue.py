"""Queueing Celery tasks from services, by the task's registered name.

Services sit below the tasks (which call services), so they never import
``participation.tasks``; they name the task instead. A registered task keeps
its own ``apply_async`` (a message with a broker). Without a worker (Celery
eager, the embedded default) the task runs on a thread of its own, so the
request that queued it answers at once; the task's own records (a twin import
job's status and progress) say how far it got.
"""

from __future__ import annotations

import logging
import threading

from celery import current_app
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def queue_task(name: str, *args) -> None:
    """Send the task ``name`` with ``args``; raises kombu's OperationalError when the broker is down."""
    signature = current_app.signature(name, args=args)
    if current_app.conf.task_always_eager and settings.TASKS_IN_BACKGROUND_WITHOUT_WORKER:
        threading.Thread(target=_run_here, args=(signature,), name=f"task {name}", daemon=True).start()
        return
    signature.delay()


def _run_here(signature) -> None:
    try:
        signature.apply()
    except Exception:
        logger.exception("task %s failed", signature.task)
    finally:
        connections.close_all()  # this thread's own; nobody else would close them
