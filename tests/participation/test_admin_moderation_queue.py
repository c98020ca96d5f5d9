"""The moderation queue in the Wagtail admin (participation.admin_views.moderation): tabs, filters, excerpts,
flags, history, links in context, hide with a reason after a confirmation step, bulk decisions, a fixed number
of queries; the menu's number of waiting contributions; the moderator's mail setting."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.utils import timezone

from participation import services
from participation.models import Channel, Contribution, FlagReason, ModerationDecision, ModerationState
from participation.selectors import WAITING_CACHE_KEY
from tests.support import factories

QUEUE = "/admin/moderation/"


@pytest.fixture
def moderator(db):
    user = factories.moderator()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def admin_client(client, moderator):
    client.force_login(moderator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def premoderated(db):
    return factories.consultation("participate", moderation_mode="pre", title="Uferpromenade")


def _flag(comment, reason=FlagReason.INSULT, note=""):
    return services.flag_contribution(user=factories.CitizenFactory(), contribution=comment, reason=reason, note=note)


def test_the_tabs_show_new_flagged_published_and_hidden(admin_client, moderator, premoderated):
    waiting = factories.comment(premoderated, text="Neu und wartend", moderation_state=ModerationState.PENDING)
    flagged = factories.comment(premoderated, text="Gemeldet und sichtbar", author=factories.CitizenFactory())
    _flag(flagged, note="Das ist beleidigend")
    hidden = factories.comment(premoderated, text="Schon ausgeblendet")
    services.moderate_contribution(moderator=moderator, contribution=hidden, state="hidden", reason="Spam")

    def shown(tab):
        page = admin_client.get(QUEUE, {"tab": tab}).content.decode()
        return {c.text for c in (waiting, flagged, hidden) if c.text in page}, page

    assert shown("pending")[0] == {"Neu und wartend"}
    texts, page = shown("flagged")
    assert texts == {"Gemeldet und sichtbar"}
    assert "Insult, threat or hate" in page and "Das ist beleidigend" in page
    assert shown("approved")[0] == {"Gemeldet und sichtbar"}
    texts, page = shown("hidden")
    assert texts == {"Schon ausgeblendet"}
    assert "Spam" in page  # the history, with the reason
    assert "New (1)" in page and "Flagged (1)" in page and "Hidden (1)" in page


def test_rows_show_an_excerpt_with_the_full_text_on_demand_and_a_link_in_context(admin_client, premoderated):
    long_text = "Anfang " + "lang " * 300 + "Ende"
    comment = factories.comment(premoderated, text=long_text, moderation_state=ModerationState.PENDING)

    page = admin_client.get(QUEUE).content.decode()

    assert page.count("Ende") == 1  # only in the <details>
    assert "<summary>Full text</summary>" in page
    assert f'href="{premoderated.url}#comment-{comment.pk}"' in page


def test_filters_by_consultation_channel_and_dates(admin_client, premoderated):
    other = factories.consultation("participate", moderation_mode="pre", slug="andere", title="Andere")
    pending = {"moderation_state": ModerationState.PENDING}
    factories.comment(premoderated, text="Online hier", **pending)
    factories.comment(premoderated, text="Vom Terminal", channel=Channel.TERMINAL, **pending)
    factories.comment(other, text="In der anderen", **pending)
    factories.comment(premoderated, text="Vor einer Woche", created_at=timezone.now() - timedelta(days=7), **pending)
    texts = ("Online hier", "Vom Terminal", "In der anderen", "Vor einer Woche")

    def shown(**params):
        page = admin_client.get(QUEUE, params).content.decode()
        return {text for text in texts if text in page}

    assert shown(consultation=other.pk) == {"In der anderen"}
    assert shown(channel="terminal") == {"Vom Terminal"}
    today = timezone.localdate().isoformat()
    assert shown(since=today, consultation=premoderated.pk) == {"Online hier", "Vom Terminal"}
    last_week = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert shown(until=last_week) == {"Vor einer Woche"}
    assert shown(since="nonsense", channel="nope") == set(texts)  # what does not parse is left out


def test_the_queue_reads_a_fixed_number_of_queries(admin_client, moderator, premoderated, django_assert_num_queries):
    def fill(count):
        for n in range(count):
            comment = factories.comment(
                premoderated, text=f"Text {n}", author=factories.CitizenFactory(), twin_feature=None
            )
            _flag(comment)
            services.moderate_contribution(moderator=moderator, contribution=comment, state="hidden", reason="x")
            services.moderate_contribution(moderator=moderator, contribution=comment, state="approved")
            _flag(comment, reason=FlagReason.SPAM)

    fill(2)
    admin_client.get(QUEUE, {"tab": "flagged"})  # sessions, site root paths and the like cached
    cache.set(WAITING_CACHE_KEY, {})
    with django_assert_num_queries(QUEUE_QUERIES) as few:
        assert admin_client.get(QUEUE, {"tab": "flagged"}).status_code == 200
    fill(8)
    with django_assert_num_queries(len(few.captured_queries)):
        page = admin_client.get(QUEUE, {"tab": "flagged"}).content.decode()
    assert page.count('class="moderation-row"') == 10


# 12 of them the admin's own (session, user, permissions, the moderator check, menu); the queue reads 6; the
# menu's count asks which consultations the moderator manages (their site's), 1.
QUEUE_QUERIES = 19


def test_hiding_asks_for_a_reason_on_a_confirmation_page(admin_client, premoderated):
    comment = factories.comment(premoderated, text="Zum Ausblenden")
    url = f"{QUEUE}{comment.pk}/hide/"

    confirm = admin_client.get(url, {"next": f"{QUEUE}?tab=approved"})
    assert confirm.status_code == 200
    assert "Zum Ausblenden" in confirm.content.decode()
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED

    refused = admin_client.post(url, {"reason": " "})
    assert refused.status_code == 400
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED

    done = admin_client.post(url, {"reason": "Beleidigung", "next": f"{QUEUE}?tab=approved"})
    assert done.status_code == 302 and done.url == f"{QUEUE}?tab=approved"
    decision = ModerationDecision.objects.get(contribution=comment)
    assert (decision.action, decision.reason) == ("hide", "Beleidigung")


def test_the_cancel_link_never_leads_off_the_site(admin_client, premoderated):
    comment = factories.comment(premoderated)
    page = admin_client.get(f"{QUEUE}{comment.pk}/hide/", {"next": "javascript:alert(1)"}).content.decode()
    assert "javascript:" not in page


def test_the_plain_hide_action_without_a_reason_changes_nothing(admin_client, premoderated):
    comment = factories.comment(premoderated)
    response = admin_client.post(f"{QUEUE}{comment.pk}/", {"state": "hidden"})
    assert response.status_code == 302
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED


def test_bulk_publish_and_bulk_hide_after_confirmation(admin_client, premoderated):
    comments = [
        factories.comment(premoderated, text=f"Sammel {n}", moderation_state=ModerationState.PENDING) for n in range(3)
    ]
    ids = [str(c.pk) for c in comments]

    published = admin_client.post(f"{QUEUE}bulk/", {"contributions": ids[:2], "action": "approved"})
    assert published.status_code == 302
    states = dict(Contribution.objects.values_list("pk", "moderation_state"))
    assert [states[c.pk] for c in comments] == ["approved", "approved", "pending"]

    confirm = admin_client.post(f"{QUEUE}bulk/", {"contributions": ids, "action": "hidden", "reason": "Spam"})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Hide 3 contributions" in page and 'name="confirmed"' in page
    assert not Contribution.objects.filter(moderation_state=ModerationState.HIDDEN).exists()

    no_reason = admin_client.post(f"{QUEUE}bulk/", {"contributions": ids, "action": "hidden", "confirmed": "1"})
    assert no_reason.status_code == 400
    assert not Contribution.objects.filter(moderation_state=ModerationState.HIDDEN).exists()

    done = admin_client.post(
        f"{QUEUE}bulk/", {"contributions": ids, "action": "hidden", "confirmed": "1", "reason": "Spam"}
    )
    assert done.status_code == 302
    assert Contribution.objects.filter(moderation_state=ModerationState.HIDDEN).count() == 3
    assert set(ModerationDecision.objects.filter(action="hide").values_list("reason", flat=True)) == {"Spam"}


def test_bulk_is_closed_to_citizens(client, citizen, premoderated):
    citizen.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(citizen)
    comment = factories.comment(premoderated, moderation_state=ModerationState.PENDING)
    client.post(f"{QUEUE}bulk/", {"contributions": [comment.pk], "action": "approved"})
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.PENDING


# --- the admin menu ----------------------------------------------------------------------------------------


def test_the_menu_counts_what_waits_in_one_query(
    admin_client, moderator, premoderated, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from participation.wagtail_hooks import ModerationMenuItem

    factories.comment(premoderated, moderation_state=ModerationState.PENDING)
    factories.comment(premoderated, moderation_state=ModerationState.PENDING)
    flagged = factories.comment(premoderated, author=factories.CitizenFactory())
    _flag(flagged)
    _flag(flagged)  # two flags, one contribution
    factories.comment(premoderated)  # published, not flagged: not waiting

    item = ModerationMenuItem("Moderation", QUEUE)
    request = admin_client.get(QUEUE).wsgi_request
    cache.clear()
    with django_assert_num_queries(1):
        assert item.render_component(request).label == "Moderation (3)"
    with django_assert_num_queries(0):  # kept briefly
        assert item.render_component(request).label == "Moderation (3)"
    assert "Moderation (3)" in admin_client.get("/admin/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # a decision: the number is counted again at once
        services.moderate_contribution(moderator=moderator, contribution=flagged, state="approved")
    assert item.render_component(request).label == "Moderation (2)"


# --- the moderator's own mail setting ----------------------------------------------------------------------


def test_a_moderator_opts_in_to_the_mail_in_their_account_settings(admin_client, moderator):
    page = admin_client.get("/admin/account/").content.decode()
    assert "Mail me when contributions wait for review" in page

    # The account page saves all its panels at once: what the other panels hold is sent along.
    others = {
        "name_email-first_name": "Mia",
        "name_email-last_name": "Moderatorin",
        "name_email-email": moderator.email,
        "locale-preferred_language": "en",
        "locale-current_time_zone": "Europe/Berlin",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
    }
    response = admin_client.post("/admin/account/", {**others, "moderation_mail-mail_when_waiting": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    moderator.refresh_from_db()
    assert moderator.moderator_settings.mail_when_waiting is True


def test_citizens_with_admin_access_have_no_such_setting(client, citizen):
    citizen.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(citizen)
    assert "Mail me when contributions wait" not in client.get("/admin/account/").content.decode()
