"""Fixtures of the participation tests (tests/participation/ and its twin/ and ogc/ folders)."""

import pytest

from tests.support import factories


@pytest.fixture
def unverified_user(db):
    return factories.UserFactory()


@pytest.fixture
def moderator(db):
    return factories.moderator()


@pytest.fixture
def english():
    """Messages in English, whatever the default language: for tests that read what users are told."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def eager():
    """Tasks run in this process, also in a run whose settings send them to Redis."""
    from forum.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
