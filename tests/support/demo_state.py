"""The demo site of the browser tests: seeded once per test run, then put back before each test as it was.

seed_demo takes 8-14 s; every browser test wants a fresh demo, twice per CI run. So the first test that asks
seeds it and takes a copy of everything the seed leaves behind; every later test gets that copy put back:

- the whole database, ids and sequences included (tests.support.database_copy): the same ids every time;
- the files it wrote under MEDIA_ROOT (the open data download), rewritten where a test removed or changed them;
- the files it writes under VAR_DIR (the admin's password, the devices' addresses), into the test's folder;
- no cache entry: the test process' cache is cleared, and every running test server forgets what it keeps
  between requests (tests.support.served), as a server would that never saw the earlier tests.

Each test gets its own model instances, read from the database put back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from tests.support import database_copy, factories
from tests.support.browser import outside_event_loop
from tests.support.server import forget_everything


@dataclass
class Demo:
    """The demo site (forum.demo.seed_demo) as the tests use it."""

    consultation: object
    proposal: object
    screen: object
    imprint: object
    screen_token: str
    room: object

    @property
    def kiosk_url(self) -> str:
        """The address the operator gets for the screen: its token goes into a cookie, then the page shows."""
        return f"/kiosk/{self.screen.slug}/?token={self.screen_token}"


@dataclass(frozen=True)
class DemoKeys:
    """What a test's Demo is read from: its objects' ids, and the screen's token (only its hash is stored)."""

    consultation: int
    proposal: int
    screen: int
    imprint: int
    room: int
    screen_token: str

    def read(self) -> Demo:
        from cms.models import StandardPage
        from forum.models import RoomSession, Screen
        from participation.models import ConsultationPage, ProposalPage

        return Demo(
            consultation=ConsultationPage.objects.get(pk=self.consultation),
            proposal=ProposalPage.objects.get(pk=self.proposal),
            screen=Screen.objects.get(pk=self.screen),
            imprint=StandardPage.objects.get(pk=self.imprint),
            screen_token=self.screen_token,
            room=RoomSession.objects.get(pk=self.room),
        )


def seed(var_dir: Path) -> DemoKeys:
    """The demo, seeded on the migrated state (the same Wagtail site, id 1, and content types as every test's:
    the servers cache by those ids, Wagtail's site root paths and Django's content types)."""
    from cms.models import StandardPage
    from forum import services as forum_services
    from forum.demo import seed_demo
    from forum.models import RoomSession, Screen
    from participation.models import ConsultationPage, ProposalPage

    factories.home_page()  # the home page as the default site's root; seed_demo builds on it
    with override_settings(VAR_DIR=var_dir):  # the demo admin's password file stays out of var/
        seed_demo()
    consultation = ConsultationPage.objects.get(slug="platz-am-wasser")
    screen = Screen.objects.get(slug="foyer")
    return DemoKeys(
        consultation=consultation.pk,
        proposal=ProposalPage.objects.child_of(consultation).get(slug="baeume-und-baenke").pk,
        screen=screen.pk,
        imprint=StandardPage.objects.get(slug="impressum").pk,
        room=RoomSession.objects.get(consultation=consultation, closed_at__isnull=True).pk,
        screen_token=forum_services.issue_device_token(device=screen),
    )


@dataclass
class Seeded:
    keys: DemoKeys
    database: database_copy.PostgresCopy | database_copy.SqliteCopy
    media: dict[Path, bytes]  # path under MEDIA_ROOT -> content
    var_files: dict[Path, bytes]  # path under VAR_DIR -> content


class DemoState:
    """The demo of one test run: seeded by the first test that asks, put back for every later one."""

    def __init__(self, folder: Path, seed: Callable[[Path], DemoKeys] = seed):
        self.folder = folder  # where the seed writes what goes to VAR_DIR
        self._seed = seed
        self._seeded: Seeded | None = None

    def fresh(self, var_dir: Path) -> Demo:
        """The demo as seed_demo leaves it, its VAR_DIR files in ``var_dir``; call in a transactional test."""
        if self._seeded is None:
            self._seeded = outside_event_loop(self._seed_and_copy)
        else:
            outside_event_loop(self._put_back)
        for path, content in self._seeded.var_files.items():
            (var_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (var_dir / path).write_bytes(content)
        cache.clear()  # what the seed cached here, or an earlier test: built again from the database as needed
        forget_everything()
        return outside_event_loop(self._seeded.keys.read)

    def _seed_and_copy(self) -> Seeded:
        media_root = Path(settings.MEDIA_ROOT)
        before = _files(media_root)
        keys = self._seed(self.folder)
        written = [path for path, stamp in _files(media_root).items() if before.get(path) != stamp]
        return Seeded(
            keys=keys,
            database=database_copy.take(),
            media={path: (media_root / path).read_bytes() for path in written},
            var_files={path: (self.folder / path).read_bytes() for path in _files(self.folder)},
        )

    def _put_back(self) -> None:
        self._seeded.database.put_back()
        media_root = Path(settings.MEDIA_ROOT)
        for path, content in self._seeded.media.items():
            target = media_root / path
            if not target.is_file() or target.read_bytes() != content:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)


def _files(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every file under ``folder`` (relative) with its size and time of change: the seed's are new or changed."""
    if not folder.is_dir():
        return {}
    found = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder): (path.stat().st_size, path.stat().st_mtime_ns) for path in found}
