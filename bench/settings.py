"""The settings of the servers the bench starts (DJANGO_SETTINGS_MODULE=bench.settings): the site's own,
from the same environment, plus the trivial floor views of ``bench.urls``."""

from forum.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
