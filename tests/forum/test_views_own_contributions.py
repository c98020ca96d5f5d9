"""The account area: "My account" with its sections and the public name; "My contributions and votes" with each
contribution's state, editing within the minutes after posting, withdrawing; the public name wherever a contribution
is shown and the e-mail address nowhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.account_adapter import AccountAdapter
from participation import services
from participation.models import Contribution, ContributionRevision, ModerationState
from tests.support import factories

EMAIL = "anna.schmidt@example.org"


@pytest.fixture
def anna(db):
    return factories.CitizenFactory(username="Anna_S", email=EMAIL)


@pytest.fixture
def consultation(db):
    return factories.consultation("vote")


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_my_account_brings_the_sections_together(anna):
    response = _client(anna, "de").get("/accounts/")

    assert response.status_code == 200
    page = response.content.decode()
    for heading in (
        "Öffentlicher Name",
        "E-Mail-Adressen",
        "Passwort",
        "Meine Beiträge und Stimmen",
        "Meine Daten herunterladen",
        "Konto löschen",
    ):
        assert f">{heading}</h2>" in page
    for link in ("/accounts/email/", "/accounts/password/change/", "/accounts/contributions/", "/accounts/data/"):
        assert f'href="{link}"' in page
    assert 'value="Anna_S"' in page and EMAIL in page  # her own address, to her alone


def test_my_account_is_for_logged_in_people_only(db):
    response = Client().get("/accounts/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_public_name_is_changed_and_shown_with_the_contributions_never_the_address(anna, consultation):
    services.post_contribution(author=anna, consultation=consultation, text="Mehr Bänke", **factories.INSIDE)
    client = _client(anna)

    response = client.post("/accounts/", {"public_name": "Bankfreundin"})

    assert (response.status_code, response.url) == (302, "/accounts/")
    anna.refresh_from_db()
    assert anna.username == "Bankfreundin"
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = visitor.get(consultation.url).content.decode()
    assert "<strong>Bankfreundin</strong>" in page
    # The open data carry neither: what is reused anywhere holds nothing personal (test_api says so too).
    api = visitor.get(f"/api/v1/contributions/?consultation={consultation.pk}").content.decode()
    ogc = visitor.get("/api/ogc/collections/contributions/items").content.decode()
    assert "Mehr Bänke" in api and "Mehr Bänke" in ogc
    assert "Bankfreundin" not in api and "Bankfreundin" not in ogc
    for public in (page, api, ogc):
        assert EMAIL not in public and "anna.schmidt" not in public


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("anna@example.org", "Please do not use an e-mail address as your public name."),
        ("bernd", "This public name is taken. Please choose another."),
        ("BERND", "This public name is taken. Please choose another."),
        ("Anna Schmidt", "Enter a valid username."),
        ("", "This field is required."),
    ],
)
def test_a_public_name_is_checked(anna, name, message):
    factories.CitizenFactory(username="bernd")

    response = _client(anna).post("/accounts/", {"public_name": name})

    assert response.status_code == 400
    assert message in response.content.decode()
    anna.refresh_from_db()
    assert anna.username == "Anna_S"


def test_sign_up_refuses_an_address_as_public_name(db):
    with pytest.raises(ValidationError):
        AccountAdapter().clean_username("anna@example.org")


# --- my contributions and votes ---------------------------------------------------------------------------


def _states(consultation, anna, moderator):
    published = services.post_contribution(author=anna, consultation=consultation, text="Veröffentlicht")
    hidden = services.post_contribution(author=anna, consultation=consultation, text="Ausgeblendet")
    services.moderate_contribution(
        moderator=moderator, contribution=hidden, state=ModerationState.HIDDEN, reason="Beleidigung"
    )
    withdrawn = services.post_contribution(author=anna, consultation=consultation, text="Zurückgezogen")
    services.withdraw_contribution(author=anna, contribution=withdrawn)
    premoderated = factories.consultation("participate", moderation_mode="pre", slug="vorab")
    waiting = services.post_contribution(author=anna, consultation=premoderated, text="Wartet")
    return {"published": published, "hidden": hidden, "withdrawn": withdrawn, "waiting": waiting}


def _item(page: str, pk: int) -> str:
    return page.split(f'id="own-{pk}"', 1)[1].split("</li>", 1)[0]


def test_my_contributions_show_their_state_and_what_may_be_done(anna, consultation):
    mine = _states(consultation, anna, factories.moderator())
    proposal = factories.proposal(consultation, slug="baenke")
    services.cast_vote(voter=anna, proposal=proposal, choice="support")
    factories.comment(consultation, author=factories.CitizenFactory(), text="Von jemand anderem")

    response = _client(anna).get("/accounts/contributions/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Von jemand anderem" not in page
    published = _item(page, mine["published"].pk)
    assert "Published" in published
    assert f'<span lang="de">{consultation.title}</span>' in published  # the staff's German in an English page
    assert f'href="{consultation.url}#comment-{mine["published"].pk}"' in published
    assert f"/accounts/contributions/{mine['published'].pk}/edit/" in published
    assert f"/accounts/contributions/{mine['published'].pk}/withdraw/" in published
    assert "Hidden by moderation" in _item(page, mine["hidden"].pk)
    assert "/edit/" not in _item(page, mine["hidden"].pk)
    withdrawn = _item(page, mine["withdrawn"].pk)
    assert "Withdrawn" in withdrawn and "/withdraw/" not in withdrawn and "/edit/" not in withdrawn
    assert "Waiting for review" in _item(page, mine["waiting"].pk)
    votes = page.split('id="own-votes-heading"', 1)[1]
    assert proposal.title in votes and "support" in votes.lower()


def test_my_contributions_take_a_fixed_number_of_queries_whatever_the_page_holds(anna, consultation):
    factories.bulk_comments(consultation, 2, author=anna)
    client = _client(anna)
    client.get("/accounts/contributions/")  # the site's root paths into the cache, the session read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/contributions/").status_code == 200
        return len(captured)

    few = queries()
    proposal = factories.proposal(consultation, slug="viele")
    factories.bulk_comments(consultation, 45, author=anna, proposal=proposal, replies_every=5)
    services.cast_vote(voter=anna, proposal=proposal, choice="oppose")
    many = queries()

    # The session and the account, the count and a page of contributions (with page, proposal and answer), the
    # confirmed address (the edit rule, once), the votes (with their proposals), Wagtail's site for the links...
    assert few == many == 11  # ... and not one more for 20 contributions on the page than for 2
    page = client.get("/accounts/contributions/?page=3").content.decode()
    assert "Page 3 of 4" in page  # 65 of hers: 47 comments and 18 replies


def test_the_author_edits_on_the_site_and_the_page_says_so(anna, consultation):
    comment = services.post_contribution(author=anna, consultation=consultation, text="Mehr Bänke")
    client = _client(anna, "de")

    form = client.get(f"/accounts/contributions/{comment.pk}/edit/")
    assert form.status_code == 200 and "Mehr Bänke</textarea>" in form.content.decode()
    response = client.post(f"/accounts/contributions/{comment.pk}/edit/", {"text": "Mehr Bänke und Bäume"})

    assert (response.status_code, response.url) == (302, "/accounts/contributions/")
    assert ContributionRevision.objects.get(contribution=comment).text == "Mehr Bänke"
    page = Client(HTTP_ACCEPT_LANGUAGE="de").get(consultation.url).content.decode()
    assert "Mehr Bänke und Bäume" in page
    marker = page.split('class="comment__edited"', 1)[1].split("</span>", 1)[0]
    edited = Contribution.objects.get(pk=comment.pk).edited_at
    assert "bearbeitet" in marker and f'datetime="{timezone.localtime(edited).isoformat()}"' in marker


def test_after_the_minutes_the_site_refuses_the_edit_clearly(anna, consultation, monkeypatch):
    comment = services.post_contribution(author=anna, consultation=consultation, text="Mehr Bänke")
    later = comment.created_at + dt.timedelta(minutes=15)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client = _client(anna)
    message = "A contribution can be changed only within 15 minutes of posting. You can still withdraw it."

    form = client.get(f"/accounts/contributions/{comment.pk}/edit/")
    sent = client.post(f"/accounts/contributions/{comment.pk}/edit/", {"text": "Zu spät"})

    assert form.status_code == sent.status_code == 400
    assert message in form.content.decode() and message in sent.content.decode()
    assert Contribution.objects.get(pk=comment.pk).text == "Mehr Bänke"
    assert f"/accounts/contributions/{comment.pk}/edit/" not in client.get("/accounts/contributions/").content.decode()


def test_an_empty_text_is_refused_with_the_form(anna, consultation):
    comment = services.post_contribution(author=anna, consultation=consultation, text="Mehr Bänke")
    response = _client(anna).post(f"/accounts/contributions/{comment.pk}/edit/", {"text": "   "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Contribution.objects.get(pk=comment.pk).text == "Mehr Bänke"


def test_nobody_else_edits_or_withdraws_it_on_the_site(anna, consultation):
    comment = services.post_contribution(author=anna, consultation=consultation, text="Mehr Bänke")
    other = _client(factories.CitizenFactory())
    message = "Only its author can change or withdraw a contribution."

    for response in (
        other.get(f"/accounts/contributions/{comment.pk}/edit/"),
        other.post(f"/accounts/contributions/{comment.pk}/edit/", {"text": "Fremd"}),
        other.get(f"/accounts/contributions/{comment.pk}/withdraw/"),
        other.post(f"/accounts/contributions/{comment.pk}/withdraw/"),
    ):
        assert response.status_code == 403 and message in response.content.decode()
    comment.refresh_from_db()
    assert (comment.text, comment.deleted_at) == ("Mehr Bänke", None)
    assert other.get("/accounts/contributions/999999/edit/").status_code == 404


def test_the_author_withdraws_on_the_site(anna, consultation):
    comment = services.post_contribution(author=anna, consultation=consultation, text="Mehr Bänke")
    client = _client(anna)

    assert client.get(f"/accounts/contributions/{comment.pk}/withdraw/").status_code == 200
    response = client.post(f"/accounts/contributions/{comment.pk}/withdraw/")

    assert (response.status_code, response.url) == (302, "/accounts/contributions/")
    assert Contribution.objects.get(pk=comment.pk).deleted_at is not None
    assert "Mehr Bänke" not in Client().get(consultation.url).content.decode()


def test_edits_and_withdrawals_are_rate_limited(anna, consultation, settings):
    settings.RATELIMIT_OWN_CONTRIBUTIONS = "2/m"
    comment = services.post_contribution(author=anna, consultation=consultation, text="Mehr Bänke")
    client = _client(anna)
    statuses = [
        client.post(f"/accounts/contributions/{comment.pk}/edit/", {"text": f"Fassung {n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
