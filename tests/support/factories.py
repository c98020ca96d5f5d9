"""Factories for the domain. Pages are added under the site's home page, as staff would."""

from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, Site

from cms import services as cms_services
from cms.models import HomePage, PrivacyPage, StandardPage
from forum import services as forum_services
from forum.models import RoomSession, Screen, Terminal
from participation import services
from participation.models import ConsultationPage, Contribution, Participant, ProposalPage, TwinFeature

DELFT_AREA = {
    "type": "Polygon",
    "coordinates": [[[4.3622, 52.0109], [4.3660, 52.0109], [4.3660, 52.0135], [4.3622, 52.0135], [4.3622, 52.0109]]],
}
INSIDE = {"latitude": 52.0120, "longitude": 4.3640}
OUTSIDE = {"latitude": 52.0200, "longitude": 4.3800}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"citizen{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class CitizenFactory(UserFactory):
    """A user with a verified email address: may take part."""

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


def home_page() -> HomePage:
    """The site's home page, made as the demo makes it (transactional tests flush what migrations made)."""
    return cms_services.ensure_home_page(title="Bürgerforum", slug="buergerforum")[0]


def other_site(hostname: str = "kalletal.example", *, title: str = "Kalletal") -> Site:
    """A second municipality on the installation: its own home page at the top of the tree, its own host."""
    home_page()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title=title, slug=slugify(title)))
    return Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=title)


def consultation(phase: str = "vote", *, parent=None, **fields) -> ConsultationPage:
    """A published consultation whose current phase is ``phase`` (inform/participate/vote/evaluate), under the
    default site's home page or ``parent``."""
    now = timezone.now()
    day = timedelta(days=1)
    windows = {
        "inform": (now + day, now + 10 * day, now + 11 * day, now + 20 * day),
        "participate": (now - day, now + 10 * day, now + 11 * day, now + 20 * day),
        "vote": (now - 10 * day, now + 10 * day, now - day, now + day),
        "evaluate": (now - 20 * day, now - 10 * day, now - 9 * day, now - day),
    }
    p_start, p_end, v_start, v_end = windows[phase]
    values = {
        "title": "Ein Platz",
        "slug": f"consultation-{ConsultationPage.objects.count() + 1}",
        "intro": "Worum es geht.",
        "area": DELFT_AREA,
        "participation_starts": p_start,
        "participation_ends": p_end,
        "voting_starts": v_start,
        "voting_ends": v_end,
        **fields,
    }
    return services.add_consultation(parent=parent or home_page(), **values)


def proposal(consultation_page: ConsultationPage, **fields) -> ProposalPage:
    values = {
        "title": "Ein Vorschlag",
        "slug": f"proposal-{ProposalPage.objects.count() + 1}",
        "summary": "Was vorgeschlagen wird.",
        **fields,
    }
    return services.add_proposal(consultation=consultation_page, **values)


def screen(consultation_page: ConsultationPage, slug: str = "foyer") -> Screen:
    """A kiosk screen with a fresh token, kept on it as ``screen.token`` (what its set-up address carries)."""
    made = forum_services.ensure_screen(name=slug.title(), slug=slug, consultation=consultation_page)[0]
    made.token = forum_services.issue_device_token(device=made)
    return made


def terminal(consultation_page: ConsultationPage, slug: str = "eingang") -> Terminal:
    """A touch terminal with a fresh token, kept on it as ``terminal.token``."""
    made = forum_services.ensure_terminal(name=slug.title(), slug=slug, consultation=consultation_page)[0]
    made.token = forum_services.issue_device_token(device=made)
    return made


def room(consultation_page: ConsultationPage, *, presenter=None, title: str = "Bürgerforum") -> RoomSession:
    """An open room session of the consultation, opened by a moderator."""
    return forum_services.open_room(presenter=presenter or moderator(), consultation=consultation_page, title=title)


def standard_page(parent=None, **fields) -> StandardPage:
    values = {"title": "Eine Seite", "slug": f"page-{StandardPage.objects.count() + 1}", **fields}
    return (parent or home_page()).add_child(instance=StandardPage(**values))


def privacy_page(**fields) -> PrivacyPage:
    """The privacy page under the home page, as the demo makes it (its statement comes from the template)."""
    page, _ = cms_services.ensure_privacy_page(
        parent=home_page(), slug=fields.pop("slug", "datenschutz"), title=fields.pop("title", "Datenschutz")
    )
    for name, value in fields.items():
        setattr(page, name, value)
    if fields:
        page.save_revision().publish()
    return page


def comment(consultation_page: ConsultationPage, *, author=None, **fields) -> Contribution:
    """A contribution written straight to the database (no rules): for reads, lists and pages."""
    values = {"text": "Ein Kommentar", "author": author, **fields}
    return Contribution.objects.create(consultation=consultation_page, **values)


def bulk_comments(
    consultation_page: ConsultationPage, count: int, *, author=None, proposal=None, replies_every: int = 0, **fields
) -> list[Contribution]:
    """``count`` published top-level comments in two queries; every ``replies_every``-th gets two replies."""
    comments = Contribution.objects.bulk_create(
        Contribution(consultation=consultation_page, proposal=proposal, author=author, text=f"Kommentar {n}", **fields)
        for n in range(count)
    )
    if replies_every:
        Contribution.objects.bulk_create(
            Contribution(consultation=consultation_page, proposal=proposal, parent=parent, author=author, text=text)
            for parent in comments[::replies_every]
            for text in ("Eine Antwort", "Noch eine Antwort")
        )
    return comments


def participant(user) -> Participant:
    """The account's participant, as its first vote would make it."""
    return services.participant_of(user)


def grant_site(group, page=None):
    """``group`` looks after the site of ``page`` (by default the default site's home page): a Wagtail page
    permission on it, as a city grants its staff (``selectors.consultations_managed_by``). "Lock", the least of
    them: the scope, without the right to edit pages."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    lock = Permission.objects.get(content_type__app_label="wagtailcore", codename="lock_page")
    GroupPagePermission.objects.get_or_create(group=group, page=page or home_page(), permission=lock)
    return group


def moderator(username: str = "moderator"):
    """A citizen in the moderators' group: moderates, runs the room's presenter console, on the site's
    consultations (the group holds page permissions on its root, as Wagtail's migrations grant it the tree's;
    transactional tests flush those, so the site's are granted here)."""
    from django.contrib.auth.models import Group

    from participation.rules import MODERATORS_GROUP

    user = CitizenFactory(username=username)
    user.groups.add(grant_site(Group.objects.get_or_create(name=MODERATORS_GROUP)[0]))
    return user


def _admin_access():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")


def presenter(username: str = "presenter"):
    """A moderator who reaches the Wagtail admin, as the Moderators group made by Wagtail's migrations does
    (transactional tests flush the group's permission: it is granted again here)."""
    user = moderator(username)
    user.groups.get().permissions.add(_admin_access())
    return user


def staff(username: str = "clerk", *codenames: str):
    """Staff of the site in the admin who are no moderators (in a group with a page permission on the site's
    root); with ``codenames``, holding those permissions too (e.g. "add_analogentry": may enter paper results)."""
    from django.contrib.auth.models import Group, Permission

    user = CitizenFactory(username=username)
    user.user_permissions.add(_admin_access(), *Permission.objects.filter(codename__in=codenames))
    user.groups.add(grant_site(Group.objects.get_or_create(name="Staff of the site")[0]))
    return user


def device() -> Participant:
    """A phone in the room, as its first answer would make it."""
    return services.device_participant(key=services.new_participant_key())


def citizens(count: int) -> list:
    """``count`` verified citizens."""
    return [CitizenFactory() for _ in range(count)]


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    """A GeoJSON rectangle (WGS84)."""
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def twin_feature(geometry: dict | None = None, **fields) -> TwinFeature:
    """A twin object with its bounding box and centroid worked out; by default a building inside DELFT_AREA."""
    from shapely.geometry import shape

    geometry = geometry or box(4.3638, 52.0118, 4.3642, 52.0121)
    outline = shape(geometry)
    min_lon, min_lat, max_lon, max_lat = outline.bounds
    values = {
        "source": "test",
        "twin_id": f"T{TwinFeature.objects.count() + 1}",
        "kind": "building",
        "geometry": geometry,
        "latitude": outline.centroid.y,
        "longitude": outline.centroid.x,
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        **fields,
    }
    return TwinFeature.objects.create(**values)
