"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CDOHUB_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and uploads live here


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_env(default_url: str) -> dict:
    """Database from CDOHUB_DATABASE_URL; SQLite runs in WAL mode with immediate transactions.

    Connections are kept between requests (checked before reuse): opening one per request (a
    PostgreSQL handshake, SQLite's pragmas) was a large share of a short request's time."""
    config = dj_database_url.parse(
        os.environ.get("CDOHUB_DATABASE_URL", default_url),
        conn_max_age=int(os.environ.get("CDOHUB_DATABASE_CONN_MAX_AGE", 600)),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    config.setdefault("ATOMIC_REQUESTS", False)
    return config


SECRET_KEY = os.environ.get("CDOHUB_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("CDOHUB_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CDOHUB_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "treebeard",
    "axes",
    "cdohub.core",
    "cdohub.org",
    "cdohub.accounts",
    "cdohub.appointments",
    "cdohub.sources",
    "cdohub.catalog",
    "cdohub.standards",
    "cdohub.quality",
    "cdohub.projects",
    "cdohub.auditlog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cdohub.core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy: scripts and styles only from our own static files (vendored assets included),
# no inline script or <style>, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],  # a progress bar's width, a chart's height: styling only
        "img-src": [SELF, "data:"],  # Bootstrap draws its form controls' icons as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "cdohub.urls"
WSGI_APPLICATION = "cdohub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cdohub.core.context_processors.platform",
            ],
        },
    }
]
# The official holiday schedule: a banner for the provincial bureau while a year's is not loaded.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("cdohub.org.context_processors.calendar_notice")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("cdohub.core.demotime.banner")

DATABASES = {"default": database_from_env(f"sqlite:///{DATA_DIR / 'cdohub.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The units of the organisation tree: the audit log is read by unit scope (core names no app).
CDOHUB_UNIT_MODEL = "org.Unit"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Eight failed sign-ins lock the account (by user name) for a while; every attempt is logged.
AXES_FAILURE_LIMIT = int(os.environ.get("CDOHUB_LOCKOUT_FAILURES", 8))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CDOHUB_LOCKOUT_MINUTES", 30)))
# By user name, not IP: a whole bureau often signs in from one NAT address.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "cdohub.accounts.views.locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cdohub.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "cdohub.core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "cdohub.core.api.AutoSchema",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "cdohub.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CDO Hub API",
    "DESCRIPTION": "首席数据官工作平台 — organisation, pilot programs, scope and role assignments.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cdohub.core.api.document_common_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "cdohub.sources.choices.SourceKind",
        "SourceHealthEnum": "cdohub.sources.choices.Health",
        "RunStatusEnum": "cdohub.core.jobs.RunStatus",  # every tracked run alike
        "DiscoveredTableKindEnum": "cdohub.sources.choices.TableKind",
        "UnitKindEnum": "cdohub.org.choices.UnitKind",
        "FilingStatusEnum": "cdohub.appointments.choices.FilingStatus",
        "ResourceStatusEnum": "cdohub.catalog.choices.ResourceStatus",
        "CampaignStatusEnum": "cdohub.catalog.choices.CampaignStatus",
        "ParticipationStatusEnum": "cdohub.catalog.choices.ParticipationStatus",
        "StandardStatusEnum": "cdohub.standards.choices.StandardStatus",
        "QualityRuleKindEnum": "cdohub.quality.choices.RuleKind",
        "QualityIssueStatusEnum": "cdohub.quality.choices.IssueStatus",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = os.environ.get("CDOHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("CDOHUB_FROM_EMAIL", "cdohub@localhost")
EMAIL_HOST = os.environ.get("CDOHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CDOHUB_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("CDOHUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CDOHUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("CDOHUB_EMAIL_TLS", "") == "1"

DJANGO_TABLES2_TEMPLATE = "core/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_403_traceback": {"()": "cdohub.core.logging.PermissionDeniedWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["no_403_traceback"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("CDOHUB_LOG_LEVEL", "WARNING")},
}

CDOHUB = {
    "DEMO": env_bool("CDOHUB_DEMO"),  # served by `cdohub demo`: a banner says how the demo's dates are laid
    # Data sources: connections are read-only and time-limited; files are read only under these roots.
    "SOURCE_CONNECT_TIMEOUT": float(os.environ.get("CDOHUB_SOURCE_CONNECT_TIMEOUT", 5)),
    "SOURCE_STATEMENT_TIMEOUT": float(os.environ.get("CDOHUB_SOURCE_STATEMENT_TIMEOUT", 30)),
    "SOURCE_DISCOVERY_TIMEOUT": float(os.environ.get("CDOHUB_SOURCE_DISCOVERY_TIMEOUT", 1800)),
    "SOURCE_EXACT_COUNT_BELOW": int(os.environ.get("CDOHUB_SOURCE_EXACT_COUNT_BELOW", 100000)),
    "SOURCE_FILE_ROOTS": [Path(p) for p in env_list("CDOHUB_SOURCE_FILE_ROOTS")] or [DATA_DIR / "sources"],
    # Fernet keys for stored source passwords; the first encrypts, all decrypt (rotation).
    "CREDENTIAL_KEYS": env_list("CDOHUB_CREDENTIAL_KEYS"),
    # The pilot-program files shipped with the platform; more can be loaded with `cdohub program load`.
    "PROGRAM_FILES": [PACKAGE_DIR / "org" / "programs" / "guangdong-2021.toml"],
    "SITE_NAME": _("CDO Hub"),
    # Appointment letters and implementation plans: PDF only, at most this size.
    "MAX_DOCUMENT_BYTES": int(os.environ.get("CDOHUB_MAX_DOCUMENT_MB", 10)) * 1024 * 1024,
    # Excel imports: the largest workbook accepted, how large it may unpack (a guard against zip
    # bombs) and how many rows one sheet may hold; all checked before the workbook is parsed.
    "IMPORT_MAX_BYTES": int(os.environ.get("CDOHUB_IMPORT_MAX_MB", 20)) * 1024 * 1024,
    "IMPORT_MAX_UNPACKED_BYTES": int(os.environ.get("CDOHUB_IMPORT_MAX_UNPACKED_MB", 200)) * 1024 * 1024,
    "IMPORT_MAX_ROWS": int(os.environ.get("CDOHUB_IMPORT_MAX_ROWS", 200000)),
    # Quality: working days a unit has to rectify a failing rule; attempts and the delay between
    # them when a source cannot be reached.
    "QUALITY_ISSUE_DAYS": int(os.environ.get("CDOHUB_QUALITY_ISSUE_DAYS", 10)),
    "QUALITY_RUN_ATTEMPTS": int(os.environ.get("CDOHUB_QUALITY_RUN_ATTEMPTS", 3)),
    "QUALITY_RETRY_SECONDS": int(os.environ.get("CDOHUB_QUALITY_RETRY_SECONDS", 300)),
    # Seconds one statement of a quality check may run in a unit's database (a scan reads a table).
    "QUALITY_STATEMENT_TIMEOUT": float(os.environ.get("CDOHUB_QUALITY_STATEMENT_TIMEOUT", 900)),
    # What `cdohub serve` runs beside the web server, every so many seconds (`cdohub periodic`).
    "PERIODIC": [
        (3600, ["reminders"]),
        (3600, ["escalate_findings"]),
        (600, ["quality", "scan", "--due"]),
        (3600, ["quality", "escalate"]),
        (3600, ["digest"]),
    ],
}

# The audit log's anchor (docs/admin.md, "Audit log") -------------------------------------------
# Ed25519 keys (url-safe base64 of 32 random bytes) that sign the audit checkpoints: the first
# signs, all verify. Without one, a key is generated in the data directory, outside the database.
CDOHUB["AUDIT_KEYS"] = env_list("CDOHUB_AUDIT_KEYS")
CDOHUB["AUDIT_KEY_FILE"] = DATA_DIR / "audit-signing.key"
# The append-only file of signed checkpoints, and how many entries at most go unanchored.
CDOHUB["AUDIT_CHECKPOINTS"] = Path(
    os.environ.get("CDOHUB_AUDIT_CHECKPOINTS", DATA_DIR / "audit-checkpoints.jsonl")
)
CDOHUB["AUDIT_CHECKPOINT_EVERY"] = int(os.environ.get("CDOHUB_AUDIT_CHECKPOINT_EVERY", 100))
# The most audit entries one Excel export of the audit log page holds (narrow the filters for more).
CDOHUB["AUDIT_EXPORT_MAX_ROWS"] = int(os.environ.get("CDOHUB_AUDIT_EXPORT_MAX_ROWS", 20000))
CDOHUB["PERIODIC"].append((600, ["audit", "checkpoint"]))
