"""Settings for the whole site, driven by environment variables.

With no variables set, the site runs on one laptop: SQLite under var/, the
in-memory channel layer, Celery tasks run eagerly, DEBUG on. DATABASE_URL and
REDIS_URL switch to PostgreSQL, the Redis channel layer and real workers.
The README lists every variable.
"""

import ipaddress
import os
import secrets
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from forum.csp_sources import tile_origins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key(debug: bool) -> str:
    """SECRET_KEY from the environment; on a laptop (DEBUG on), one generated once under var/. In production
    a missing key stops the start: a generated one would differ between hosts and vanish with the folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site does not generate one: set SECRET_KEY "
            "(deploy/env.example), the same on every host."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", default="DATABASE_URL" not in os.environ)
SECRET_KEY = _secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "forum.views.site.csrf_failure"  # JSON under /api/, Django's page elsewhere

INSTALLED_APPS = [
    "forum",
    "participation",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "channels",
    "leaflet",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (SECURE_CSP below); above the page cache, so kept pages get them.
    "forum.security_headers.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that found the database unreachable answers 503 with Retry-After, not 500 (forum.database_errors).
    "forum.database_errors.DatabaseUnavailable",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: it needs the session, the language, the CSRF cookie and the user of those above.
    "participation.page_cache.PagesFromTheCache",
]

# Widgets render through TEMPLATES, so our widget templates live in the one root (templates/participation/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# The bench serves the site plus its trivial floor views (bench/urls.py) through this.
ROOT_URLCONF = "forum.urls"
ASGI_APPLICATION = "forum.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "forum.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Immediate transactions and a busy timeout let concurrent writers queue
    # instead of failing with "database is locked"; WAL lets readers go on.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif int(os.environ.get("DATABASE_POOL_SIZE", "10")):
    # A connection pool per server process: under ASGI every concurrent request runs on a thread of its
    # own, and without a pool a burst of votes from a full room opens a connection per request, up to
    # PostgreSQL's limit (then votes fail). With the pool, requests wait a moment for a free connection.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    # Health checks: a connection PostgreSQL dropped (a restart) is replaced when taken, not used.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")), "timeout": 20}
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Test databases are files/databases of their own per test process, so that
# server processes started by tests can share them and parallel runs never collide.
DATABASES["default"]["TEST"] = {
    "NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    else f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery ------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "buergerforum")
if REDIS_URL:
    # The pub/sub layer only publishes: no per-channel capacity that would drop
    # frames silently (FIELD-NOTES). Frames are coalesced snapshots, so the
    # publish rate stays bounded by the publisher, not by the vote rate.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNEL_LAYER_PREFIX},
        }
    }
    # Redis is a help, never a must: with it down, the cache finds and keeps nothing (participation.caching).
    CACHES = {
        "default": {
            "BACKEND": "participation.caching.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CHANNEL_LAYER_PREFIX,
            # A Redis that hangs instead of refusing is given up on after a second, as one that is down.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # Room for a twin's base map tiles besides the pages (Django's default keeps 300 entries).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 3000}}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL and "CELERY_BROKER_URL" not in os.environ
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker process that dies mid-task (OOM killer, a crash) gives its message back at once instead of losing it;
# a job's row (a twin import, an export) has a lease (JOB_LEASE_SECONDS): a second delivery waits or takes over.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A message taken by a worker that then vanished entirely (SIGKILL, power loss) is given to another worker after
# this many seconds (Redis broker; kombu's default is an hour). It must exceed every countdown a task is queued
# with (else the message is delivered twice); tasks that run longer than it are delivered again while they run,
# which the twin import's job guard turns into "wait for it". Workers look for such messages every tenth of it.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
# Without a worker (the embedded default runs tasks eagerly), a queued task runs on a thread of its own,
# so the request that queued it (a twin import) answers at once and its page shows the progress.
TASKS_IN_BACKGROUND_WITHOUT_WORKER = env_bool("TASKS_IN_BACKGROUND_WITHOUT_WORKER", True)
# What beat (deploy/bin/beat) queues: expired sessions deleted daily, as the privacy page says (forum.tasks);
# export files older than EXPORT_RETENTION_DAYS deleted hourly (participation.tasks; each new export does it too).
# Notifications waiting for a daily digest go out once a day at NOTIFICATION_DIGEST_HOUR (TIME_ZONE), one mail per
# citizen (participation.tasks).
NOTIFICATION_DIGEST_HOUR = int(os.environ.get("NOTIFICATION_DIGEST_HOUR", "7"))
if not 0 <= NOTIFICATION_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFICATION_DIGEST_HOUR must be an hour from 0 to 23.")
# Every SCHEDULE_SECONDS: phases whose date passed are announced (screens, phones and cached pages follow) and
# Wagtail's scheduled publishing ("go live at", "expire at") is done (participation.tasks.run_schedule). A run
# not started within that time is dropped (the next one does its work). Without a worker (the embedded
# default) the server process runs it itself, every SCHEDULE_SECONDS (SCHEDULE_IN_PROCESS).
SCHEDULE_SECONDS = float(os.environ.get("SCHEDULE_SECONDS", "30"))
SCHEDULE_IN_PROCESS = env_bool("SCHEDULE_IN_PROCESS", CELERY_TASK_ALWAYS_EAGER)
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "forum.clear_expired_sessions", "schedule": 24 * 3600},
    "delete-expired-exports": {"task": "participation.tasks.delete_expired_exports", "schedule": 3600},
    "send-daily-digests": {
        "task": "participation.tasks.queue_daily_digests",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR, minute=0),
    },
    # Open data downloads follow changes made after their results were published (a comment hidden, a paper
    # count corrected) within the hour; unchanged ones are left as they are.
    "refresh-open-data": {"task": "participation.tasks.refresh_open_data", "schedule": 3600},
    "run-schedule": {
        "task": "participation.tasks.run_schedule",
        "schedule": SCHEDULE_SECONDS,
        "options": {"expires": SCHEDULE_SECONDS},
    },
}

# --- Accounts (django-allauth) ----------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "forum.forms.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
# Failed logins, per address and per account; the admin's login (/admin/login/) counts against the same limits
# (forum.forms.AdminLoginForm). Addresses as participation.inputs.client_address finds them (forum.account_adapter).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/h/ip"}
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
# Mails in the site's name, with links to its public address (SITE_NAME, BASE_URL), never the request's host.
ACCOUNT_ADAPTER = "forum.account_adapter.AccountAdapter"

# --- The city's own login (OpenID Connect, allauth.socialaccount) -----------
# One provider, the city's, configured by its issuer (the address its /.well-known/openid-configuration is under)
# and the client the city registered for the site; its callback is BASE_URL + /accounts/oidc/city/login/callback/.
# Without OIDC_ISSUER there is no such login: no button, and its addresses answer 404.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_ID = "city"
# The login's name on its button ("Log in with <OIDC_NAME>") and wherever the site names it.
OIDC_NAME = os.environ.get("OIDC_NAME", "").strip() or _("City login")
OIDC_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(OIDC_ISSUER)) if OIDC_ISSUER else ""
if OIDC_ISSUER and not (OIDC_ISSUER.startswith(("https://", "http://")) and OIDC_CLIENT_ID):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET) and must be an http(s) URL.")
# Citizens sign up and log in with an e-mail address and a password as well, unless LOCAL_ACCOUNTS is off: then
# only the city's login is offered (allauth's SOCIALACCOUNT_ONLY; password login and sign-up are refused).
LOCAL_ACCOUNTS = env_bool("LOCAL_ACCOUNTS", True)
if not LOCAL_ACCOUNTS and not OIDC_ISSUER:
    raise ImproperlyConfigured("LOCAL_ACCOUNTS is off but OIDC_ISSUER is not set: nobody could log in.")
SOCIALACCOUNT_ONLY = not LOCAL_ACCOUNTS
if SOCIALACCOUNT_ONLY:
    # allauth's condition for it: no e-mail verification of its own. Whether an address counts as verified (and so
    # may vote, participation.rules) is what the city's login says of it (the email_verified claim).
    ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_FORMS = {"signup": "forum.forms.SocialSignupForm"}
# The citizen chooses the public name shown with their comments (never the provider's name for them).
SOCIALACCOUNT_AUTO_SIGNUP = False
# An address the city's login says is verified logs in to the local account that has it (verified there too).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False  # the site asks the provider nothing after the login
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": OIDC_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_ISSUER, "scope": ["openid", "email", "profile"]},
            }
        ]
        if OIDC_ISSUER
        else [],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", CONSOLE_EMAIL_BACKEND)
if not DEBUG and EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND:
    # Account mails (password-reset links among them) would land in the server's log and reach nobody.
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is the console backend, which writes mails to the log. With DEBUG off set EMAIL_BACKEND "
        "(e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, deploy/env.example)."
    )
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "buergerforum@localhost")

# --- The site's name and public address ----------------------------------------
# Mails, QR codes and the addresses commands print use BASE_URL, never the host a request came in on.
SITE_NAME = os.environ.get("SITE_NAME", "Bürgerforum")
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def public_hosts(hosts: list[str]) -> list[str]:
    """Those of ``hosts`` that may be reached from the internet: a wildcard, a name with a public suffix, an
    address that is not loopback, private or link-local. Local names (localhost, *.local, *.internal, *.test,
    names without a dot such as a container's) and the unspecified address 0.0.0.0 are not."""
    public = []
    for host in hosts:
        name = host.strip().lstrip(".").lower().strip("[]")
        try:
            reachable = ipaddress.ip_address(name).is_global
        except ValueError:
            reachable = name == "*" or ("." in name and not name.endswith(LOCAL_NAME_SUFFIXES))
        if reachable:
            public.append(host)
    return public


LOCAL_NAME_SUFFIXES = (".localhost", ".local", ".internal", ".test", ".lan", ".home.arpa")
if DEBUG and (
    exposed := public_hosts(
        [*ALLOWED_HOSTS, *(urlsplit(url).hostname or "" for url in [BASE_URL, *CSRF_TRUSTED_ORIGINS])]
    )
):
    # DEBUG shows every visitor the settings, tracebacks and SQL of a failing page, and serves files unhashed.
    raise ImproperlyConfigured(
        f"DEBUG is on, but ALLOWED_HOSTS, BASE_URL or CSRF_TRUSTED_ORIGINS name a public host ({', '.join(exposed)}). "
        "DEBUG is for a laptop or a local network: set DEBUG=0 for a public site (deploy/env.example)."
    )

# --- Language and time -------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
CELERY_TIMEZONE = TIME_ZONE  # beat's daily hours (the digest) are the site's
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# MapLibre GL JS for the 3D view: npm ci (run by `make install`) puts its built files
# under node_modules/; only its dist folder is served, under static/vendor/maplibre-gl/.
MAPLIBRE_DIST = BASE_DIR / "node_modules" / "maplibre-gl" / "dist"
if MAPLIBRE_DIST.is_dir():  # without Node.js at set-up, the 3D page says it is not installed
    STATICFILES_DIRS.append(("vendor/maplibre-gl", MAPLIBRE_DIST))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Wagtail -----------------------------------------------------------------
WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
# No page loads anything from another host (tests/e2e/test_nothing_calls_out.py): no avatars from gravatar.com
# in the admin (forum.wagtail_hooks draws initials instead), no check for new releases on releases.wagtail.org
# from the dashboard, no banner about Wagtail's news.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The admin's login counts failed attempts against allauth's login limits (ACCOUNT_RATE_LIMITS).
WAGTAILADMIN_USER_LOGIN_FORM = "forum.forms.AdminLoginForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# The time zones staff may choose in their account: the regions' IANA names. Wagtail offers all the system
# knows by default, Debian's "localtime" among them, which browsers reject (the account page's script fails).
TIME_ZONE_REGIONS = {
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}
WAGTAIL_USER_TIME_ZONES = [
    *sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and zone.split("/")[0] in TIME_ZONE_REGIONS),
    "UTC",
]

# --- The city and its map ----------------------------------------------------------
CITY_NAME = os.environ.get("CITY_NAME", "Delft")
MAP_CENTER = [float(v) for v in os.environ.get("MAP_CENTER", "52.0122,4.3658").split(",")]
MAP_ZOOM = int(os.environ.get("MAP_ZOOM", "16"))
# Public tile servers forbid production use; the tile URL is the city's choice.
# Empty means no base map: areas, pins and (later) the twin are drawn alone.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
# The twin that `manage.py seed_demo` imports (the Delft model in data/twin/, see data/SOURCES.md); empty: none.
TWIN_DEMO_FILE = os.environ.get("TWIN_DEMO_FILE", str(BASE_DIR / "data" / "twin" / "delft.city.json"))
# Twin files uploaded in the admin (Twin import): a Bavarian LoD2 tile is 10-150 MB.
TWIN_IMPORT_MAX_BYTES = 200 * 1024 * 1024
# The worker that runs a job (a twin import, an export) writes a sign of life every quarter of this; a job without
# one for this long (its worker died) is taken over by the next delivery of its task (CELERY_VISIBILITY_TIMEOUT).
JOB_LEASE_SECONDS = float(os.environ.get("JOB_LEASE_SECONDS", "120"))
# Exports of a consultation (admin, "Export"): their files are deleted this many days after they were asked for.
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "7"))
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": tuple(MAP_CENTER),
    "DEFAULT_ZOOM": MAP_ZOOM,
    "TILES": [(_("Map"), MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})] if MAP_TILE_URL else [],
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

# --- API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["participation.api.auth.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "participation.api.pagination.LimitOffsetPagination",
    # JSON within DATA_UPLOAD_MAX_MEMORY_SIZE and nested at most inputs.JSON_MAX_DEPTH levels; forms as DRF reads them.
    "DEFAULT_PARSER_CLASSES": [
        "participation.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "participation.api.exceptions.exception_handler",
}
# What the open data (the APIs, the downloads) may be reused under: the city's choice, named on /open-data/.
OPEN_DATA_LICENSE = os.environ.get(
    "OPEN_DATA_LICENSE", "Datenlizenz Deutschland \u2013 Namensnennung \u2013 Version 2.0"
)
OPEN_DATA_LICENSE_URL = os.environ.get("OPEN_DATA_LICENSE_URL", "https://www.govdata.de/dl-de/by-2-0")
SPECTACULAR_SETTINGS = {
    "TITLE": "Bürgerforum API",
    "DESCRIPTION": "Consultations, proposals, results and contributions of the Bürgerforum.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["participation.api.schema.public_endpoints_only"],
    # <id:pk> (participation.inputs.IdConverter): a whole number of at most 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "participation.api.schema.document_errors",
    ],
}

# --- Limits for what the public can write --------------------------------------------
CONTRIBUTION_MAX_LENGTH = 2000
RATELIMIT_CONTRIBUTIONS = os.environ.get("RATELIMIT_CONTRIBUTIONS", "10/m")
# Minutes in which citizens may change what they posted (the earlier text is kept); withdrawing is always possible.
CONTRIBUTION_EDIT_MINUTES = int(os.environ.get("CONTRIBUTION_EDIT_MINUTES", "15"))
# Edits and withdrawals of one's own contributions, per account.
RATELIMIT_OWN_CONTRIBUTIONS = os.environ.get("RATELIMIT_OWN_CONTRIBUTIONS", "20/m")
RATELIMIT_VOTES = os.environ.get("RATELIMIT_VOTES", "60/m")
# Reports of contributions to the moderators, per account (site and API together).
RATELIMIT_FLAGS = os.environ.get("RATELIMIT_FLAGS", "10/m")
# In the room, per phone (or terminal, or account) and per room session; never per address: a whole room
# shares one public address behind the venue's Wi-Fi.
RATELIMIT_ROOM_DEVICE = os.environ.get("RATELIMIT_ROOM_DEVICE", "30/m")
RATELIMIT_ROOM = os.environ.get("RATELIMIT_ROOM", "6000/m")
# Per touch terminal, whoever stands at it: its comments, votes and poll answers together.
RATELIMIT_TERMINAL = os.environ.get("RATELIMIT_TERMINAL", "30/m")
# A room phone's random key, signed, in this cookie (forum.cookies); the privacy page names both.
ROOM_DEVICE_COOKIE_NAME = "bf_device"
ROOM_DEVICE_COOKIE_AGE = 90 * 24 * 3600
# --- Touch terminals ---------------------------------------------------------------------
# Seconds without input after which a terminal clears everything and starts over for the next person.
TERMINAL_IDLE_SECONDS = float(os.environ.get("TERMINAL_IDLE_SECONDS", "60"))
RATELIMIT_VIEW = "forum.views.rate_limited"
# Proxies (addresses or networks) whose X-Forwarded-For is believed: a request from one of them counts against the
# right-most address in that header that is not one of them; any other request against its connection's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a typo stops the start, not the limits
RATELIMIT_IP_META_KEY = "participation.inputs.client_address"
# How often live screens get a new frame at most (seconds between frames per group).
LIVE_FRAME_INTERVAL = float(os.environ.get("LIVE_FRAME_INTERVAL", "0.2"))
# How often every socket is told the current revision (a client behind it reloads), in seconds.
LIVE_HEARTBEAT_INTERVAL = float(os.environ.get("LIVE_HEARTBEAT_INTERVAL", "5"))

# --- Moderation ---------------------------------------------------------------------
# The automatic check of every new contribution (participation.services.precheck) holds it for review when it has
# more than this many links, repeats a text posted in the same consultation (or by the same author) within the
# hours given, or contains a word of the lists (data/moderation/words.de.txt, words.en.txt, plus MODERATION_WORDS).
MODERATION_MAX_LINKS = int(os.environ.get("MODERATION_MAX_LINKS", "2"))
MODERATION_REPEAT_HOURS = float(os.environ.get("MODERATION_REPEAT_HOURS", "24"))
MODERATION_WORDS = env_list("MODERATION_WORDS")

# --- Security (production) ----------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Nothing of the site is framed; Wagtail's admin preview sets SAMEORIGIN on its own views.
X_FRAME_OPTIONS = "DENY"


# Content-Security-Policy (forum.security_headers; Django 6.0's format). Scripts only from the site's own files:
# no page has an inline script or event handler (json_script's data blocks do not run). Styles may be inline, not
# for the maps (Leaflet and MapLibre style through the DOM, which CSP leaves alone) but for Wagtail's userbar,
# which editors see on every page and which adds <style> elements, and for the room's result bars, whose width
# is a style attribute (forum/live/results.html, kiosk.js). The maps draw tiles and icons from data: and blob:
# addresses; the phones' and screens' sockets are the site's own ('self' covers ws:/wss: of the same host, in
# chromium as in the tests). MapLibre's worker is a file of its own ('self').
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *tile_origins(MAP_TILE_URL)],
    "font-src": ["'self'"],
    "connect-src": ["'self'", *tile_origins(MAP_TILE_URL)],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    # A login with the city's account posts to the site, which redirects to the provider: browsers check that
    # redirect against form-action too.
    "form-action": ["'self'", *([OIDC_ORIGIN] if OIDC_ORIGIN else [])],
    # Nothing of the site is framed (X_FRAME_OPTIONS): kiosks show the page itself.
    "frame-ancestors": ["'none'"],
}
# The Wagtail admin writes scripts into its pages (date pickers, inline panels), and frames its previews of pages
# (which get this policy too, forum.security_headers).
SECURE_CSP_ADMIN = {**SECURE_CSP, "script-src": ["'self'", "'unsafe-inline'"], "frame-ancestors": ["'self'"]}
# Browser features no page uses, refused to the site and anything it might frame. The comment map places pins by
# pointing, never by the device's position: no geolocation.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_clients": {"()": "forum.log_filters.HideClients"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Wagtail's background tasks and page log are chatty at INFO.
        **{name: {"level": "WARNING"} for name in ("django_tasks", "wagtail")},
        # uvicorn's lines about a connection without the client's address (forum.log_filters); uvicorn's own
        # handlers and levels stay as its command line set them.
        **{name: {"filters": ["hide_clients"]} for name in ("uvicorn.error", "uvicorn.access")},
    },
}
