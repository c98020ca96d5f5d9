"""Reporting on the site ("Report" beside each comment, a small form page) and on the JSON API
(POST /api/v1/contributions/{id}/flags/); and a hidden contribution's reason, shown to its author alone."""

import pytest
from django.test import Client

from participation import services
from participation.models import Flag, ModerationState
from tests.support import factories
from tests.support.api import API, api_client, post_json


@pytest.fixture
def comment(participating_consultation):
    return factories.comment(participating_consultation, text="Alles Quatsch hier", author=factories.CitizenFactory())


def _client(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def test_every_comment_has_a_report_link_to_a_form_page(comment, participating_consultation):
    page = _client().get(participating_consultation.url).content.decode()
    assert f'href="/contributions/{comment.pk}/report/"' in page

    form = _client(factories.CitizenFactory()).get(f"/contributions/{comment.pk}/report/")
    html = form.content.decode()
    assert form.status_code == 200
    assert "Alles Quatsch hier" in html
    assert "<legend>Why should moderators look at it?</legend>" in html
    assert 'type="radio" name="reason" value="insult"' in html
    assert '<label for="id_note">' in html


def test_a_citizen_reports_on_the_site_and_lands_at_the_comment(citizen, comment, participating_consultation):
    client = _client(citizen)
    response = client.post(f"/contributions/{comment.pk}/report/", {"reason": "insult", "note": "Ton"})

    assert response.status_code == 302
    assert response.url == f"{participating_consultation.url}#comment-{comment.pk}"
    assert Flag.objects.get().note == "Ton"

    again = client.post(f"/contributions/{comment.pk}/report/", {"reason": "spam"})
    assert again.status_code == 409
    assert "You have already reported this contribution" in again.content.decode()
    assert Flag.objects.count() == 1


def test_a_visitor_is_asked_to_log_in(comment):
    page = _client().get(f"/contributions/{comment.pk}/report/").content.decode()
    assert 'please <a href="/accounts/login/?next=/contributions/' in page
    response = _client().post(f"/contributions/{comment.pk}/report/", {"reason": "spam"})
    assert response.status_code == 403
    assert not Flag.objects.exists()


def test_a_report_without_a_reason_is_refused_with_a_message(citizen, comment):
    response = _client(citizen).post(f"/contributions/{comment.pk}/report/", {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_reports_on_the_site_are_rate_limited(citizen, participating_consultation, settings):
    settings.RATELIMIT_FLAGS = "2/d"
    comments = [factories.comment(participating_consultation, text=f"Text {n}") for n in range(3)]
    client = _client(citizen)
    statuses = [client.post(f"/contributions/{c.pk}/report/", {"reason": "spam"}).status_code for c in comments]
    assert statuses == [302, 302, 429]
    assert Flag.objects.count() == 2


def test_hidden_and_unknown_contributions_have_no_report_page(comment, participating_consultation):
    hidden = factories.comment(participating_consultation, moderation_state=ModerationState.HIDDEN)
    assert _client().get(f"/contributions/{hidden.pk}/report/").status_code == 404
    assert _client().get("/contributions/999999999/report/").status_code == 404


# --- the API -----------------------------------------------------------------------------------------------


def test_the_api_takes_a_report(citizen, comment):
    response = post_json(api_client(citizen), f"{API}/contributions/{comment.pk}/flags/", {"reason": "spam"})
    assert response.status_code == 201
    assert response.json()["reason"] == "spam"
    assert Flag.objects.get().user == citizen


def test_the_api_says_409_to_a_second_report(citizen, comment):
    client = api_client(citizen)
    post_json(client, f"{API}/contributions/{comment.pk}/flags/", {"reason": "spam"})
    again = post_json(client, f"{API}/contributions/{comment.pk}/flags/", {"reason": "other"})
    assert again.status_code == 409
    assert "already reported" in again.json()["detail"]


def test_the_api_refuses_visitors_unknown_reasons_and_hidden_contributions(
    citizen, comment, participating_consultation
):
    assert post_json(api_client(), f"{API}/contributions/{comment.pk}/flags/", {"reason": "spam"}).status_code == 401
    bad = post_json(api_client(citizen), f"{API}/contributions/{comment.pk}/flags/", {"reason": "boring"})
    assert bad.status_code == 400 and "reason" in bad.json()
    hidden = factories.comment(participating_consultation, moderation_state=ModerationState.HIDDEN)
    assert (
        post_json(api_client(citizen), f"{API}/contributions/{hidden.pk}/flags/", {"reason": "spam"}).status_code == 404
    )
    assert not Flag.objects.exists()


def test_the_api_rate_limits_reports(citizen, participating_consultation, settings):
    settings.RATELIMIT_FLAGS = "1/d"
    first, second = (factories.comment(participating_consultation, text=f"T{n}") for n in range(2))
    client = api_client(citizen)
    assert post_json(client, f"{API}/contributions/{first.pk}/flags/", {"reason": "spam"}).status_code == 201
    limited = post_json(client, f"{API}/contributions/{second.pk}/flags/", {"reason": "spam"})
    assert limited.status_code == 429 and limited.has_header("Retry-After")


def test_the_schema_documents_the_flag_endpoint():
    schema = Client().get(f"{API}/schema/", headers={"accept": "application/json"}).json()
    operation = schema["paths"]["/api/v1/contributions/{id}/flags/"]["post"]
    assert {"201", "400", "401", "404", "409", "429"} <= set(operation["responses"])


# --- the reason, shown to the author alone -----------------------------------------------------------------


def test_the_author_alone_sees_why_their_comment_was_hidden(participating_consultation):
    author, other = factories.CitizenFactory(), factories.CitizenFactory()
    comment = factories.comment(participating_consultation, text="Mein Beitrag", author=author)
    services.moderate_contribution(
        moderator=factories.moderator(), contribution=comment, state=ModerationState.HIDDEN, reason="Beleidigung"
    )

    own = _client(author).get(participating_consultation.url).content.decode()
    assert "Your comments hidden by moderation" in own
    assert "Mein Beitrag" in own and "Beleidigung" in own

    for client in (_client(other), _client()):
        page = client.get(participating_consultation.url).content.decode()
        assert "Mein Beitrag" not in page and "Beleidigung" not in page


def test_the_author_sees_a_comment_the_automatic_check_holds(participating_consultation):
    author = factories.CitizenFactory()
    factories.comment(
        participating_consultation, text="Gehalten zur Prüfung", author=author, moderation_state=ModerationState.PENDING
    )
    own = _client(author).get(participating_consultation.url).content.decode()
    assert "Gehalten zur Prüfung" in own and "Waiting for review" in own
    assert "Gehalten zur Prüfung" not in _client().get(participating_consultation.url).content.decode()
