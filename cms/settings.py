"""Django settings for Lianxi.

Everything that differs between the embedded default (SQLite, local-memory
cache, local media, embedded search) and production (PostgreSQL, Redis,
Elasticsearch, object storage) comes from environment variables; there is a
single settings module so a newcomer and production run the same code.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR / "cms"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-lianxi-embedded-default-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    if env_bool("LIANXI_ALLOW_DEV_SECRET", True):
        # Management commands (migrate, test) run without DEBUG on CI; they
        # get the development key. A real deployment sets SECRET_KEY and turns
        # this fallback off with LIANXI_ALLOW_DEV_SECRET=0.
        SECRET_KEY = _DEV_SECRET_KEY
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms.sitegroup",
    "cms.content",
    "cms.review",
    "django.contrib.humanize",  # its zh_Hans catalogue: "3 分钟前" in Wagtail's status lines
    "cms.people",  # staff accounts' names and units (StaffProfile)
    "cms.dashboard",  # the admin's home screen (cockpit)
    "cms.plugins",  # plugin framework (app label "pluginregistry")
    "cms.services",  # shared core services (working-day calendar...)
    "search",  # site-group search, app label "search_index" (docs/search.md)
    "cms.api",  # REST API v1; its management commands (export_openapi, export_api_examples)
    "cms.apiaccess",  # API tokens, per-site CORS origins, API cache invalidation
    "cms.portal",  # REST API v1: micro-portal site settings (PortalSettings)
    "cms.security",  # 等保: password rules, session timeouts, 2FA, admin roles (docs/security.md)
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",  # CDN purge of changed API URLs (cms.apiaccess)
    "wagtail.api.v3",  # only for its admin screen of wagtailcore.APIToken (用户 → API tokens)
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "cms.people.apps.StaffUsersConfig",  # wagtail.users, with 姓名 and 单位 in its user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",  # CORS for /api/v1/, per-site origins in cms.apiaccess.cors
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",  # two-factor login (cms.security)
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",  # security keys (WebAuthn/FIDO2) beside TOTP
    "axes",  # login lockout per account and per address (cms.security)
    "csp",  # Content-Security-Policy header
]

# --- Plugins (see docs/plugins.md). This repository's plugins by package path
# ("plugins.<label>"); installed packages are found through the entry-point
# group "lianxi.plugins". Discovery runs here, before Django loads the apps.
LIANXI_PLUGINS: list[str] = [
    "plugins.deputies",
    "plugins.suggestions",
    "plugins.liaison",
    "plugins.consultations",
    "plugins.resources",
    "plugins.training",
    "plugins.evaluation",
]
LIANXI_PLUGINS_EXCLUDE = env_list("LIANXI_PLUGINS_EXCLUDE")  # labels
LIANXI_PLUGINS_CONFIG: dict[str, dict] = {}  # {label: {setting: value}}
if os.environ.get("PYTEST_VERSION") and env_bool("LIANXI_TEST_EXAMPLE_PLUGIN", True):
    # Under pytest only: the example plugin the framework's tests exercise.
    import sys

    sys.path.append(str(BASE_DIR / "tests" / "plugins" / "example"))
    LIANXI_PLUGINS.append("lianxi_example")
    LIANXI_PLUGINS_CONFIG["example"] = {"GREETING": "你好"}


def _plugin_apps():
    from cms.plugins.discovery import plugin_apps

    return plugin_apps(LIANXI_PLUGINS, LIANXI_PLUGINS_EXCLUDE)


_PLUGIN_APPS, LIANXI_PLUGIN_LABELS = _plugin_apps()
INSTALLED_APPS += _PLUGIN_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # API: CORS outside the response cache (its headers depend on the Origin),
    # and the cache before everything else so a hit costs no URL resolution
    # and no query (docs/api-caching-auth.md).
    "corsheaders.middleware.CorsMiddleware",
    "cms.api.caching.ApiCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 等保 (docs/security.md): idle and absolute session limits, the address of the
    # audit log, the second factor, the Content-Security-Policy (login lockout: axes, last).
    "cms.security.middleware.SessionTimeoutMiddleware",
    "cms.review.audit.AuditAddressMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.security.middleware.SecondFactorMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.middleware.PreviewFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database: SQLite file by default, anything dj-database-url reads otherwise.
_DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# A server database keeps its connections for a minute: opening one costs a
# PostgreSQL backend process, 5-10 ms on every request. SQLite opens a file.
_SERVER_DB = not _DATABASE_URL.startswith("sqlite")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if _SERVER_DB else "0")),
        # Persistent connections are tested before reuse: a database restart costs
        # one reconnect, not a 500 for each worker's stale connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a management command
    # share the file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT: the public-visibility filters join every page type's table, the
    # planner's row estimates for those joins run into the billions, and
    # PostgreSQL then JIT-compiles a query that runs in 0.1 ms for 1-4 s
    # (LIANXI_PG_JIT=1 turns it back on).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if not env_bool("LIANXI_PG_JIT", False):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
    # The same joins cost more to plan than to run: with the default collapse limits
    # (8) the planner searches every order of a page list's eight relations, 15-25 ms
    # per query against 1-3 ms of execution. At 5 it plans them in 1-2 ms.
    _limit = int(os.environ.get("LIANXI_PG_COLLAPSE_LIMIT", "5"))
    _options["options"] = (
        f"{_options.get('options', '')} -c join_collapse_limit={_limit}"
        f" -c from_collapse_limit={_limit}"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory by default, Redis when REDIS_URL is set. Redis is used
# through cms.services.cache.ResilientRedisCache: when Redis is unreachable the
# site runs without a cache (a log line and the "cache" health flag), never 500.
# "shared" is what every worker process must see alike (throttle counters):
# Redis, or without it a database table (created by migrate), never local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _REDIS_CACHE = {
        "BACKEND": "cms.services.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "lianxi"),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "1")),
            "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "2")),
        },
    }
    CACHES = {"default": _REDIS_CACHE, "shared": _REDIS_CACHE}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lianxi",
            # Room for the API's cached responses (cms.api.caching); default 300.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lianxi_shared_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }
LIANXI_CACHE_RETRY_SECONDS = float(os.environ.get("LIANXI_CACHE_RETRY_SECONDS", "10"))
# The API's throttle counters (cms.api.throttling): one count across worker processes.
LIANXI_THROTTLE_CACHE = "shared"
# The client's address behind proxies (cms.services.clients): X-Forwarded-For is
# read only as far as these say. Neither set: REMOTE_ADDR, the header is ignored.
LIANXI_TRUSTED_PROXY_COUNT = int(os.environ.get("LIANXI_TRUSTED_PROXY_COUNT", "0"))
LIANXI_TRUSTED_PROXIES = env_list("LIANXI_TRUSTED_PROXIES")

# --- Search: the embedded engine unless ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# While Elasticsearch is down: searches answer 503, or with "embedded" use the embedded
# index (kept in step as well); index updates wait in the outbox (search.outbox).
LIANXI_SEARCH_FALLBACK = os.environ.get("LIANXI_SEARCH_FALLBACK", "")
LIANXI_SEARCH_TIMEOUT = float(os.environ.get("LIANXI_SEARCH_TIMEOUT", "10"))  # per request, s
LIANXI_SEARCH_RETRY_SECONDS = float(os.environ.get("LIANXI_SEARCH_RETRY_SECONDS", "10"))
# Wagtail's own index (the admin's page, image and document search, drafts included)
# segments Chinese like the site-group engine: search/wagtail_backend.py.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}

# --- 等保 2.0 level 3 (cms.security, docs/security.md)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts and addresses
    "django.contrib.auth.backends.ModelBackend",
]
# Password complexity and history.
LIANXI_PASSWORD_MIN_LENGTH = int(os.environ.get("LIANXI_PASSWORD_MIN_LENGTH", "10"))
LIANXI_PASSWORD_MIN_CLASSES = int(os.environ.get("LIANXI_PASSWORD_MIN_CLASSES", "3"))
LIANXI_PASSWORD_HISTORY = int(os.environ.get("LIANXI_PASSWORD_HISTORY", "5"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": LIANXI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "cms.security.validators.CharacterClassValidator"},
    {"NAME": "cms.security.validators.PasswordHistoryValidator"},
]
# Login lockout (django-axes): after LIANXI_LOGIN_FAILURE_LIMIT failures an account, and
# separately an address, is refused for LIANXI_LOGIN_LOCKOUT_MINUTES. The address is the
# one cms.services.clients.client_ip trusts.
AXES_FAILURE_LIMIT = int(os.environ.get("LIANXI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LIANXI_LOGIN_LOCKOUT_MINUTES", "30")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "cms.services.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log (cms.review.audit)
AXES_VERBOSE = False
# Sessions: logged out after LIANXI_SESSION_IDLE_MINUTES without a request, and
# LIANXI_SESSION_MAX_HOURS after logging in whatever happens ("remember me" included).
LIANXI_SESSION_IDLE_MINUTES = int(os.environ.get("LIANXI_SESSION_IDLE_MINUTES", "30"))
LIANXI_SESSION_MAX_HOURS = int(os.environ.get("LIANXI_SESSION_MAX_HOURS", "8"))
SESSION_COOKIE_AGE = LIANXI_SESSION_MAX_HOURS * 3600
# Two factors (django-otp TOTP) for superusers and every group with the permission
# security.requires_second_factor (the three admin roles, the reviewers).
OTP_TOTP_ISSUER = os.environ.get("LIANXI_TOTP_ISSUER", "联系人大网站群")
LIANXI_DEMO_TOTP_SEED = os.environ.get("LIANXI_DEMO_TOTP_SEED", "JBSWY3DPEHPK3PXPLIANXIDEMO234567")
# Security keys (django-otp-webauthn) as the other second factor: a second factor only,
# never a login without the password. Keys are bound to LIANXI_WEBAUTHN_RP_ID (the
# admin's domain; changing it makes every key unusable) and accepted only from the
# origins in LIANXI_WEBAUTHN_ORIGINS (https://..., or http://localhost for development).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_ID = os.environ.get("LIANXI_WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("LIANXI_WEBAUTHN_ORIGINS", "http://localhost:8000")
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "cms.security.webauthn"
# The audit log (cms.review.audit): HMAC hash chain keyed from SECRET_KEY unless set,
# entries kept at least LIANXI_AUDIT_RETENTION_DAYS (never fewer than 180).
LIANXI_AUDIT_HMAC_KEY = os.environ.get("LIANXI_AUDIT_HMAC_KEY", "")
LIANXI_AUDIT_RETENTION_DAYS = int(os.environ.get("LIANXI_AUDIT_RETENTION_DAYS", "180"))
if LIANXI_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("LIANXI_AUDIT_RETENTION_DAYS: 网络安全法要求日志至少留存 180 天。")
# Content-Security-Policy (django-csp) on every response: no foreign host anywhere.
# Scripts: this host's files, and inline blocks only with the response's nonce
# ({{ request.csp_nonce }}); Wagtail's own inline blocks are replaced by a file
# (cms/security/templates/wagtailadmin/, security/csp-init.js). Styles keep
# 'unsafe-inline': Wagtail's admin sets style attributes in its templates and
# scripts (a nonce cannot cover attributes). docs/security.md says more.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],  # the admin's preview: 'self' (cms.middleware)
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatar requests to a foreign host

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# The demo and a small deployment serve uploaded media from Django; a large
# one puts them behind the web server or object storage and turns this off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail
WAGTAIL_SITE_NAME = "联系 · 人大网站群"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = [
    "csv", "doc", "docx", "odt", "ofd", "pdf", "pptx", "rtf", "txt", "xls", "xlsx", "zip",
    "mp3", "m4a", "wav", "mp4", "webm",
]  # fmt: skip
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024
# Documents are served by Wagtail's view, which asks cms.content.documents who may see
# them (a draft's attachment is not public); never as plain media files.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Collections whose documents are public whatever uses them (names, sub-collections too).
LIANXI_PUBLIC_DOCUMENT_COLLECTIONS = env_list("LIANXI_PUBLIC_DOCUMENT_COLLECTIONS")
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
# 信息发布审查: an edit during review restarts from the automatic check, and a
# workflow's final approval re-runs the checks instead of failing with a 403.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.review.workflows.publish_workflow_state"
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "cms.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNICODE_JSON": True,
    "COMPACT_JSON": True,
    # REST API v1: every error as application/problem+json (RFC 9457).
    "EXCEPTION_HANDLER": "cms.api.conventions.problem_exception_handler",
    # Tokens issued in the admin (cms.apiaccess); the admin's session also works.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cms.apiaccess.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Writes are throttled everywhere; search views add cms.api.throttling.SearchRateThrottle.
    "DEFAULT_THROTTLE_CLASSES": [
        "cms.api.throttling.AnonWriteRateThrottle",
        "cms.api.throttling.UserWriteRateThrottle",
        "cms.api.throttling.MobileWriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon_write": "20/min",
        "user_write": "120/min",
        "mobile_write": "1000/day",
        "search": "60/min",
        "search_user": "240/min",
        # LIANXI_THROTTLE_RATES="anon_write=10/min,search=30/min" overrides any of them.
        **dict(
            (scope.strip(), rate.strip())
            for scope, _sep, rate in (
                item.partition("=") for item in env_list("LIANXI_THROTTLE_RATES") if "=" in item
            )
        ),
    },
}
# OpenAPI document of /api/v1/ (served at /api/v1/schema/), plugins included.
SPECTACULAR_SETTINGS = {
    "TITLE": "Lianxi API",
    "DESCRIPTION": "人大网站群接口。站点由 site 参数(行政区划代码)指明。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would send the schema's URL to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # REST API v1 content endpoints: name the shared choice sets once (docs/api.md).
    "ENUM_NAME_OVERRIDES": {
        "PageTypeEnum": "cms.api.scope.PAGE_TYPE_CHOICES",
        "ColumnTypeEnum": "cms.api.scope.COLUMN_TYPE_CHOICES",
        "SiteLevelEnum": "cms.api.conventions.SITE_LEVEL_CHOICES",
        "LevelEnum": "cms.api.conventions.LEVEL_CHOICES",
        "StatusEnum": ["in_force", "amended", "repealed"],  # regulations (contract v1.0 name)
        "FeedbackStatusEnum": "cms.api.feedback.FEEDBACK_STATUS_CHOICES",
    },
    "PREPROCESSING_HOOKS": ["cms.api.schema.only_public_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.schema.add_site_parameter",
    ],
}

# --- Security. Production is "DEBUG off"; the same switches pass `check --deploy`.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("USE_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- API caching, CDN purge and CORS (cms.api.caching, cms.apiaccess; docs/api-caching-auth.md)
LIANXI_API_CACHE_ENABLED = env_bool("LIANXI_API_CACHE_ENABLED", True)
LIANXI_API_CACHE_TIMEOUT = int(os.environ.get("LIANXI_API_CACHE_TIMEOUT", "300"))  # server side
LIANXI_API_MAX_AGE = int(os.environ.get("LIANXI_API_MAX_AGE", "60"))  # clients and CDN
LIANXI_API_STALE_WHILE_REVALIDATE = int(os.environ.get("LIANXI_API_STALE_WHILE_REVALIDATE", "300"))
# Where clients reach the API: the host of the URLs sent to the CDN purge backend.
LIANXI_API_PUBLIC_URL = os.environ.get("LIANXI_API_PUBLIC_URL", WAGTAILADMIN_BASE_URL)
if os.environ.get("FRONTEND_CACHE_URL"):
    # An HTTP cache (Varnish, nginx) that accepts PURGE requests.
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_URL"],
        }
    }
# API tokens (wagtailcore.APIToken, Authorization: Token|Bearer): refused after this many days.
LIANXI_API_TOKEN_MAX_AGE_DAYS = int(os.environ.get("LIANXI_API_TOKEN_MAX_AGE_DAYS", "0")) or None
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")  # every site; per site in the admin
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 3600

# --- Outbound fetches (cms.services.fetch): imports now, link checks and webhooks later.
# Only public addresses are contacted; intranet sources are allowed here explicitly
# (addresses or CIDR networks, e.g. "10.1.2.3,192.168.10.0/24").
LIANXI_FETCH_ALLOWED_NETWORKS = env_list("LIANXI_FETCH_ALLOWED_NETWORKS")
LIANXI_FETCH_TIMEOUT = float(os.environ.get("LIANXI_FETCH_TIMEOUT", "60"))  # whole fetch, seconds
LIANXI_FETCH_MAX_BYTES = int(os.environ.get("LIANXI_FETCH_MAX_BYTES", str(200 * 1024 * 1024)))
LIANXI_FETCH_MAX_REDIRECTS = int(os.environ.get("LIANXI_FETCH_MAX_REDIRECTS", "5"))

# --- import_site_content: the longest article line read (JSON Lines), in bytes.
LIANXI_IMPORT_MAX_LINE_BYTES = int(
    os.environ.get("LIANXI_IMPORT_MAX_LINE_BYTES", str(5 * 1024 * 1024))
)

# --- Spreadsheets (cms.services.spreadsheets): any workbook read, and a web upload's cap
# (a larger file is imported with a management command, not inside a web request).
LIANXI_SPREADSHEET_MAX_BYTES = int(
    os.environ.get("LIANXI_SPREADSHEET_MAX_BYTES", str(200 * 1024 * 1024))
)
LIANXI_SPREADSHEET_MAX_UPLOAD_BYTES = int(
    os.environ.get("LIANXI_SPREADSHEET_MAX_UPLOAD_BYTES", str(2 * 1024 * 1024))
)
# An admin import whose upload is larger than this runs as a background job with a
# progress page (cms.services.jobs); smaller ones are imported inside the request.
LIANXI_IMPORT_INLINE_MAX_BYTES = int(
    os.environ.get("LIANXI_IMPORT_INLINE_MAX_BYTES", str(256 * 1024))
)

# --- Lianxi
LIANXI_DEMO_PASSWORD = os.environ.get("LIANXI_DEMO_PASSWORD", "lianxi-demo-2026")

# === Background work, schedules, notifications, statutory clocks (issue 11, platform) ===
# cms.services.tasks, cms.services.schedule, cms.notifications + cms.services.notifications,
# cms.services.sms, cms.services.deadlines. README "Configuration" lists the variables.
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "cms.notifications"]

# LIANXI_TASK_BACKEND: "database" (embedded default: a table and `manage.py run_worker`),
# "rq" (production: Redis via REDIS_URL or LIANXI_RQ_URL, `manage.py run_worker` runs an
# RQ worker) or "immediate" (run inside the request; the test suite's default).
LIANXI_TASK_BACKEND = os.environ.get("LIANXI_TASK_BACKEND") or (
    "immediate" if os.environ.get("PYTEST_VERSION") else "database"
)
if LIANXI_TASK_BACKEND not in {"database", "rq", "immediate"}:
    raise ImproperlyConfigured("LIANXI_TASK_BACKEND must be database, rq or immediate.")
LIANXI_RQ_URL = os.environ.get("LIANXI_RQ_URL") or REDIS_URL
RQ_QUEUES = {
    "default": {"URL": LIANXI_RQ_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}
}
if LIANXI_TASK_BACKEND == "rq":
    if not LIANXI_RQ_URL:
        raise ImproperlyConfigured("LIANXI_TASK_BACKEND=rq needs REDIS_URL (or LIANXI_RQ_URL).")
    INSTALLED_APPS += ["django_rq"]
# Two aliases: "lianxi" is the queue of the project's own tasks (cms.services.tasks);
# Wagtail's own tasks (reference index, file deletion) keep "default", which runs
# them in place as before Wagtail 8, so what depends on the reference index (which
# documents are public) is right the moment a page is saved, with or without a worker.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "lianxi": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[LIANXI_TASK_BACKEND],
        "QUEUES": ["default"],
    },
}
# A worker writes a heartbeat every LIANXI_WORKER_HEARTBEAT seconds; a task whose worker
# has been silent for LIANXI_WORKER_STALE_AFTER seconds runs again (its worker died). A
# task that killed its worker LIANXI_TASK_MAX_RECLAIMS times is marked failed instead.
LIANXI_WORKER_HEARTBEAT = int(os.environ.get("LIANXI_WORKER_HEARTBEAT", "10"))
LIANXI_WORKER_STALE_AFTER = int(os.environ.get("LIANXI_WORKER_STALE_AFTER", "60"))
LIANXI_TASK_MAX_RECLAIMS = int(os.environ.get("LIANXI_TASK_MAX_RECLAIMS", "5"))
# `manage.py run_scheduler` looks for due sweeps this often (seconds).
LIANXI_SCHEDULER_INTERVAL = int(os.environ.get("LIANXI_SCHEDULER_INTERVAL", "30"))
# Finished task results and sweep records older than this many days are pruned nightly.
LIANXI_TASK_RESULTS_KEEP_DAYS = int(os.environ.get("LIANXI_TASK_RESULTS_KEEP_DAYS", "14"))

# Notifications: the inbox always; these channels when a user's preferences allow.
LIANXI_NOTIFICATION_CHANNELS = env_list("LIANXI_NOTIFICATION_CHANNELS", "email,sms,wechat")
LIANXI_NOTIFICATION_DIGEST_AT = os.environ.get("LIANXI_NOTIFICATION_DIGEST_AT", "08:00")
# Retries of a failed send: seconds to wait before attempt 2, 3, ...; then "gave up".
LIANXI_NOTIFICATION_BACKOFF = [
    int(s) for s in env_list("LIANXI_NOTIFICATION_BACKOFF", "60,300,1800,7200")
]
LIANXI_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("LIANXI_NOTIFICATION_MAX_ATTEMPTS", "5"))
# SMS (cms.services.sms): an HTTP gateway when LIANXI_SMS_URL is set, else the console.
LIANXI_SMS_URL = os.environ.get("LIANXI_SMS_URL", "")
LIANXI_SMS_KEY = os.environ.get("LIANXI_SMS_KEY", "")
LIANXI_SMS_SIGN = os.environ.get("LIANXI_SMS_SIGN", "人大网站群")
LIANXI_SMS_TIMEOUT = float(os.environ.get("LIANXI_SMS_TIMEOUT", "10"))
# WeChat mini-program subscription messages: the HTTP API when an app id is set.
LIANXI_WECHAT_APP_ID = os.environ.get("LIANXI_WECHAT_APP_ID", "")
LIANXI_WECHAT_APP_SECRET = os.environ.get("LIANXI_WECHAT_APP_SECRET", "")
LIANXI_WECHAT_API_BASE = os.environ.get("LIANXI_WECHAT_API_BASE", "https://api.weixin.qq.com")
LIANXI_WECHAT_TEMPLATE_ID = os.environ.get("LIANXI_WECHAT_TEMPLATE_ID", "")
LIANXI_WECHAT_TIMEOUT = float(os.environ.get("LIANXI_WECHAT_TIMEOUT", "10"))
# E-mail: printed on the console in the demo (DEBUG=1), SMTP otherwise.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

# Statutory clocks (cms.services.deadlines): "due soon" this many working days before
# the due date; "long overdue" this many calendar days after it. Rules may override.
LIANXI_DEADLINE_DUE_SOON_DAYS = int(os.environ.get("LIANXI_DEADLINE_DUE_SOON_DAYS", "3"))
LIANXI_DEADLINE_LONG_OVERDUE_DAYS = int(os.environ.get("LIANXI_DEADLINE_LONG_OVERDUE_DAYS", "30"))
# === end of issue 11, platform ===

# === Accounts beyond staff (cms.accounts, cms.services.accounts): deputies, citizens,
# handling units; SMS-code and WeChat logins from the mini-programs, per-device tokens.
INSTALLED_APPS += ["cms.accounts", "cms.moderation", "cms.feedback"]
# Key for personal data at rest (cms.services.privacy); SECRET_KEY when empty.
LIANXI_PRIVATE_DATA_KEY = os.environ.get("LIANXI_PRIVATE_DATA_KEY", "")
# SMS login codes: lifetime and resend interval in seconds, codes per number a day,
# wrong tries before a code is spent.
LIANXI_LOGIN_CODE_TTL = int(os.environ.get("LIANXI_LOGIN_CODE_TTL", "300"))
LIANXI_LOGIN_CODE_RESEND = int(os.environ.get("LIANXI_LOGIN_CODE_RESEND", "60"))
LIANXI_LOGIN_CODE_DAILY = int(os.environ.get("LIANXI_LOGIN_CODE_DAILY", "10"))
LIANXI_LOGIN_CODE_ATTEMPTS = int(os.environ.get("LIANXI_LOGIN_CODE_ATTEMPTS", "5"))
# A device's access token lives this many seconds; its refresh token this many.
LIANXI_ACCESS_TOKEN_TTL = int(os.environ.get("LIANXI_ACCESS_TOKEN_TTL", str(2 * 3600)))
LIANXI_REFRESH_TOKEN_TTL = int(os.environ.get("LIANXI_REFRESH_TOKEN_TTL", str(30 * 86400)))
# Login attempts per client address (SMS codes, code and WeChat logins, refreshes).
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].setdefault("login", "30/hour")
# Writes (docs/plugins.md "Writes"): attachments' types and size; how long an
# Idempotency-Key is remembered.
LIANXI_UPLOAD_MAX_BYTES = int(os.environ.get("LIANXI_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
LIANXI_UPLOAD_TYPES = env_list("LIANXI_UPLOAD_TYPES") or [
    "image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf",
]  # fmt: skip
LIANXI_IDEMPOTENCY_KEEP_HOURS = int(os.environ.get("LIANXI_IDEMPOTENCY_KEEP_HOURS", "24"))
# === end of accounts ===
