"""GENBO settings, read from environment variables (see docs/configuration.md)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from genbo.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("GENBO_DATA_DIR", str(Path.cwd() / "data"))).resolve()

# A key that only the demo and the tests may use; production refuses to start with it.
DEFAULT_SECRET_KEY = "genbo-insecure-development-key-do-not-use-in-production"

PRODUCTION = env_bool("GENBO_PRODUCTION", False)
DEBUG = env_bool("GENBO_DEBUG", False)
SECRET_KEY = env_str("GENBO_SECRET_KEY", DEFAULT_SECRET_KEY)

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("GENBO_DEBUG must be false when GENBO_PRODUCTION is true.")
if PRODUCTION and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "GENBO_SECRET_KEY (or GENBO_SECRET_KEY_FILE) must be set when GENBO_PRODUCTION is true."
    )
if PRODUCTION and len(SECRET_KEY) < 40:
    raise ImproperlyConfigured("GENBO_SECRET_KEY must be at least 40 characters long.")

ALLOWED_HOSTS = env_list("GENBO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("GENBO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "genbo.core",
    "genbo.accounts",
    "genbo.networks",
    "genbo.forum",
    "genbo.notifications",
    "genbo.library",
    "genbo.experts",
    "genbo.chat",
    "genbo.search",
    "genbo.calendars",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages shrink to about a sixth on slow mobile links. WhiteNoise above serves static
    # files from its own precompressed copies. The gzip header is padded against BREACH.
    "genbo.core.compression.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "genbo.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "genbo.core.middleware.MethodNotAllowedPageMiddleware",
    "genbo.core.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "genbo.urls"
ASGI_APPLICATION = "genbo.asgi.application"
# Threads per app process that run requests (genbo.asgi). Further concurrent requests wait.
# More threads than pooled database connections let requests that need no database (static
# files, a sign-in waiting for a provider) go on while others wait for a connection.
REQUEST_THREADS = env_int("GENBO_REQUEST_THREADS", 32)
if REQUEST_THREADS < 1:
    raise ImproperlyConfigured(
        f"GENBO_REQUEST_THREADS={REQUEST_THREADS} is invalid: set it to 1 or more (default 32)."
    )
# Requests per app process that run at once (genbo.request_pool), 0 for no limit. A
# request that has run for RUNNING_REQUEST_HOLD seconds no longer counts.
# NOTE: 2 and 20 ms were measured with PostgreSQL on the app's own two cores. With
# PostgreSQL on another server a higher limit may serve more, which is not measured.
RUNNING_REQUESTS = env_int("GENBO_RUNNING_REQUESTS", 2)
if RUNNING_REQUESTS < 0:
    raise ImproperlyConfigured(
        f"GENBO_RUNNING_REQUESTS={RUNNING_REQUESTS} is invalid: set it to 0 or more (default 2)."
    )
RUNNING_REQUEST_HOLD = 0.02

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # Replaces the csrf_token of Django's own processor, which always runs first,
                # so that each request masks its token once.
                "genbo.core.csrf.csrf",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "genbo.notifications.context_processors.unread_notifications",
                "genbo.chat.context_processors.unread_chat_messages",
            ],
        },
    },
]

# Database: SQLite in the data folder unless GENBO_DATABASE_URL names another one.
DATABASE_URL = env_str("GENBO_DATABASE_URL", f"sqlite:///{DATA_DIR / 'genbo.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as error:
    raise ImproperlyConfigured(f"GENBO_DATABASE_URL is invalid: {error}") from error
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI every concurrent request runs in its own thread, and each thread would
    # open its own connection: 64 waiting requests exhaust PostgreSQL's default of 100
    # connections. A pool per app process caps them; requests wait for a free one.
    DATABASE_POOL_SIZE = env_int("GENBO_DATABASE_POOL_SIZE", 10)
    PREPARE_AFTER_RUNS = 5
    if DATABASE_POOL_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DATABASE_POOL_SIZE,
            "timeout": env_int("GENBO_DATABASE_POOL_TIMEOUT", 20),
        }
    # With server-side binding, psycopg prepares a statement that a connection has run
    # PREPARE_AFTER_RUNS times, and PostgreSQL stops planning it anew. Planning the thread
    # page's access query took ten times as long as running it, and PostgreSQL's CPU time
    # per thread page fell from 2.2 to 0.5 ms. PgBouncer in transaction mode needs
    # max_prepared_statements for this, or GENBO_DATABASE_PREPARED_STATEMENTS=false.
    if env_bool("GENBO_DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": PREPARE_AFTER_RUNS}
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: when GENBO_REDIS_URL is set it carries the cache, the
# sessions and the channel layer; without it everything stays in the process.
REDIS_URL = env_str("GENBO_REDIS_URL", "")
# Starts every key GENBO writes to Redis, so that several portals can share one server.
REDIS_KEY_PREFIX = env_str("GENBO_REDIS_KEY_PREFIX", "genbo")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
            # One pool per process, not one per request (see genbo.core.redis_pool).
            "OPTIONS": {"pool_class": "genbo.core.redis_pool.SharedConnectionPool"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    # The pub/sub layer publishes a group message once per app process, and each process
    # hands it to its own sockets. The list-based RedisChannelLayer writes one Redis entry
    # per socket, which is too slow for a room of hundreds. Pub/sub keeps nothing for a
    # process that is not listening, so the chat's browsers catch up by message id after
    # reconnecting.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_KEY_PREFIX}:asgi"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "accounts.User"
# Local passwords for the demo and the break-glass accounts, and the directory sign-ins
# (OpenID Connect, SAML, LDAP) configured per municipality in the admin.
AUTHENTICATION_BACKENDS = [
    "genbo.accounts.backends.LocalAccountBackend",
    "genbo.accounts.backends.DirectoryBackend",
]
# Sign-in with a local e-mail and password; off in production unless switched on.
GENBO_LOCAL_SIGN_IN = env_bool("GENBO_LOCAL_SIGN_IN", not PRODUCTION)
# Superusers who may sign in with a local password even when local sign-in is off, at
# /admin/login/, for when every directory is unreachable.
GENBO_BREAK_GLASS_EMAILS = [email.lower() for email in env_list("GENBO_BREAK_GLASS_EMAILS", [])]
# Seconds to wait for an identity provider's discovery document, keys or token endpoint.
GENBO_SSO_TIMEOUT_SECONDS = env_int("GENBO_SSO_TIMEOUT_SECONDS", 10)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "genbo_language"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# In production `genbo manage collectstatic` fills STATIC_ROOT; elsewhere WhiteNoise
# serves the files straight from the app folders.
STATIC_ROOT = Path(env_str("GENBO_STATIC_ROOT", str(DATA_DIR / "static"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "genbo.core.storage.StaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("GENBO_MEDIA_ROOT", str(DATA_DIR / "media")))

# Uploads: a profile photo may be at most this many bytes before it is resized.
GENBO_PHOTO_MAX_BYTES = env_int("GENBO_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
GENBO_PHOTO_SIZE_PIXELS = 400
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Idébiblioteket and meeting attachments: the largest file accepted, in bytes. An upload
# is stopped as soon as it passes the limit.
GENBO_UPLOAD_MAX_BYTES = env_int("GENBO_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# When set (such as "/protected-media/"), downloads answer with X-Accel-Redirect and an
# empty body, and nginx sends the file from its internal location of that name.
GENBO_X_ACCEL_REDIRECT_PREFIX = env_str("GENBO_X_ACCEL_REDIRECT_PREFIX", "")
# S3-compatible object storage for uploaded files (django-storages), used when a bucket
# is named; otherwise files lie under MEDIA_ROOT.
GENBO_S3_BUCKET = env_str("GENBO_S3_BUCKET", "")
if GENBO_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": GENBO_S3_BUCKET,
            "endpoint_url": env_str("GENBO_S3_ENDPOINT_URL", "") or None,
            "access_key": env_str("GENBO_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("GENBO_S3_SECRET_ACCESS_KEY", "") or None,
            "region_name": env_str("GENBO_S3_REGION", "") or None,
            # Objects stay private; downloads go through the access check in the views.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# E-mail: SMTP when GENBO_EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = env_str("GENBO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("GENBO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("GENBO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("GENBO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("GENBO_EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
elif PRODUCTION:
    raise ImproperlyConfigured("GENBO_EMAIL_HOST must be set when GENBO_PRODUCTION is true.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("GENBO_DEFAULT_FROM_EMAIL", "GENBO <genbo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address in front of links in e-mails, such as https://genbo.example.
GENBO_BASE_URL = env_str("GENBO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not env_str("GENBO_BASE_URL", ""):
    raise ImproperlyConfigured(
        "GENBO_BASE_URL must be set when GENBO_PRODUCTION is true, so that links in "
        "e-mails point at the portal."
    )
# Outgoing e-mail is stored in an outbox and sent by a background job, which tries a
# failed send this many times in all, waiting longer after each failure.
GENBO_MAIL_MAX_ATTEMPTS = env_int("GENBO_MAIL_MAX_ATTEMPTS", 5)
if GENBO_MAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("GENBO_MAIL_MAX_ATTEMPTS must be 1 or more.")

# Background jobs (Celery). With a broker (GENBO_CELERY_BROKER_URL, or else
# GENBO_REDIS_URL) jobs go to `genbo worker` processes and `genbo beat` runs the
# schedule. Without a broker they run at once in the process that queues them.
CELERY_BROKER_URL = env_str("GENBO_CELERY_BROKER_URL", "") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged after it ran, so a worker that dies mid-job leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": env_str("GENBO_CELERY_KEY_PREFIX", "genbo-celery:")
}

# Address for reports of problems, shown on the accessibility statement.
GENBO_SUPPORT_EMAIL = env_str("GENBO_SUPPORT_EMAIL", "genbo-support@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "genbo.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("GENBO_HSTS_SECONDS", 31_536_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GENBO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 403 and 404 answers are part of the access rule, not faults worth a traceback.
        "django.request": {"level": "ERROR"},
        # pysaml2's schema library logs each schema file it loads, and httpx each request
        # to an identity provider.
        "xmlschema": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}

# Chat: each employee may send at most GENBO_CHAT_RATE_MESSAGES messages per window of
# GENBO_CHAT_RATE_SECONDS seconds. An open socket checks the session and the room's access
# again before forwarding a message when its last check is older than
# GENBO_CHAT_RECHECK_SECONDS; membership changes make it check at once.
GENBO_CHAT_RATE_MESSAGES = env_int("GENBO_CHAT_RATE_MESSAGES", 20)
GENBO_CHAT_RATE_SECONDS = env_int("GENBO_CHAT_RATE_SECONDS", 10)
GENBO_CHAT_RECHECK_SECONDS = env_int("GENBO_CHAT_RECHECK_SECONDS", 10)
if GENBO_CHAT_RATE_MESSAGES < 1 or GENBO_CHAT_RATE_SECONDS < 1:
    raise ImproperlyConfigured(
        "GENBO_CHAT_RATE_MESSAGES and GENBO_CHAT_RATE_SECONDS must be at least 1."
    )

# Path of the JobTech Taxonomy file that the demo seeds competences from.
GENBO_TAXONOMY_FILE = env_str("GENBO_TAXONOMY_FILE", "")
