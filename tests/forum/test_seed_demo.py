"""`manage.py seed_demo`: an idempotent demo with a generated admin password."""

from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.models import HomePage, SiteSettings
from forum.models import Screen
from participation.models import ConsultationPage, Contribution, ProposalPage, Vote

DEMO_SOURCE = Path(__file__).resolve().parents[2] / "forum" / "demo.py"


@pytest.fixture
def var_dir(tmp_path, settings):
    """The demo writes the admin's credentials under VAR_DIR: keep them in the test's folder."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "contributions": Contribution.objects.count(),
        "votes": Vote.objects.count(),
        "users": get_user_model().objects.count(),
        "emails": EmailAddress.objects.count(),
        "screens": Screen.objects.count(),
        "sites": Site.objects.count(),
    }


def admin_password(var_dir: Path) -> str:
    username, password = (var_dir / "demo-admin.txt").read_text().split()
    assert username == "admin"
    return password


def test_seed_demo_builds_the_demo_site(db, var_dir):
    output = seed()

    assert "Created:" in output
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    consultations = ConsultationPage.objects.live().order_by("path")
    assert [c.slug for c in consultations] == ["platz-am-wasser", "gruene-strassen"]
    for consultation in consultations:
        assert consultation.get_parent().pk == home.pk
        assert consultation.area_min_lon is not None
        assert ProposalPage.objects.child_of(consultation).live().count() >= 2
        located = Contribution.objects.visible().located().filter(consultation=consultation)
        assert located.exists()
    assert Vote.objects.filter(proposal__in=ProposalPage.objects.child_of(consultations[0])).exists()
    screen = Screen.objects.get(slug="foyer")
    assert screen.is_active and screen.consultation_id == consultations[0].pk


def test_seed_demo_puts_every_pin_inside_its_consultations_area(db, var_dir):
    from participation.geometry import contains_point

    seed()

    for comment in Contribution.objects.located().select_related("consultation"):
        assert contains_point(comment.consultation.area, latitude=comment.latitude, longitude=comment.longitude)


def test_seed_demo_links_imprint_and_privacy_in_the_footer(db, var_dir):
    seed()

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert site_settings.imprint_page.slug == "impressum"
    assert site_settings.privacy_page.slug == "datenschutz"


def test_seed_demo_twice_changes_nothing(db, var_dir):
    seed()
    before = counts()
    password = admin_password(var_dir)

    output = seed()

    assert counts() == before
    assert "nothing changed" in output
    assert admin_password(var_dir) == password


def test_the_demo_pages_render(db, var_dir, client):
    seed()

    for page in [HomePage.objects.get(), *ConsultationPage.objects.all(), *ProposalPage.objects.all()]:
        assert client.get(page.url).status_code == 200, page.url
    assert client.get("/kiosk/foyer/").status_code == 200


def test_the_admin_password_is_generated_not_fixed(db, var_dir, tmp_path_factory, settings):
    seed()
    first = admin_password(var_dir)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(first)
    assert len(first) >= 12
    assert first not in DEMO_SOURCE.read_text()
    assert oct((var_dir / "demo-admin.txt").stat().st_mode & 0o777) == "0o600"

    # A fresh database: no admin yet, another folder for the credentials.
    admin.delete()
    settings.VAR_DIR = other = tmp_path_factory.mktemp("fresh")
    seed()

    second = admin_password(other)
    assert second != first
    assert get_user_model().objects.get(username="admin").check_password(second)


def test_seed_demo_prints_where_the_admin_password_is(db, var_dir):
    output = seed()

    assert f"password: {admin_password(var_dir)}" in output
    assert str(var_dir / "demo-admin.txt") in output


@pytest.mark.django_db(transaction=True)
def test_seed_demo_works_on_a_flushed_database(var_dir):
    call_command("flush", interactive=False, verbosity=0)

    seed()

    assert HomePage.objects.count() == 1
