"""forum.database_errors: a request that found the database unreachable is answered 503 with Retry-After and a
message in the user's language, as JSON for the API and for scripts, as a page otherwise; never a 500.
(tests/participation/test_faults_database.py restarts a real PostgreSQL under a real server.)"""

import json
import sys

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.test import RequestFactory
from django.utils import translation

from forum.database_errors import RETRY_AFTER, DatabaseUnavailable
from forum.views import server_error

GERMAN = "Die Datenbank ist gerade nicht erreichbar, deshalb wurde nichts gespeichert."
ENGLISH = "The database cannot be reached just now, so nothing was saved."


def answer(path: str, *, accept: str = "text/html", language: str = "de", error=None):
    request = RequestFactory().post(path, HTTP_ACCEPT=accept)
    with translation.override(language):
        return DatabaseUnavailable(lambda r: None).process_exception(request, error or OperationalError("gone"))


def test_the_api_is_answered_503_in_json_with_retry_after():
    response = answer("/api/v1/proposals/1/vote/", accept="*/*")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER)
    assert json.loads(response.content)["detail"].startswith(GERMAN)


def test_a_script_asking_for_json_gets_json_in_its_language():
    response = answer("/live/ABC123/answer/", accept="application/json", language="en")
    assert response.status_code == 503 and json.loads(response.content)["detail"].startswith(ENGLISH)


def test_a_browser_gets_a_page_in_its_language_that_needs_no_database():
    response = answer("/consultation-1/", language="en", error=InterfaceError("connection already closed"))
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER)
    page = response.content.decode()
    assert '<html lang="en">' in page and ENGLISH in page


def test_the_ogc_api_answers_an_ogc_exception():
    response = answer("/api/ogc/collections/")
    assert response.status_code == 503 and json.loads(response.content)["code"] == "ServiceUnavailable"


def test_other_errors_are_left_to_the_500_page():
    assert answer("/api/v1/proposals/", error=ProgrammingError("a bug")) is None


@pytest.mark.django_db
def test_an_unreachable_database_found_before_the_view_is_a_503_too():
    # handler500 runs inside the handling of the exception (a middleware reading the session found no database).
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER)
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
