"""The public pages: home, consultation and proposal; writing through their forms; query counts."""

import re
import secrets

import pytest
from django.core.cache import cache
from django.test import Client

from participation import services
from participation.models import Contribution, ModerationState, Vote
from tests.support import factories
from tests.support.factories import INSIDE, OUTSIDE
from tests.support.pages import browser, comment_form, queries_for, textarea_content


@pytest.fixture
def visitor(db):
    return browser()


@pytest.fixture
def as_citizen(citizen):
    return browser(citizen)


# --- reading --------------------------------------------------------------------------------


def test_home_lists_the_open_consultations(visitor, home):
    open_now = factories.consultation("participate", title="Ein Platz am Wasser")
    upcoming = factories.consultation("inform", title="Grüne Straßen")
    factories.consultation("evaluate", title="Längst vorbei")

    response = visitor.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ein Platz am Wasser" in content and "Grüne Straßen" in content
    assert "Längst vorbei" not in content
    assert f'href="{open_now.url}"' in content and f'href="{upcoming.url}"' in content


def test_home_says_so_when_nothing_is_open(visitor, home):
    assert "No consultation is open at the moment." in visitor.get("/").content.decode()


@pytest.mark.parametrize("who", ["visitor", "as_citizen"])
def test_consultation_page_shows_proposals_comments_and_map(request, who, participating_consultation, citizen):
    client = request.getfixturevalue(who)
    proposal = factories.proposal(participating_consultation, title="Bäume und Bänke")
    comment = factories.comment(participating_consultation, author=citizen, text="Schatten fehlt hier.")
    factories.comment(participating_consultation, parent=comment, text="Stimmt genau.")
    factories.comment(participating_consultation, text="Verborgen", moderation_state=ModerationState.HIDDEN)

    response = client.get(participating_consultation.url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Bäume und Bänke" in content and f'href="{proposal.url}"' in content
    assert "Schatten fehlt hier." in content and "Stimmt genau." in content
    assert "Verborgen" not in content
    assert 'id="map-config"' in content
    assert ('name="text"' in content) is (who == "as_citizen")


@pytest.mark.parametrize("who", ["visitor", "as_citizen"])
def test_proposal_page_shows_totals_and_its_comments(request, who, proposal, voting_consultation):
    client = request.getfixturevalue(who)
    Vote.objects.create(
        proposal=proposal, participant=factories.participant(factories.CitizenFactory()), choice="support"
    )
    factories.comment(voting_consultation, proposal=proposal, text="Zum Vorschlag")
    factories.comment(voting_consultation, text="Zum Verfahren allgemein")

    response = client.get(proposal.url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Zum Vorschlag" in content and "Zum Verfahren allgemein" not in content
    assert response.context["totals"] == {"support": 1, "oppose": 0, "abstain": 0}
    assert re.search(r"<strong>1</strong>", content)
    assert ('name="choice"' in content) is (who == "as_citizen")


def test_a_visitor_is_invited_to_log_in(visitor, proposal):
    content = visitor.get(proposal.url).content.decode()

    assert "/accounts/login/?next=" in content
    assert "Log in to vote." in content


def test_comments_are_paginated(visitor, participating_consultation):
    factories.bulk_comments(participating_consultation, 60)

    first = visitor.get(participating_consultation.url)
    second = visitor.get(participating_consultation.url, {"page": 2})

    assert [c.text for c in first.context["comments"]] == [f"Kommentar {n}" for n in range(50)]
    assert [c.text for c in second.context["comments"]] == [f"Kommentar {n}" for n in range(50, 60)]
    assert ">Kommentar 49<" in first.content.decode() and ">Kommentar 50<" not in first.content.decode()
    assert ">Kommentar 59<" in second.content.decode()


# --- writing --------------------------------------------------------------------------------


def test_a_citizen_comments_through_the_page_with_a_pin(as_citizen, citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(**INSIDE))

    comment = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{participating_consultation.url}#comment-{comment.pk}"
    assert (comment.author, comment.text, comment.latitude, comment.longitude) == (
        citizen,
        "Mehr Bäume am Ufer",
        INSIDE["latitude"],
        INSIDE["longitude"],
    )
    page = as_citizen.get(response["Location"]).content.decode()
    assert "Thank you! Your comment is published." in page
    assert "Mehr Bäume am Ufer" in page


def test_a_citizen_chooses_a_proposal_on_the_consultation_page(as_citizen, participating_consultation):
    proposal = factories.proposal(participating_consultation)

    as_citizen.post(participating_consultation.url, comment_form(proposal=proposal.pk))

    assert Contribution.objects.get().proposal_id == proposal.pk


def test_a_proposal_of_another_consultation_cannot_be_chosen(as_citizen, participating_consultation):
    factories.proposal(participating_consultation)
    elsewhere = factories.proposal(factories.consultation("participate"))

    response = as_citizen.post(participating_consultation.url, comment_form(proposal=elsewhere.pk))

    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_a_citizen_comments_on_the_proposal_page(as_citizen, participating_consultation):
    proposal = factories.proposal(participating_consultation)

    response = as_citizen.post(proposal.url, comment_form())

    assert response.status_code == 302
    assert Contribution.objects.get().proposal_id == proposal.pk


def test_a_citizen_replies_through_the_page(as_citizen, participating_consultation):
    comment = factories.comment(participating_consultation)

    response = as_citizen.post(
        participating_consultation.url, {"action": "comment", "text": "Ja!", "parent": comment.pk}
    )

    reply = Contribution.objects.get(parent=comment)
    assert response.status_code == 302 and reply.text == "Ja!"


def test_a_reply_to_a_comment_that_does_not_exist_is_refused(as_citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(parent=999999))

    assert response.status_code == 400
    assert "The comment you reply to is not available." in response.content.decode()
    assert not Contribution.objects.exists()


def own_pending_section(response) -> str:
    """The section of the visitor's own comments waiting for review, or '' if the page has none."""
    match = re.search(r'<section id="own-pending".*?</section>', response.content.decode(), re.S)
    return match.group(0) if match else ""


def test_a_premoderated_comment_is_announced_where_its_author_looks_and_shown_to_them_alone(as_citizen):
    consultation = factories.consultation("participate", moderation_mode="pre")

    response = as_citizen.post(consultation.url, comment_form(), follow=True)

    comment = Contribution.objects.get()
    assert comment.moderation_state == ModerationState.PENDING
    assert response.redirect_chain[-1][0] == f"{consultation.url}#comment-{comment.pk}"
    # The thanks and the comment itself, marked as waiting, where the redirect lands; not atop the page.
    section = own_pending_section(response)
    assert "will be published once a moderator has reviewed it" in section
    assert f'id="comment-{comment.pk}"' in section and "Mehr Bäume am Ufer" in section
    assert "Waiting for review" in section
    page = response.content.decode()
    assert page.count("will be published once a moderator has reviewed it") == 1
    assert page.count("Mehr Bäume am Ufer") == 1  # not in the public list
    # Another citizen and a visitor see nothing of it.
    for other in (browser(factories.citizens(1)[0]), browser()):
        elsewhere = other.get(consultation.url)
        assert own_pending_section(elsewhere) == ""
        assert "Mehr Bäume am Ufer" not in elsewhere.content.decode()
    # Approved, it leaves the section and joins the public list.
    moderator = factories.moderator()
    services.moderate_contribution(moderator=moderator, contribution=comment, state=ModerationState.APPROVED)
    again = as_citizen.get(consultation.url)
    assert own_pending_section(again) == ""
    assert again.content.decode().count("Mehr Bäume am Ufer") == 1


def test_the_comment_field_counts_characters_instead_of_cutting_a_paste(as_citizen, participating_consultation):
    page = as_citizen.get(participating_consultation.url).content.decode()

    field = re.search(r"<textarea[^>]*name=\"text\"[^>]*>", page).group(0)
    assert 'data-limit="2000"' in field and "maxlength" not in field
    assert "participation/text-limit" in page and 'data-paste-refused="' in page


def test_a_pin_outside_the_area_re_renders_the_form_with_the_text_kept(as_citizen, participating_consultation):
    text = "Hier fehlt ein Zebrastreifen & eine Ampel <bitte>"

    response = as_citizen.post(participating_consultation.url, comment_form(text=text, **OUTSIDE))

    assert response.status_code == 400
    assert textarea_content(response) == text
    assert "The pin lies outside the area of this consultation." in response.content.decode()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "This field is required."), ("x" * 2001, "at most 2000 characters")],
    ids=["blank", "too-long"],
)
def test_a_refused_text_re_renders_the_form_with_a_message(as_citizen, participating_consultation, text, message):
    response = as_citizen.post(participating_consultation.url, comment_form(text=text))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_too_long_text_is_kept_for_shortening(as_citizen, participating_consultation):
    text = "Sehr lang. " * 190

    response = as_citizen.post(participating_consultation.url, comment_form(text=text))

    assert response.status_code == 400
    assert textarea_content(response) == text


def test_only_one_coordinate_is_refused_on_the_page(as_citizen, participating_consultation):
    response = as_citizen.post(participating_consultation.url, comment_form(latitude=52.012))

    assert response.status_code == 400
    assert "both a latitude and a longitude" in response.content.decode()
    assert textarea_content(response) == "Mehr Bäume am Ufer"


def test_an_unverified_user_is_refused_with_403_and_told_why(unverified_user, participating_consultation):
    response = browser(unverified_user).post(participating_consultation.url, comment_form())

    assert response.status_code == 403
    assert "Please confirm your email address to take part." in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_visitor_cannot_comment(visitor, participating_consultation):
    response = visitor.post(participating_consultation.url, comment_form())

    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_a_comment_after_the_participation_phase_is_refused(as_citizen, home):
    closed = factories.consultation("evaluate")

    response = as_citizen.post(closed.url, comment_form())

    assert response.status_code == 400
    assert "only while the participation phase is open" in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_comment_refused_because_the_phase_closed_meanwhile_is_shown_again(as_citizen, home):
    closed = factories.consultation("evaluate")

    response = as_citizen.post(closed.url, comment_form(text="Mein langer Beitrag"))

    assert "Mein langer Beitrag" in response.content.decode()


def test_page_forms_need_the_csrf_token(citizen, participating_consultation):
    client = browser(citizen, enforce_csrf_checks=True)

    assert client.post(participating_consultation.url, comment_form()).status_code == 403

    token = secrets.token_hex(16)
    client.cookies["csrftoken"] = token
    response = client.post(participating_consultation.url, comment_form(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Contribution.objects.count() == 1


def test_comments_through_the_page_are_rate_limited(as_citizen, participating_consultation, settings):
    settings.RATELIMIT_CONTRIBUTIONS = "2/d"
    for _ in range(2):
        assert as_citizen.post(participating_consultation.url, comment_form()).status_code == 302

    response = as_citizen.post(participating_consultation.url, comment_form(text="Noch einer"))

    assert response.status_code == 429
    assert textarea_content(response) == "Noch einer"
    assert Contribution.objects.count() == 2


def test_a_citizen_votes_through_the_page_and_can_change_it(as_citizen, citizen, proposal):
    response = as_citizen.post(proposal.url, {"action": "vote", "choice": "oppose"})

    assert response.status_code == 302
    assert response["Location"] == f"{proposal.url}#vote"
    assert Vote.objects.get(participant__user=citizen, proposal=proposal).choice == "oppose"

    page = as_citizen.get(proposal.url).content.decode()
    assert "Change my vote" in page
    assert re.search(r'value="oppose"[^>]*checked', page)

    as_citizen.post(proposal.url, {"action": "vote", "choice": "support"})
    assert Vote.objects.get(participant__user=citizen, proposal=proposal).choice == "support"


def test_a_citizen_rates_through_the_page_by_a_radio_group_and_can_change_it(as_citizen, citizen, rated_proposal):
    page = as_citizen.get(rated_proposal.url).content.decode()
    assert "<legend>Your rating</legend>" in page
    assert all(f'name="rating" value="{value}"' in page for value in range(1, 6))
    assert '<label for="id_rating_3">4 (good)</label>' in page
    assert 'name="choice"' not in page
    assert "No ratings yet." in page

    response = as_citizen.post(rated_proposal.url, {"action": "vote", "rating": "4"})

    assert response.status_code == 302
    assert Vote.objects.get(participant__user=citizen).rating == 4
    page = " ".join(as_citizen.get(rated_proposal.url).content.decode().split())
    assert re.search(r'value="4"[^>]*checked', page)
    assert "Average rating: <strong>4.0</strong> of 5 (1 rating)" in page
    assert '<th scope="row">4 (good)</th> <td class="rating-count">1</td>' in page
    as_citizen.post(rated_proposal.url, {"action": "vote", "rating": "2"})
    assert Vote.objects.get(participant__user=citizen).rating == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "6"}, "Please choose a rating from 1 to 5."),
        ({}, "Please choose a rating from 1 to 5."),
        ({"choice": "support"}, "Please choose a rating from 1 to 5."),
    ],
)
def test_what_is_no_rating_re_renders_with_400_and_a_message(as_citizen, rated_proposal, data, message):
    response = as_citizen.post(rated_proposal.url, {"action": "vote", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Vote.objects.exists()


def test_the_consultation_page_shows_each_rated_proposals_average_and_distribution(reader, rated_proposal):
    for rating in (5, 4, 4):
        services.cast_vote(voter=factories.CitizenFactory(), proposal=rated_proposal, rating=rating)

    page = " ".join(reader.get(rated_proposal.get_parent().url).content.decode().split())

    assert "Average rating: <strong>4.3</strong> of 5 (3 ratings)" in page
    assert '<meter min="0" max="3" value="2" aria-label="4 (good): 67 %">67 %</meter>' in page


def test_an_unknown_choice_re_renders_with_400(as_citizen, proposal):
    response = as_citizen.post(proposal.url, {"action": "vote", "choice": "maybe"})

    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_a_vote_outside_the_voting_phase_is_refused_with_the_reason(as_citizen, participating_consultation):
    proposal = factories.proposal(participating_consultation)

    response = as_citizen.post(proposal.url, {"action": "vote", "choice": "support"})

    assert response.status_code == 400
    assert "Voting is possible only while the voting phase is open." in response.content.decode()
    assert not Vote.objects.exists()


def test_a_visitor_cannot_vote(visitor, proposal):
    assert visitor.post(proposal.url, {"action": "vote", "choice": "support"}).status_code == 403
    assert not Vote.objects.exists()


# --- output safety and language --------------------------------------------------------------


def test_html_in_a_comment_is_shown_as_text(as_citizen, participating_consultation):
    as_citizen.post(participating_consultation.url, comment_form(text="<script>alert(1)</script>", **INSIDE))

    page = as_citizen.get(participating_consultation.url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    geojson = as_citizen.get("/api/v1/contributions/geojson/")
    assert geojson["Content-Type"] == "application/geo+json"
    assert geojson.json()["features"][0]["properties"]["text"] == "<script>alert(1)</script>"


def test_german_is_the_default_language(participating_consultation):
    response = Client().get(participating_consultation.url)

    assert response["Content-Language"] == "de"
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Kommentare" in content


def test_english_is_served_to_browsers_that_ask_for_it(participating_consultation):
    response = browser(language="en").get(participating_consultation.url)

    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert "Comments" in response.content.decode()


# --- a fixed number of queries, whatever the number of rows ----------------------------------

# With an empty cache (as here): 2 of them are the twin's map state (revision, extent, credits), which the
# cache then keeps for all pages until the twin changes. A logged-in reader's page reads their own contributions
# that moderation holds back (hidden, with the reason; one query: selectors.own_hidden_comments).
PAGE_QUERY_LIMIT = 28


def comments_of(response) -> str:
    return re.search(r'<section id="comments".*?</section>', response.content.decode(), re.DOTALL).group(0)


def forget_rendered():
    """The rendered pages and comment lists kept in the cache: gone, so the page renders (and counts) them."""
    cache.clear()


@pytest.fixture(params=["anonymous", "citizen"])
def reader(request, db):
    if request.param == "anonymous":
        return browser()
    return browser(factories.CitizenFactory())


def test_the_consultation_page_runs_the_same_queries_for_10_and_500_comments(
    reader, participating_consultation, django_assert_max_num_queries
):
    author = factories.CitizenFactory()
    proposals = [factories.proposal(participating_consultation) for _ in range(3)]
    factories.bulk_comments(participating_consultation, 10, author=author, proposal=proposals[0], replies_every=3)
    reader.get(participating_consultation.url)  # warm caches (site root paths)
    forget_rendered()
    with_10 = queries_for(reader, participating_consultation.url)

    factories.bulk_comments(participating_consultation, 490, author=author, proposal=proposals[1], replies_every=4)
    forget_rendered()
    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        with_500 = queries_for(reader, participating_consultation.url)

    assert with_500 == with_10


def test_the_proposal_page_runs_the_same_queries_for_10_and_500_comments(
    reader, proposal, voting_consultation, django_assert_max_num_queries
):
    author = factories.CitizenFactory()
    factories.bulk_comments(voting_consultation, 10, author=author, proposal=proposal, replies_every=3)
    reader.get(proposal.url)
    forget_rendered()
    with_10 = queries_for(reader, proposal.url)

    factories.bulk_comments(voting_consultation, 490, author=author, proposal=proposal, replies_every=4)
    Vote.objects.bulk_create(
        Vote(proposal=proposal, participant=factories.participant(voter), choice="support")
        for voter in factories.citizens(20)
    )
    forget_rendered()
    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        with_500 = queries_for(reader, proposal.url)

    assert with_500 == with_10


def test_a_rated_proposals_page_runs_as_many_queries_as_one_voted_on(
    reader, proposal, rated_proposal, django_assert_max_num_queries
):
    for voter, rating in zip(factories.citizens(20), [1, 2, 3, 4, 5] * 4, strict=True):
        services.cast_vote(voter=voter, proposal=rated_proposal, rating=rating)
    reader.get(proposal.url)
    reader.get(rated_proposal.url)
    forget_rendered()
    voted = queries_for(reader, proposal.url)
    forget_rendered()

    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        rated = queries_for(reader, rated_proposal.url)

    assert rated == voted


def test_the_home_page_runs_the_same_queries_for_1_and_20_consultations(reader, home, django_assert_max_num_queries):
    factories.consultation("participate")
    reader.get("/")
    forget_rendered()
    with_1 = queries_for(reader, "/")

    for phase in ["inform", "participate", "vote"] * 6 + ["vote"]:
        factories.proposal(factories.consultation(phase))
    forget_rendered()
    with django_assert_max_num_queries(15):
        with_20 = queries_for(reader, "/")

    assert with_20 == with_1


# --- the comment list, as rendered a moment ago ------------------------------------------------


def test_a_visitor_gets_the_comment_list_rendered_at_the_same_revision_without_reading_it(
    visitor, participating_consultation
):
    factories.bulk_comments(participating_consultation, 60, author=factories.CitizenFactory(), replies_every=3)
    url = participating_consultation.url
    visitor.get(url)  # warm the site's own caches
    forget_rendered()
    rendered = queries_for(visitor, url)
    first = visitor.get(url)
    again_queries = queries_for(visitor, url)
    again = visitor.get(url)

    assert again_queries <= rendered - 2  # neither the count nor the threads (with their replies) are read
    assert comments_of(again) == comments_of(first)
    assert "Kommentar 0" in again.content.decode() and "Page 1 of 2" in again.content.decode()
    assert "Kommentar 55" in visitor.get(url + "?page=2").content.decode()


def test_a_new_comment_and_a_hidden_one_show_at_once(visitor, participating_consultation, citizen, moderator):
    shown = factories.comment(participating_consultation, text="Schon da")
    url = participating_consultation.url
    assert "Schon da" in visitor.get(url).content.decode()

    services.post_contribution(author=citizen, consultation=participating_consultation, text="Ganz neu")
    services.moderate_contribution(moderator=moderator, contribution=shown, state=ModerationState.HIDDEN, reason="Spam")
    page = visitor.get(url).content.decode()

    assert "Ganz neu" in page and "Schon da" not in page


def test_a_citizen_who_may_reply_gets_reply_forms_not_the_visitors_list(visitor, participating_consultation, citizen):
    factories.comment(participating_consultation, text="Antwort erwünscht")
    url = participating_consultation.url
    visitor.get(url)
    assert "Your reply" not in visitor.get(url).content.decode()  # from the cache now

    page = browser(citizen).get(url).content.decode()

    assert "Antwort erwünscht" in page and "Your reply" in page


def test_repliers_get_the_kept_list_with_reply_forms_that_carry_their_own_token(participating_consultation, citizen):
    comment = factories.comment(participating_consultation, text="Antwort erwünscht")
    url = participating_consultation.url
    first = browser(citizen)
    rendered = queries_for(first, url)
    other = browser(factories.CitizenFactory(), enforce_csrf_checks=True)
    kept = queries_for(other, url)
    page = other.get(url).content.decode()

    assert kept <= rendered - 2  # neither the count nor the threads are read
    assert "Antwort erwünscht" in page and "Your reply" in page and "<csrf-token" not in page
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[-1]  # the last reply form's
    reply = other.post(url, {**comment_form(text="Meine Antwort"), "parent": comment.pk, "csrfmiddlewaretoken": token})
    assert reply.status_code == 302
    assert Contribution.objects.filter(parent=comment, text="Meine Antwort").exists()


@pytest.mark.parametrize("page", ["0", "-1", "x", "101", "1" * 30])
def test_odd_page_numbers_still_show_the_comments(visitor, participating_consultation, page):
    factories.comment(participating_consultation, text="Eins")
    for _ in range(2):  # rendered, then (for the numbers that are kept) from the cache
        response = visitor.get(f"{participating_consultation.url}?page={page}")
        assert response.status_code == 200 and "Eins" in response.content.decode()
