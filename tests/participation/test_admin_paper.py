"""Paper entry in the Wagtail admin: who may, a sheet's counts, a postcard, a correction that supersedes
(the old entry stays, marked), the audit trail, and clear messages for everything wrong, never a 500."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PillowImage

from participation import selectors, services
from participation.models import AnalogEntry, Channel, Contribution, ModerationState
from tests.support import factories

pytestmark = pytest.mark.usefixtures("english", "media")

ROLES = ["anonymous", "citizen", "admin_only", "clerk", "moderator", "superuser"]
ALLOWED = {"clerk", "moderator", "superuser"}


@pytest.fixture
def clerk(db):
    """Staff granted "Can add paper entry", no moderator."""
    return factories.staff("clerk", "add_analogentry")


@pytest.fixture
def desk(clerk) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    return client


def client_for(role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    users = {
        "anonymous": lambda: None,
        "citizen": lambda: factories.CitizenFactory(username="citizen"),
        "admin_only": lambda: factories.staff("editor"),
        "clerk": lambda: factories.staff("clerk", "add_analogentry"),
        "moderator": lambda: factories.presenter("moderator"),
        "superuser": lambda: factories.CitizenFactory(username="root", is_superuser=True, is_staff=True),
    }
    user = users[role]()
    if user is not None:
        client.force_login(user)
    return client


def sheet_url(consultation, proposal) -> str:
    return reverse("participation_paper_proposal", args=[consultation.pk, proposal.pk])


def trail_url(consultation) -> str:
    return reverse("participation_paper_consultation", args=[consultation.pk])


def counts(support="12", oppose="3", abstain="", **fields) -> dict:
    return {
        "count_support": support,
        "count_oppose": oppose,
        "count_abstain": abstain,
        "event": "Bürgerforum, 12. November",
        "source": "Stellwand Foyer",
        **fields,
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def photo(kind: str = "PNG", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, "white").save(buffer, kind)
    return SimpleUploadedFile(f"bogen.{kind.lower()}", buffer.getvalue(), content_type=f"image/{kind.lower()}")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_enter_paper(role, voting_consultation, proposal):
    client = client_for(role)
    pages = [reverse("participation_paper"), trail_url(voting_consultation), sheet_url(voting_consultation, proposal)]
    for url in pages:
        response = client.get(url)
        if role in ALLOWED:
            assert response.status_code == 200, url
        elif role in ("anonymous", "citizen"):
            assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
        else:
            assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    response = client.post(sheet_url(voting_consultation, proposal), counts())
    postcard = client.post(trail_url(voting_consultation), {"text": "Mehr Schatten!", "source": "Kartenbox"})
    entered = AnalogEntry.objects.count(), Contribution.objects.filter(channel=Channel.ANALOG).count()
    assert entered == ((1, 1) if role in ALLOWED else (0, 0))
    if role in ALLOWED:
        assert response.status_code == postcard.status_code == 302
    menu = client.get(reverse("wagtailadmin_home"))
    if menu.status_code == 200:
        assert (reverse("participation_paper") in menu.content.decode()) == (role in ALLOWED)


def test_a_sheet_has_one_number_field_per_choice_and_its_counts_go_into_the_totals(desk, voting_consultation, proposal):
    page = desk.get(sheet_url(voting_consultation, proposal)).content.decode()
    for name in ("count_support", "count_oppose", "count_abstain", "event", "source", "photo"):
        assert f'name="{name}"' in page
    response = desk.post(sheet_url(voting_consultation, proposal), counts(), follow=True)
    assert "The counts are entered." in messages_of(response)
    entry = AnalogEntry.objects.get()
    assert (entry.event, entry.source, entry.entered_by.username) == (
        "Bürgerforum, 12. November",
        "Stellwand Foyer",
        "clerk",
    )
    assert {count.choice: count.count for count in entry.counts.all()} == {"support": 12, "oppose": 3, "abstain": 0}
    by_channel = selectors.proposal_channel_results(proposal_ids=[proposal.pk])[proposal.pk]
    assert by_channel[Channel.ANALOG] == {"support": 12, "oppose": 3, "abstain": 0}


def test_a_rated_proposals_sheet_has_one_number_field_per_value_1_to_5(desk, rated_proposal):
    consultation = rated_proposal.get_parent().specific
    page = desk.get(sheet_url(consultation, rated_proposal)).content.decode()
    for value, words in [("1", "1 (very poor)"), ("3", "3 (fair)"), ("5", "5 (very good)")]:
        assert f'name="count_{value}"' in page and words in page
    assert 'name="count_support"' not in page

    data = {"count_5": "7", "count_4": "2", "count_1": "", "event": "Forum", "source": "Karten"}
    response = desk.post(sheet_url(consultation, rated_proposal), data, follow=True)

    assert "The counts are entered." in messages_of(response)
    rating = selectors.proposal_tallies(proposal_ids=[rated_proposal.pk])[rated_proposal.pk]["rating"]
    assert rating == {"count": 9, "average": 4.78, "distribution": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 7}}


def test_poll_options_and_scale_values_are_counted(desk, voting_consultation, moderator):
    choice = services.add_poll(
        presenter=moderator, consultation=voting_consultation, question="Was?", options=["A", "B"]
    )
    scale = services.add_poll(presenter=moderator, consultation=voting_consultation, question="Wie?", kind="scale")
    words = services.add_poll(presenter=moderator, consultation=voting_consultation, question="Wort?", kind="words")
    page = desk.get(trail_url(voting_consultation)).content.decode()
    assert "Was?" in page and "Wie?" in page and "Wort?" not in page  # a word cloud is not counted on paper
    a, b = choice.options.all()
    url = reverse("participation_paper_poll", args=[voting_consultation.pk, choice.pk])
    desk.post(url, {f"count_{a.pk}": "7", f"count_{b.pk}": "0", "event": "Abend", "source": "Tafel"})
    url = reverse("participation_paper_poll", args=[voting_consultation.pk, scale.pk])
    desk.post(url, {"count_1": "2", "count_5": "9", "event": "Abend", "source": "Tafel"})
    results = selectors.poll_results(poll=choice)
    assert [row["by_channel"][Channel.ANALOG] for row in results["options"]] == [7, 0]
    results = selectors.poll_results(poll=scale)
    assert [row["count"] for row in results["scale"]] == [2, 0, 0, 0, 9]
    missing = reverse("participation_paper_poll", args=[voting_consultation.pk, words.pk])
    assert desk.get(missing).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"count_support": "-3"}, "count_support", "A count cannot be negative."),
        ({"count_oppose": "zwölf"}, "count_oppose", "Please enter a whole number, such as 12."),
        ({"count_oppose": "1.5"}, "count_oppose", "Please enter a whole number, such as 12."),
        ({"count_abstain": "1000001"}, "count_abstain", "At most 100000: please check this number."),
        ({"count_support": "", "count_oppose": ""}, None, "Nothing was entered."),
        ({"event": ""}, "event", "This field is required."),
        ({"source": "   "}, "source", "This field is required."),
    ],
)
def test_wrong_counts_are_refused_with_a_clear_message(desk, voting_consultation, proposal, fields, field, message):
    response = desk.post(sheet_url(voting_consultation, proposal), counts(**fields))
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and any(error.startswith(message) for error in errors), form.errors
    assert message in text_of(response)
    assert not AnalogEntry.objects.exists()


def test_a_photo_of_the_sheet_is_kept_and_a_wrong_file_refused(desk, voting_consultation, proposal, media):
    response = desk.post(sheet_url(voting_consultation, proposal), counts(photo=photo()))
    assert response.status_code == 302
    entry = AnalogEntry.objects.get()
    assert entry.photo.title == "Stellwand Foyer (Bürgerforum, 12. November)"
    assert entry.photo.width == 40 and entry.photo.file_size > 0
    page = desk.get(trail_url(voting_consultation)).content.decode()
    assert entry.photo.file.url in page

    not_an_image = SimpleUploadedFile("bogen.png", b"#!/bin/sh\necho hi\n", content_type="image/png")
    response = desk.post(sheet_url(voting_consultation, proposal), counts(photo=not_an_image))
    assert response.status_code == 400 and response.context["form"].errors["photo"]
    pdf = SimpleUploadedFile("bogen.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = desk.post(sheet_url(voting_consultation, proposal), counts(photo=pdf))
    assert response.status_code == 400 and "Upload a valid image." in text_of(response)
    assert AnalogEntry.objects.count() == 1


def test_a_too_large_photo_is_refused(desk, voting_consultation, proposal, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    response = desk.post(sheet_url(voting_consultation, proposal), counts(photo=photo(size=(400, 300))))
    assert response.status_code == 400 and "This file is too big" in text_of(response)
    assert not AnalogEntry.objects.exists()


def test_a_correction_supersedes_and_the_audit_trail_keeps_both(desk, voting_consultation, proposal, moderator):
    desk.post(sheet_url(voting_consultation, proposal), counts(support="12"))
    first = AnalogEntry.objects.get()
    trail = desk.get(trail_url(voting_consultation)).content.decode()
    correct_url = f"{sheet_url(voting_consultation, proposal)}?corrects={first.pk}"
    assert correct_url.replace("&", "&amp;") in trail

    form = desk.get(correct_url)
    assert "This corrects entry" in text_of(form)
    assert form.context["form"]["count_support"].value() == 12  # pre-filled from the entry
    assert form.context["form"]["source"].value() == "Stellwand Foyer"

    correction = Client(HTTP_ACCEPT_LANGUAGE="en")
    correction.force_login(moderator)  # another person corrects: both names stay in the trail
    response = correction.post(correct_url, {**counts(support="21"), "corrects": first.pk}, follow=True)
    assert "The correction is saved; the old entry stays in the audit trail." in messages_of(response)
    second = AnalogEntry.objects.exclude(pk=first.pk).get()
    assert second.supersedes_id == first.pk
    by_channel = selectors.proposal_channel_results(proposal_ids=[proposal.pk])[proposal.pk]
    assert by_channel[Channel.ANALOG]["support"] == 21  # only the correction counts

    page = text_of(response)
    assert f"#{first.pk}" in page and f"#{second.pk}" in page
    assert "superseded" in page and f"by #{second.pk}" in page and f"corrects #{first.pk}" in page
    assert "clerk" in page and "moderator" in page
    assert f"Correct entry #{second.pk}" in page and f"Correct entry #{first.pk}" not in page

    again = desk.post(correct_url, {**counts(support="30"), "corrects": first.pk})
    assert again.status_code == 400
    assert "This entry has been corrected already; correct the newest one." in text_of(again)


def test_a_correction_of_another_sheet_or_no_entry_is_not_found(desk, voting_consultation, proposal):
    other = factories.proposal(voting_consultation)
    desk.post(sheet_url(voting_consultation, proposal), counts())
    entry = AnalogEntry.objects.get()
    assert desk.get(f"{sheet_url(voting_consultation, other)}?corrects={entry.pk}").status_code == 404
    assert desk.get(f"{sheet_url(voting_consultation, proposal)}?corrects=x").status_code == 404
    assert desk.get(f"{sheet_url(voting_consultation, proposal)}?corrects=999").status_code == 404
    assert desk.get(reverse("participation_paper_consultation", args=[999])).status_code == 404
    assert desk.get(reverse("participation_paper_proposal", args=[voting_consultation.pk, 999])).status_code == 404


def test_the_next_sheet_starts_with_the_last_event_and_source(desk, voting_consultation, proposal):
    desk.post(sheet_url(voting_consultation, proposal), counts())
    form = desk.get(sheet_url(voting_consultation, factories.proposal(voting_consultation))).context["form"]
    assert (form["event"].value(), form["source"].value()) == ("Bürgerforum, 12. November", "Stellwand Foyer")
    assert form["count_support"].value() is None


def test_a_postcard_is_transcribed_as_a_contribution_on_paper(desk, voting_consultation, proposal):
    response = desk.post(
        trail_url(voting_consultation),
        {"text": "Mehr Schatten am Ufer!", "source": "Kartenbox Foyer", "proposal": proposal.pk},
        follow=True,
    )
    assert "The postcard is entered." in messages_of(response)
    card = Contribution.objects.get(channel=Channel.ANALOG)
    assert (card.text, card.paper_source, card.proposal_id, card.author) == (
        "Mehr Schatten am Ufer!",
        "Kartenbox Foyer",
        proposal.pk,
        None,
    )
    assert card.moderation_state == ModerationState.APPROVED and card.entered_by.username == "clerk"
    assert "Mehr Schatten am Ufer!" in text_of(response)

    empty = desk.post(trail_url(voting_consultation), {"text": "  ", "source": "Kartenbox"})
    assert empty.status_code == 400 and "This field is required." in text_of(empty)
    foreign = desk.post(trail_url(voting_consultation), {"text": "Hallo", "source": "Box", "proposal": "999"})
    assert foreign.status_code == 400 and "Select a valid choice" in text_of(foreign)
    assert Contribution.objects.filter(channel=Channel.ANALOG).count() == 1
