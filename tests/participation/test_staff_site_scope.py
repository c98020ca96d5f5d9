"""Several municipalities on one installation: staff of site A see and act on site A's consultations only, in
every staff view of the admin (moderation, the menu's count, the moderators' mail, official answers, exports,
results, paper entry); superusers see both sites. Site B's things are absent from listings and refused when
asked for directly."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import GroupPagePermission

from participation import selectors, services
from participation.models import Contribution, ExportJob, ModerationState, OfficialAnswer
from participation.rules import MODERATORS_GROUP, allows
from tests.support import factories
from tests.support.pages import browser
from tests.support.sites import refused, roles_without_tree_grants, second_site, site_group, site_moderator

pytestmark = pytest.mark.usefixtures("english", "media", "eager")
PENDING = {"moderation_state": ModerationState.PENDING}


@pytest.fixture
def city(db):
    """Kalletal (the default site) and Lemgo, a consultation each with a waiting comment; Kalletal's moderator."""
    home_a = factories.home_page()
    home_b = second_site()
    roles_without_tree_grants()
    a = factories.consultation("participate", title="Marktplatz Kalletal", slug="kalletal-markt", parent=home_a)
    b = factories.consultation("participate", title="Rathausplatz Lemgo", slug="lemgo-rathaus", parent=home_b)
    return {
        "home_a": home_a,
        "home_b": home_b,
        "a": a,
        "b": b,
        "proposal_a": factories.proposal(a, slug="bank-a"),
        "proposal_b": factories.proposal(b, slug="bank-b"),
        "comment_a": factories.comment(a, text="Kommentar aus Kalletal", **PENDING),
        "comment_b": factories.comment(b, text="Kommentar aus Lemgo", **PENDING),
        "staff": site_moderator("kalletal.staff", root=home_a),
    }


@pytest.fixture
def staff(city) -> Client:
    return browser(city["staff"])


@pytest.fixture
def superuser(city) -> Client:
    return browser(factories.CitizenFactory(username="root", is_superuser=True, is_staff=True))


# --- The selector ----------------------------------------------------------------------------------------


def test_staff_manage_the_consultations_under_the_pages_their_groups_hold_permissions_on(city):
    assert set(selectors.consultations_managed_by(user=city["staff"])) == {city["a"]}
    superuser = factories.CitizenFactory(username="root", is_superuser=True)
    assert set(selectors.consultations_managed_by(user=superuser)) == {city["a"], city["b"]}


def test_no_page_permission_no_consultation(city):
    only_moderator = factories.CitizenFactory(username="only.moderator")
    only_moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    assert not selectors.consultations_managed_by(user=only_moderator).exists()
    city["staff"].is_active = False
    assert not selectors.consultations_managed_by(user=city["staff"]).exists()


@pytest.mark.parametrize("permission", ["add_page", "change_page", "publish_page", "lock_page"])
def test_any_page_permission_type_counts_and_a_grant_on_the_consultation_itself_too(city, permission):
    clerk = factories.CitizenFactory(username="lemgo.clerk")
    clerk.groups.add(site_group("Lemgo: Rathausplatz", root=city["b"], permission=permission))
    assert set(selectors.consultations_managed_by(user=clerk)) == {city["b"]}


def test_the_tree_root_covers_every_site_as_wagtail_grants_it_a_single_site_installation(city):
    whole = factories.CitizenFactory(username="whole.tree")
    root = city["home_a"].get_parent()
    whole.groups.add(site_group("Whole tree", root=root))
    assert set(selectors.consultations_managed_by(user=whole)) == {city["a"], city["b"]}


def test_the_selector_is_one_query_and_a_subquery_in_filters(city):
    scope = selectors.consultations_managed_by(user=city["staff"])
    with CaptureQueriesContext(connection) as queries:
        texts = set(Contribution.objects.filter(consultation__in=scope).values_list("text", flat=True))
    assert texts == {"Kommentar aus Kalletal"} and len(queries) == 1


# --- Moderation --------------------------------------------------------------------------------------


def test_the_queue_lists_and_offers_only_the_own_sites_consultations(city, staff, superuser):
    page = staff.get("/admin/moderation/").content.decode()
    assert "Kommentar aus Kalletal" in page and "Kommentar aus Lemgo" not in page
    assert "Marktplatz Kalletal" in page and "Rathausplatz Lemgo" not in page  # the filter's choices
    asked = staff.get("/admin/moderation/", {"consultation": city["b"].pk}).content.decode()
    assert "Kommentar aus Lemgo" not in asked
    everything = superuser.get("/admin/moderation/").content.decode()
    assert "Kommentar aus Kalletal" in everything and "Kommentar aus Lemgo" in everything


@pytest.mark.parametrize("site", ["a", "b"])
def test_one_contribution_is_moderated_on_the_own_site_only(city, staff, site):
    comment = city[f"comment_{site}"]
    approve = staff.post(f"/admin/moderation/{comment.pk}/", {"state": "approved"})
    hide = staff.get(f"/admin/moderation/{comment.pk}/hide/")
    comment.refresh_from_db()
    if site == "a":
        assert approve.status_code == 302 and hide.status_code == 200
        assert comment.moderation_state == ModerationState.APPROVED
    else:
        assert refused(approve) and refused(hide)
        assert comment.moderation_state == ModerationState.PENDING


def test_a_bulk_decision_with_another_sites_contribution_among_the_rows_does_nothing(city, staff):
    both = [city["comment_a"].pk, city["comment_b"].pk]
    for action in ("approved", "hidden"):
        assert refused(staff.post("/admin/moderation/bulk/", {"contributions": both, "action": action}))
    assert set(Contribution.objects.values_list("moderation_state", flat=True)) == {ModerationState.PENDING}
    own = staff.post("/admin/moderation/bulk/", {"contributions": [city["comment_a"].pk], "action": "approved"})
    assert own.status_code == 302
    city["comment_a"].refresh_from_db()
    assert city["comment_a"].moderation_state == ModerationState.APPROVED


def test_the_menus_waiting_count_is_the_own_sites(city, staff, superuser):
    factories.comment(city["b"], text="Noch einer aus Lemgo", **PENDING)
    assert selectors.waiting_count_kept(user=city["staff"]) == 1
    assert selectors.waiting_count_kept(user=factories.CitizenFactory(username="r", is_superuser=True)) == 3
    assert "Moderation (1)" in staff.get("/admin/").content.decode()
    assert "Moderation (3)" in superuser.get("/admin/").content.decode()


def test_the_moderators_mail_goes_to_who_manages_the_consultation(city, mailoutbox):
    services.set_moderator_settings(user=city["staff"], mail_when_waiting=True)
    lemgo = site_moderator("lemgo.staff", root=city["home_b"])
    services.set_moderator_settings(user=lemgo, mail_when_waiting=True)
    assert list(selectors.moderators_to_mail(consultation=city["b"])) == [lemgo]
    assert services.mail_moderators(consultation_id=city["b"].pk) == 1
    assert [mail.to for mail in mailoutbox] == [[lemgo.email]]


# --- Official answers, exports, results ----------------------------------------------------------------


@pytest.mark.parametrize("site", ["a", "b"])
def test_official_answers_on_the_own_site_only(city, staff, site):
    url = f"/admin/participation/contributions/{city[f'comment_{site}'].pk}/answer/"
    shown, posted = staff.get(url), staff.post(url, {"text": "Die Stadt antwortet."})
    if site == "a":
        assert shown.status_code == 200 and posted.status_code == 302
        assert OfficialAnswer.objects.count() == 1
    else:
        assert refused(shown) and refused(posted)
        assert not OfficialAnswer.objects.exists()
        assert not allows("participation.answer_officially", city["staff"], city["comment_b"])


@pytest.mark.parametrize("site", ["a", "b"])
def test_exports_and_results_of_the_own_site_only(city, staff, superuser, site, django_capture_on_commit_callbacks):
    consultation = city[site]
    with django_capture_on_commit_callbacks(execute=True):
        assert superuser.post(f"/admin/exports/{consultation.pk}/", {"format": "xlsx"}).status_code == 302
    job = ExportJob.objects.get()
    addresses = [
        f"/admin/exports/{consultation.pk}/",
        f"/admin/exports/job/{job.pk}/",
        f"/admin/exports/job/{job.pk}/status/",
        f"/admin/exports/job/{job.pk}/download/",
        f"/admin/results/{consultation.pk}/",
    ]
    answers = {address: staff.get(address) for address in addresses}
    started = staff.post(f"/admin/exports/{consultation.pk}/", {"format": "csv"})
    if site == "a":
        assert {address: answer.status_code for address, answer in answers.items()} == dict.fromkeys(addresses, 200)
        assert started.status_code == 302
    else:
        assert all(refused(answer) for answer in answers.values()), {a: r.status_code for a, r in answers.items()}
        assert refused(started) and ExportJob.objects.count() == 1
    # The superuser reaches both.
    assert superuser.get(f"/admin/results/{consultation.pk}/").status_code == 200


# --- Paper entry -------------------------------------------------------------------------------------


def test_paper_entry_lists_and_takes_the_own_sites_consultations_only(city, staff, superuser):
    index = staff.get("/admin/paper/").content.decode()
    assert "Marktplatz Kalletal" in index and "Rathausplatz Lemgo" not in index
    everything = superuser.get("/admin/paper/").content.decode()
    assert "Marktplatz Kalletal" in everything and "Rathausplatz Lemgo" in everything
    a, b = city["a"], city["b"]
    assert staff.get(f"/admin/paper/{a.pk}/").status_code == 200
    assert staff.get(f"/admin/paper/{a.pk}/proposal/{city['proposal_a'].pk}/").status_code == 200
    assert refused(staff.get(f"/admin/paper/{b.pk}/"))
    assert refused(staff.get(f"/admin/paper/{b.pk}/proposal/{city['proposal_b'].pk}/"))
    postcard = staff.post(f"/admin/paper/{b.pk}/", {"text": "Eine Postkarte aus Lemgo"})
    assert refused(postcard) and not Contribution.objects.filter(text="Eine Postkarte aus Lemgo").exists()


def test_the_demos_groups_keep_every_consultation_of_a_single_site(db):
    """Wagtail's migrations grant Moderators the tree's root: a single-site installation needs no set-up."""
    consultation = factories.consultation("participate")
    moderators = Group.objects.get(name=MODERATORS_GROUP)
    assert GroupPagePermission.objects.filter(group=moderators, page__depth=1).exists()
    user = factories.CitizenFactory(username="demo.moderator")
    user.groups.add(moderators)
    assert list(selectors.consultations_managed_by(user=user)) == [consultation]
