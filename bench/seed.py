"""The bench's data, made through the services as staff and the room would make it (bulk rows only where
a citizen's own writes would take hours: accounts, comments, located comments).

Call inside a configured Django (the database the servers use). Nothing here imports tests/.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

# A box around Delft's centre (the demo city): consultations' areas and the map's comments lie in it.
CITY_BOX = (4.330, 51.995, 4.395, 52.025)
MODERATORS = "moderator"


@dataclass
class Room:
    """A consultation in its voting phase with its room open, a proposal shown and a kiosk screen."""

    consultation: int
    proposals: list[int]  # proposals[0] is the one shown in the room (phones vote on it)
    code: str
    screen_slug: str
    screen_token: str

    @property
    def shown(self) -> int:
        return self.proposals[0]


@dataclass
class Seeded:
    room: Room
    sessions: list[str] = field(default_factory=list)  # session keys of verified citizens, one each
    pages: dict[str, str] = field(default_factory=dict)  # page name -> path
    map_consultation: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def home():
    from cms import services as cms_services

    return cms_services.ensure_home_page(title="Bürgerforum", slug="buergerforum")[0]


def voting_consultation(*, title: str, slug: str):
    """A published consultation whose voting phase is open now."""
    from participation import services

    now, day = timezone.now(), timedelta(days=1)
    return services.add_consultation(
        parent=home(),
        title=title,
        slug=slug,
        intro="Worum es geht.",
        area=box(*CITY_BOX),
        participation_starts=now - 10 * day,
        participation_ends=now + 10 * day,
        voting_starts=now - day,
        voting_ends=now + 10 * day,
    )


def moderator():
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from participation.rules import MODERATORS_GROUP

    user, _ = get_user_model().objects.get_or_create(username=MODERATORS, defaults={"email": "moderator@example.org"})
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


def room(*, proposals: int = 5, slug: str = "bench-room") -> Room:
    """The evening's consultation: proposals, the room open showing the first, a kiosk screen with a token."""
    from forum import services as forum_services
    from forum.models import Scene
    from participation import services

    consultation = voting_consultation(title="Ein neuer Platz am Wasser", slug=slug)
    made = [
        services.add_proposal(
            consultation=consultation,
            title=f"Vorschlag {n + 1}",
            slug=f"{slug}-p{n + 1}",
            summary="Was vorgeschlagen wird.",
        )
        for n in range(proposals)
    ]
    presenter = moderator()
    opened = forum_services.open_room(presenter=presenter, consultation=consultation, title="Bürgerforum")
    forum_services.show_in_room(presenter=presenter, room=opened, scene=Scene.PROPOSAL, proposal=made[0])
    screen = forum_services.ensure_screen(name="Foyer", slug=f"{slug}-foyer", consultation=consultation)[0]
    token = forum_services.issue_device_token(device=screen)
    return Room(consultation.pk, [p.pk for p in made], opened.code, screen.slug, token)


def citizens(count: int, *, prefix: str = "bench") -> list[str]:
    """``count`` verified citizens, each logged in: their session keys (what a browser holds after logging in)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    User = get_user_model()
    with transaction.atomic():
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.org", password=unusable) for n in range(count)
        )
        if not all(user.pk for user in users):  # backends without RETURNING ids
            users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        store = SessionStore()
        sessions = [
            Session(
                session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
                session_data=store.encode(
                    {
                        "_auth_user_id": str(user.pk),
                        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                        "_auth_user_hash": user.get_session_auth_hash(),
                    }
                ),
                expire_date=expires,
            )
            for user in users
        ]
        Session.objects.bulk_create(sessions)
    return [session.session_key for session in sessions]


def discussed_consultation(*, comments: int, slug: str = "bench-pages") -> dict[str, str]:
    """A consultation with ``comments`` published comments (every fifth on its proposal): the paths of its
    page and its proposal's page."""
    from participation import services
    from participation.models import Contribution

    consultation = voting_consultation(title="Der Marktplatz", slug=slug)
    proposal = services.add_proposal(
        consultation=consultation, title="Bäume am Markt", slug=f"{slug}-p1", summary="Mehr Grün."
    )
    authors = list(get_user_model().objects.order_by("pk")[:50]) or [None]
    Contribution.objects.bulk_create(
        (
            Contribution(
                consultation=consultation,
                proposal=proposal if n % 5 == 0 else None,
                author=authors[n % len(authors)],
                text=f"Kommentar {n}: " + "Ein Satz zum Platz. " * 5,
            )
            for n in range(comments)
        ),
        batch_size=2000,
    )
    return {"consultation": consultation.url, "proposal": proposal.url}


def located_comments(*, count: int, slug: str = "bench-map") -> int:
    """A consultation with ``count`` published comments at places spread over the city: its id."""
    from participation.models import Contribution

    consultation = voting_consultation(title="Wo fehlt etwas?", slug=slug)
    rng = random.Random(8)
    min_lon, min_lat, max_lon, max_lat = CITY_BOX
    for start in range(0, count, 10_000):
        Contribution.objects.bulk_create(
            (
                Contribution(
                    consultation=consultation,
                    text=f"Hier fehlt etwas ({n}).",
                    latitude=rng.uniform(min_lat, max_lat),
                    longitude=rng.uniform(min_lon, max_lon),
                )
                for n in range(start, min(count, start + 10_000))
            ),
            batch_size=2000,
        )
    return consultation.pk


def device_cookie(key: str) -> str:
    """The signed device cookie a phone gets when it first opens the room's page (forum.cookies)."""
    from django.core.signing import get_cookie_signer

    from forum.cookies import DEVICE_COOKIE, DEVICE_SALT

    return get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_SALT).sign(key)


def device_cookies(count: int) -> list[str]:
    from participation.services import new_participant_key

    return [device_cookie(new_participant_key()) for _ in range(count)]


def seed(*, citizens_count: int, comments: int, small_comments: int, located: int) -> Seeded:
    seeded = Seeded(room=room())
    seeded.sessions = citizens(citizens_count)
    small = discussed_consultation(comments=small_comments, slug="bench-few")
    seeded.pages = {
        "home": home().url,
        **discussed_consultation(comments=comments),
        **{f"small_{name}": path for name, path in small.items()},
    }
    if located:
        seeded.map_consultation = located_comments(count=located)
    _analyze()
    return seeded


def _analyze() -> None:
    """Statistics for the planner, as autovacuum has them a minute after a bulk load in production: without
    them PostgreSQL joins all 5,000 comments before it sorts (45 ms instead of 0.7 ms per page's list)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
