"""Queueing Celery tasks from services, by the task's registered name.

Services sit below the tasks (which call services), so they never import
``participation.tasks``; they name the task instead. A registered task keeps
its own ``apply_async`` (eager in-process without a broker, a message with one).
"""

from __future__ import annotations

from celery import current_app


def queue_task(name: str, *args) -> None:
    """Send the task ``name`` with ``args``; raises kombu's OperationalError when the broker is down."""
    current_app.signature(name, args=args).delay()
