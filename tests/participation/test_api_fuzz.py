"""schemathesis over the JSON API's OpenAPI schema (/api/v1/schema/) and the OGC API's definition
(/api/ogc/api): generated requests, valid and invalid, anonymous and logged in, against the real
application and database. No answer is a 5xx; every status code, content type and body is the one the
schema documents. The number of cases tried per surface is reported at the end of the run."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from participation import services
from tests.support import factories
from tests.support.factories import box
from tests.support.results import finish

# Examples per operation and generation mode: bounded to keep each surface well under a minute per engine.
EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CASES: dict[str, Counter] = {}  # per surface: how many answers with each status


@pytest.fixture(autouse=True)
def _one_transaction():
    """The requests go straight to Django's WSGI handler, as a server's would: like Django's test client,
    keep it from closing the test's database connection (and transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    """Rate limits far away: the cases should reach validation and the services, not only the 429."""
    settings.RATELIMIT_VOTES = settings.RATELIMIT_CONTRIBUTIONS = "100000/m"
    settings.RATELIMIT_ROOM = settings.RATELIMIT_ROOM_DEVICE = "100000/m"


@pytest.fixture
def data(voting_consultation, citizen, media) -> dict[str, dict]:
    """Something to find: a consultation with an area, a proposal, a comment, a twin object and a room, and a
    finished one with its open data download (a consultation's ``open_data_url`` set); the path parameters
    (by the path's first segment) that name them, for the valid cases."""
    finished = finish(factories.consultation(phase="vote", title="Beendet"))
    services.build_open_data(consultation_id=finished.pk)
    consultation = factories.consultation(phase="participate", area=box(11.0, 48.0, 11.2, 48.2))
    proposal = factories.proposal(voting_consultation)
    factories.comment(consultation, author=citizen)
    feature = factories.twin_feature()
    room = factories.room(voting_consultation)
    return {
        "consultations": {"id": consultation.pk},
        "proposals": {"id": proposal.pk},
        "twin-features": {"id": feature.pk},
        "rooms": {"code": room.code},
    }


def _known(data: dict, path: str) -> dict | None:
    """The path parameters naming an existing object on ``path`` (/api/v1/proposals/{id}/vote/)."""
    if "{" not in path:
        return None
    segment = path.removeprefix("/api/v1/").split("/")[0]
    return data.get(segment)


def _report(capsys, surface: str) -> None:
    with capsys.disabled():  # in the run's output whatever the capture: the closing note cites these counts
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(CASES[surface].items()))
        total = CASES[surface].total()
        print(f"\nschemathesis: {total} cases on {surface}: no 5xx, all as documented ({statuses})")


def _fuzz(capsys, schema, surface: str, *, data: dict, headers=None, cookies=None) -> None:
    CASES[surface] = Counter()
    for found in schema.get_all_operations():
        operation = found.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            known = _known(data, operation.path) if mode is GenerationMode.POSITIVE else None

            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=known))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                response = case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)
                CASES[surface][response.status_code] += 1

            try:
                check()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing in it can be invalid (no parameters, no body)
    _report(capsys, surface)


def _logged_in(user) -> tuple[dict, dict]:
    client = Client()
    client.force_login(user)
    token = "a" * 32
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return {"X-CSRFToken": token, "Accept-Language": "en"}, cookies


def test_the_json_api_anonymous(capsys, data):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    _fuzz(capsys, schema, "/api/v1/ (anonymous)", data=data, headers={"Accept-Language": "en"})


def test_the_json_api_logged_in(capsys, data, citizen):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    headers, cookies = _logged_in(citizen)
    _fuzz(capsys, schema, "/api/v1/ (logged in)", data=data, headers=headers, cookies=cookies)


def test_the_ogc_api(capsys, data):
    schema = schemathesis.openapi.from_wsgi("/api/ogc/api?f=json", WSGIHandler())
    _fuzz(capsys, schema, "/api/ogc/ (anonymous)", data={}, headers={"Accept-Language": "en"})
