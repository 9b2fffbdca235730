"""Settings for IOP Finder.

Everything that differs between a laptop and production is read from the environment, with
defaults that are safe for production (debug off, secure cookies) except where a new user on a
fresh clone would otherwise be stuck: with no DATABASE_URL the site uses an SQLite file in the
project folder.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# A fixed key is only acceptable on a developer's machine; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "django-insecure-local-development-key-do-not-use-in-production"
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    # Limits admin sign-in attempts (see "Admin sign-in limit" below).
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Full-text search fields and lookups; inert on SQLite (see Program.search_document).
    "django.contrib.postgres",
    "django_filters",
    # History that keeps old values of listings (programs.curation.history).
    "reversion",
    "programs",
    # The benchmark and synthetic data commands; no models, no URLs on the public site.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the query string: a search too big to be a person's is refused.
    "programs.middleware.QueryLimitsMiddleware",
    # Outside everything that may set a cookie or a CSRF token, so it sees the final response.
    "programs.middleware.PublicCompressionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "programs.middleware.PermissionsPolicyMiddleware",
    "programs.middleware.PublicCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read: the admin runs without the public statement time limit.
    "programs.middleware.AdminStatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Outside LocaleMiddleware: the HSDS API is English only, so its answers do not vary by
    # Accept-Language (docs/hsds.md).
    "programs.middleware.EnglishApiVaryMiddleware",
    # The language comes from the URL only (/es/...); see LANGUAGES below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that is away or too slow answers 503 with Retry-After, not a server error.
    "programs.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iopfinder.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "iopfinder.wsgi.application"

SQLITE_CACHED_STATEMENTS = 16
SQLITE_CACHE_KB = 256
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each gunicorn thread keeps its own connection (16 per worker), and SQLite's defaults let
    # each hold about 5 MB on the search pages: 128 prepared statements (Python's default;
    # searches vary their SQL with their filters, so few are asked again) and a 2 MB page cache
    # (the operating system caches the file for every connection anyway). These keep it near
    # 1 MB, with no difference in the search timings beyond noise (README, "Memory").
    _sqlite = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite.setdefault("cached_statements", SQLITE_CACHED_STATEMENTS)
    _sqlite.setdefault("init_command", f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")

# Web workers give each PostgreSQL statement at most this many milliseconds (0: no limit), so a
# search that would run long answers 503 well before gunicorn's 30-second worker timeout. Set
# per connection by wsgi.py; the admin and management commands run without it (README,
# "Production").
STATEMENT_TIMEOUT_MS = env_int("STATEMENT_TIMEOUT_MS", 5000)
# Requests a web worker answers at once (iopfinder.startup.limit_active_requests); its other
# gunicorn threads wait on slow clients or for their turn. A page is CPU work under Python's
# one lock: two at once keep the CPU busy while one waits on the database, and every further
# one only adds its memory and stretches everyone's time. 0: as many as there are threads.
ACTIVE_REQUESTS = env_int("ACTIVE_REQUESTS", 2)
# API addresses answer a refused post in JSON (programs.views.errors).
CSRF_FAILURE_VIEW = "programs.views.errors.csrf_failure"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English and Spanish. The language is chosen by the address alone: public pages under /es/ are
# Spanish, every other address is English whatever the browser asks for (Accept-Language) and
# with no language cookie, so a shared link shows the same page to everyone (iopfinder/urls.py).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# == Security and privacy ==
# A strict Content-Security-Policy: every script, style, image and font comes from the site
# itself, no inline script or style="" attribute runs, and no other site may frame the pages.
# Django's admin (6.x) keeps its scripts in files too, so one policy serves the whole site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A visitor's search (ZIP code, filters) is in the URL: never send it to another site, not
# even the origin. Links to a program's own website carry rel="noopener noreferrer" as well.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page needs, switched off (programs.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# Seconds browsers and shared caches may keep a public page (programs.middleware.
# PublicCacheMiddleware). Listings change rarely; a curator's edit shows within this time.
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 300)
# Seconds a rendered public page is kept on the server (programs.pagecache); a change to the
# listings makes stored pages unreachable at once, whatever this says. 0 switches it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# The HSDS tables offered at /hsds/export.zip: the zip file that `manage.py export_hsds DIR
# --zip FILE` last wrote (run it on a schedule). Empty: no download; the address answers 404.
HSDS_EXPORT_ZIP = os.environ.get("HSDS_EXPORT_ZIP", "")

# "Report a problem": reports accepted per visitor address in a window of this many seconds.
# The limit is counted under a keyed hash of the address that expires with the window
# (programs.curation.ratelimit), so no address is kept once it ends.
REPORT_LIMIT = env_int("REPORT_LIMIT", 5)
REPORT_LIMIT_WINDOW = env_int("REPORT_LIMIT_WINDOW", 3600)

# In-process caches: "default" for fragments (the filters panel), "pages" for whole pages
# (stored compressed, at most PAGE_CACHE_ENTRIES per worker, about 10 KB each), "lists" for
# the sorted ids of HSDS lists (programs.hsds.views.KeptIdsPaginator: at most
# LIST_CACHE_ENTRIES per worker, up to about 150 KB each at 25,000 programs).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 1000)},
    },
    "lists": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lists",
        "OPTIONS": {"MAX_ENTRIES": env_int("LIST_CACHE_ENTRIES", 64)},
    },
}

# HTTPS. Cookies (only the admin sets any) are Secure unless DEBUG is on. HSTS and the HTTP to
# HTTPS redirect are switched on by the deployer (see README, "Production"): the test suite and
# `make run` serve plain http://127.0.0.1, where either would lock the browser out.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Load balancers probe over plain http; /healthz answers there rather than redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Admin sign-in limit (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (429, a plain message,
# programs.views.errors.login_locked), and no password is checked meanwhile. A right password
# before the limit forgets the failures. Attempts are listed in the admin ("Axes"); unlock with
# `manage.py axes_reset_username NAME` (README, "Production"). Behind a proxy, set
# LOGIN_PROXY_COUNT to the number of proxies that add X-Forwarded-For, or every sign-in would
# seem to come from the proxy.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "programs.views.errors.login_locked"
if env_int("LOGIN_PROXY_COUNT", 0):
    AXES_IPWARE_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# == end of security and privacy ==

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Syncing from the national treatment locator (`import_findtreatment --api`, see README).
FINDTREATMENT_API_URL = os.environ.get(
    "FINDTREATMENT_API_URL", "https://findtreatment.gov/locator/exportsAsJson/v2"
)
FINDTREATMENT_API_PAGE_SIZE = env_int("FINDTREATMENT_API_PAGE_SIZE", 500)
# Seconds to wait for one page; tries per page (5xx, timeouts, cut pages); seconds between
# pages (politeness) and before the first retry (doubled for each further retry).
FINDTREATMENT_API_TIMEOUT = float(os.environ.get("FINDTREATMENT_API_TIMEOUT", "60"))
FINDTREATMENT_API_TRIES = env_int("FINDTREATMENT_API_TRIES", 5)
FINDTREATMENT_API_DELAY = float(os.environ.get("FINDTREATMENT_API_DELAY", "1"))
FINDTREATMENT_API_BACKOFF = float(os.environ.get("FINDTREATMENT_API_BACKOFF", "2"))
# Where an interrupted sync records how far it got (`--resume` goes on from there).
FINDTREATMENT_CHECKPOINT = os.environ.get(
    "FINDTREATMENT_CHECKPOINT", str(BASE_DIR / "var" / "findtreatment-sync.json")
)
