"""A citizen's own contributions: changed within the minutes after posting (the earlier text kept), withdrawn at
any time, and gone from every public read once withdrawn."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from participation import selectors, services
from participation.errors import InvalidInput, NotAllowed, PhaseClosed
from participation.models import Contribution, ContributionRevision, ModerationState
from tests.support import factories


@pytest.fixture
def comment(citizen, participating_consultation):
    return services.post_contribution(
        author=citizen, consultation=participating_consultation, text="Mehr Bänke am Ufer", **factories.INSIDE
    )


@pytest.fixture
def clock(monkeypatch):
    """Moves the site's clock (``django.utils.timezone.now``, which the rules and services read)."""

    class Clock:
        def at(self, moment: dt.datetime) -> None:
            monkeypatch.setattr(timezone, "now", lambda: moment)

    return Clock()


def test_the_author_changes_the_text_and_the_earlier_one_is_kept(citizen, comment, clock):
    posted = comment.created_at
    clock.at(posted + dt.timedelta(minutes=3))

    services.edit_contribution(author=citizen, contribution=comment, text="  Mehr Bänke und Bäume am Ufer  ")
    clock.at(posted + dt.timedelta(minutes=5))
    services.edit_contribution(author=citizen, contribution=comment, text="Mehr Bäume am Ufer")

    comment.refresh_from_db()
    assert comment.text == "Mehr Bäume am Ufer"
    assert comment.edited_at == posted + dt.timedelta(minutes=5)
    assert (comment.latitude, comment.longitude) == (factories.INSIDE["latitude"], factories.INSIDE["longitude"])
    revisions = list(ContributionRevision.objects.filter(contribution=comment).values_list("text", "written_at"))
    assert revisions == [
        ("Mehr Bänke am Ufer", posted),
        ("Mehr Bänke und Bäume am Ufer", posted + dt.timedelta(minutes=3)),
    ]


def test_an_unchanged_text_changes_nothing(citizen, comment):
    services.edit_contribution(author=citizen, contribution=comment, text="Mehr Bänke am Ufer\n")
    comment.refresh_from_db()
    assert comment.edited_at is None
    assert not ContributionRevision.objects.exists()


@pytest.mark.parametrize("minutes", [15, 30])
def test_after_the_minutes_the_change_is_refused_with_a_clear_message(
    citizen, comment, clock, settings, english, minutes
):
    settings.CONTRIBUTION_EDIT_MINUTES = minutes
    clock.at(comment.created_at + dt.timedelta(minutes=minutes, seconds=-1))
    services.edit_contribution(author=citizen, contribution=comment, text="Gerade noch")

    clock.at(comment.created_at + dt.timedelta(minutes=minutes))
    with pytest.raises(PhaseClosed) as refused:
        services.edit_contribution(author=citizen, contribution=comment, text="Zu spät")

    assert str(refused.value) == (
        f"A contribution can be changed only within {minutes} minutes of posting. You can still withdraw it."
    )
    assert Contribution.objects.get(pk=comment.pk).text == "Gerade noch"


def test_the_refusal_is_german_too(citizen, comment, clock):
    from django.utils import translation

    clock.at(comment.created_at + dt.timedelta(minutes=16))
    with translation.override("de"), pytest.raises(PhaseClosed) as refused:
        services.edit_contribution(author=citizen, contribution=comment, text="Zu spät")
    assert "15 Minuten" in str(refused.value)
    assert "Zurückziehen können Sie ihn weiterhin" in str(refused.value)


def test_the_text_is_checked_as_a_new_comments(citizen, comment, settings, english):
    too_long = "x" * (settings.CONTRIBUTION_MAX_LENGTH + 1)
    for text, message in (("   ", "Please write something."), (too_long, "Please keep it to 2000 characters")):
        with pytest.raises(InvalidInput) as refused:
            services.edit_contribution(author=citizen, contribution=comment, text=text)
        assert refused.value.field == "text" and message in refused.value.message
    assert Contribution.objects.get(pk=comment.pk).text == "Mehr Bänke am Ufer"


def test_nobody_else_changes_or_withdraws_it(comment, moderator):
    for other in (factories.CitizenFactory(), moderator, AnonymousUser()):
        with pytest.raises(NotAllowed):
            services.edit_contribution(author=other, contribution=comment, text="Fremd geändert")
        with pytest.raises(NotAllowed):
            services.withdraw_contribution(author=other, contribution=comment)
    comment.refresh_from_db()
    assert (comment.text, comment.deleted_at) == ("Mehr Bänke am Ufer", None)


def test_a_withdrawn_contribution_is_not_changed(citizen, comment):
    services.withdraw_contribution(author=citizen, contribution=comment)
    with pytest.raises(NotAllowed):
        services.edit_contribution(author=citizen, contribution=comment, text="Doch wieder")


def test_withdrawing_works_at_any_time_and_once(citizen, comment, clock):
    clock.at(comment.created_at + dt.timedelta(days=400))
    services.withdraw_contribution(author=citizen, contribution=comment)
    first = Contribution.objects.get(pk=comment.pk).deleted_at
    assert first == comment.created_at + dt.timedelta(days=400)

    clock.at(comment.created_at + dt.timedelta(days=401))
    services.withdraw_contribution(author=citizen, contribution=comment)
    assert Contribution.objects.get(pk=comment.pk).deleted_at == first


def test_edits_and_withdrawals_move_the_results_revision_on(citizen, comment):
    """Cached comment lists and pages are kept per revision: an edit or a withdrawal must not leave them stale."""
    consultation_id = comment.consultation_id
    before = selectors.results_revision(consultation_id=consultation_id)
    services.edit_contribution(author=citizen, contribution=comment, text="Geändert")
    edited = selectors.results_revision(consultation_id=consultation_id)
    services.withdraw_contribution(author=citizen, contribution=comment)
    assert before < edited < selectors.results_revision(consultation_id=consultation_id)


def test_a_waiting_comment_may_be_changed_too(citizen, moderator):
    consultation = factories.consultation("participate", moderation_mode="pre")
    comment = services.post_contribution(author=citizen, consultation=consultation, text="Wartet")
    services.edit_contribution(author=citizen, contribution=comment, text="Wartet noch")
    comment.refresh_from_db()
    assert (comment.text, comment.moderation_state) == ("Wartet noch", ModerationState.PENDING)


# --- withdrawn: gone from every public read ------------------------------------------------------------


@pytest.fixture
def withdrawn_world(citizen):
    consultation = factories.consultation("vote")
    building = factories.twin_feature()
    screen = factories.screen(consultation)
    kept = services.post_contribution(
        author=citizen, consultation=consultation, text="Bleibt stehen", twin_feature=building, **factories.INSIDE
    )
    gone = services.post_contribution(
        author=citizen, consultation=consultation, text="Wird zurückgezogen", twin_feature=building, **factories.INSIDE
    )
    reply = services.post_contribution(
        author=factories.CitizenFactory(), consultation=consultation, parent=gone, text="Antwort darauf"
    )
    return {"consultation": consultation, "building": building, "screen": screen, "kept": kept, "gone": gone,
            "reply": reply, "citizen": citizen}  # fmt: skip


def _public_texts(http: Client, world) -> dict[str, set[str]]:
    consultation = world["consultation"]
    seen = {}
    page = http.get(consultation.url).content.decode()
    seen["page"] = {text for text in ("Bleibt stehen", "Wird zurückgezogen", "Antwort darauf") if text in page}
    twin = http.get(f"/twin/{world['building'].pk}/").content.decode()
    seen["twin page"] = {text for text in ("Bleibt stehen", "Wird zurückgezogen") if text in twin}
    seen["api"] = {
        item["text"] for item in http.get(f"/api/v1/contributions/?consultation={consultation.pk}").json()["results"]
    }
    seen["map"] = {
        feature["properties"]["text"]
        for feature in http.get(f"/api/v1/contributions/geojson/?consultation={consultation.pk}").json()["features"]
    }
    ogc = http.get("/api/ogc/collections/contributions/items").json()["features"]
    seen["ogc"] = {feature["properties"]["text"] for feature in ogc}
    seen["ogc item"] = http.get(f"/api/ogc/collections/contributions/items/{world['gone'].pk}").status_code
    kiosk = Client()
    kiosk.cookies["bf_token"] = world["screen"].token
    snapshot = kiosk.get(f"/kiosk/{world['screen'].slug}/snapshot/").json()["results"]
    seen["kiosk wall"] = {comment["text"] for comment in snapshot["wall"]}
    seen["kiosk count"] = snapshot["comments"]
    return seen


def test_a_withdrawn_contribution_and_its_replies_leave_every_public_read(withdrawn_world):
    http = Client(headers={"accept-language": "en"})
    before = _public_texts(http, withdrawn_world)
    assert before["page"] == {"Bleibt stehen", "Wird zurückgezogen", "Antwort darauf"}
    assert before["kiosk count"] == 3
    assert before["ogc item"] == 200

    services.withdraw_contribution(author=withdrawn_world["citizen"], contribution=withdrawn_world["gone"])

    after = _public_texts(http, withdrawn_world)
    assert after == {
        "page": {"Bleibt stehen"},
        "twin page": {"Bleibt stehen"},
        "api": {"Bleibt stehen"},
        "map": {"Bleibt stehen"},
        "ogc": {"Bleibt stehen"},
        "ogc item": 404,
        "kiosk wall": {"Bleibt stehen"},
        "kiosk count": 1,
    }
    # Kept for the moderation's records, unchanged.
    gone = Contribution.objects.get(pk=withdrawn_world["gone"].pk)
    assert gone.text == "Wird zurückgezogen" and gone.deleted_at is not None
    assert Contribution.objects.get(pk=withdrawn_world["reply"].pk).deleted_at is None


def test_a_hidden_contribution_is_not_changed(citizen, comment, moderator, english):
    services.moderate_contribution(
        moderator=moderator, contribution=comment, state=ModerationState.HIDDEN, reason="Beleidigung"
    )
    with pytest.raises(NotAllowed, match="hidden by the moderation"):
        services.edit_contribution(author=citizen, contribution=comment, text="Umgeschrieben")
    services.withdraw_contribution(author=citizen, contribution=comment)  # withdrawing it still works
    assert Contribution.objects.get(pk=comment.pk).deleted_at is not None
