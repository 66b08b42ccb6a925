"""One settings module, driven by environment variables (see .env.example).

Nothing set → embedded SQLite under var/, debug on, demo mode on: the way `./run.sh` starts.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PHAODAI_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("PHAODAI_DEBUG", False)
# Demo mode allows the demo logins and their well-known passwords. Never on in production.
DEMO_MODE = envbool("PHAODAI_DEMO", False)


def _secret_key() -> str:
    key = os.environ.get("PHAODAI_SECRET_KEY")
    if key:
        return key
    if not (DEBUG or DEMO_MODE):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set PHAODAI_SECRET_KEY (required unless PHAODAI_DEBUG or PHAODAI_DEMO is on).")
    # Local/demo runs: a per-checkout random key kept outside the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("PHAODAI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("PHAODAI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "auditlog",
    "phaodai.core",
    "phaodai.places",
    "phaodai.staff",
    "phaodai.accounts",
    "phaodai.mobilisation",
    "phaodai.notifications",
    "phaodai.reporting",
    "phaodai.duty",
    "phaodai.welfare",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "phaodai.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "phaodai.urls"
WSGI_APPLICATION = "phaodai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "phaodai.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL counts as unset: the embedded SQLite database.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'phaodai.sqlite3'}",
        conn_max_age=int(os.environ.get("PHAODAI_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL + a busy timeout keep a small office server responsive while an import writes.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["phaodai.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("PHAODAI_STATIC_ROOT", VAR_DIR / "static"))
# WhiteNoise serves the assets from the app itself. Production runs `collectstatic` into STATIC_ROOT;
# local and demo runs find them in the installed packages directly.
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "phaodai API",
    "DESCRIPTION": "Administrative units, agencies, civil servants and users, scoped to the caller's jurisdiction.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from the sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Notifications (phaodai.notifications): an outbox sent by `manage.py send_notifications --loop`. Channels in order of
# preference (dotted paths; an SMS/Zalo gateway is one more Channel subclass). E-mail goes to the console in
# debug/demo runs unless PHAODAI_EMAIL_BACKEND says otherwise; a server sets PHAODAI_EMAIL_HOST and friends.
NOTIFICATION_CHANNELS = envlist(
    "PHAODAI_NOTIFICATION_CHANNELS",
    "phaodai.notifications.channels.EmailChannel,phaodai.notifications.channels.ConsoleChannel",
)
EMAIL_BACKEND = os.environ.get(
    "PHAODAI_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("PHAODAI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PHAODAI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PHAODAI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PHAODAI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("PHAODAI_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("PHAODAI_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("PHAODAI_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("PHAODAI_EMAIL_FROM", "phaodai <noreply@localhost>")

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Which administrative structure this deployment uses: "2021" (province/district/commune, before 1 Jul 2025)
# or "2025" (province/commune). The seeds and the demo city are from 2021.
ADMIN_STRUCTURE = os.environ.get("PHAODAI_ADMIN_STRUCTURE", "2021")
# Where the run/test commands put the 2025 line of vietnam-provinces (it cannot share a site-packages with 0.6).
VIETNAM_PROVINCES_2025_PATH = Path(
    os.environ.get("PHAODAI_VN2025_PATH", PROJECT_DIR / ".venv" / "vietnam-provinces-2025")
)
# The demo city: Cần Thơ (province code 92).
DEMO_PROVINCE_CODE = os.environ.get("PHAODAI_DEMO_PROVINCE", "92")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PHAODAI_LOG_LEVEL", "WARNING")},
}
