"""Settings of gridgov. Everything a deployment changes comes from the environment
(see gridgov/env.py and the README); the rest is decided here once."""

from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP

from gridgov.env import env_bool, env_database, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("GRIDGOV_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()

DEBUG = env_bool("GRIDGOV_DEBUG", False)
# Plain-HTTP serving is only for the local demo; every cookie is Secure otherwise.
HTTPS = env_bool("GRIDGOV_HTTPS", True)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("GRIDGOV_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("GRIDGOV_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "gridgov.core",
    "gridgov.places",
    "gridgov.accounts",
    "gridgov.people",
    "gridgov.cases",
    "gridgov.command",
    "gridgov.fieldwork",
    "gridgov.hall",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gridgov.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gridgov.accounts.middleware.SessionLimitsMiddleware",
    "gridgov.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"
# The home page's panels, in order: each a function of the request returning its HTML
# ("" when the user has nothing there). The apps own them; core only shows them.
HOME_PANELS = ["gridgov.places.views.home_summary"]
# The household file's panels from other apps (each a function of the request and the
# household returning its HTML), so that people imports none of them.
HOUSEHOLD_PANELS = ["gridgov.fieldwork.panels.household_visits"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridgov.core.context.shell",
            ],
        },
    }
]

DATABASES = {"default": env_database("DATABASE_URL", DATA_DIR / "gridgov.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gridgov.accounts.backends.AccountBackend",
]
SESSION_ENGINE = "gridgov.accounts.sessions"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gridgov.accounts.passwords.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
# Roles with a landing page of their own after login (others land on the home page):
# a grid worker's day starts on "today", the phone app's start page.
LANDING_PAGES = {"grid_worker": "fieldwork:today"}
LOGOUT_REDIRECT_URL = "accounts:login"

# Login security (等保 2.0 level 3): lockout, idle and absolute session limits, 2FA.
AXES_FAILURE_LIMIT = env_int("GRIDGOV_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GRIDGOV_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gridgov.accounts.views.locked_out"
AXES_VERBOSE = False
SESSION_IDLE_SECONDS = env_int("GRIDGOV_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_COOKIE_AGE = env_int("GRIDGOV_SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
REQUIRE_2FA_ROLES = env_list("GRIDGOV_REQUIRE_2FA_ROLES", [])
OTP_TOTP_ISSUER = "gridgov"

# Cookies and transport.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("GRIDGOV_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("GRIDGOV_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *env_list("GRIDGOV_MAP_TILE_HOSTS", [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("GRIDGOV_IMPORT_MAX_MB", 20, minimum=1) * 1024 * 1024

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Uploaded case photos: never served as static files, only through a view that checks
# the case is in the user's scope.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
PHOTO_MAX_BYTES = env_int("GRIDGOV_PHOTO_MAX_MB", 10, minimum=1) * 1024 * 1024
# Where SMS go: the logging sender writes them to the log (masked) and the outbox table.
SMS_SENDER = env_str("GRIDGOV_SMS_SENDER", "gridgov.cases.sms.LoggingSender")
# Public address used in links sent to residents (rating links).
SITE_URL = env_str("GRIDGOV_SITE_URL", "http://127.0.0.1:8000")

STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600
# The grid worker's web app manifest (fieldwork); WhiteNoise does not know the suffix.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

MAILERS = {
    "default": {
        "BACKEND": env_str("GRIDGOV_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env_str("GRIDGOV_EMAIL_HOST", "localhost"),
            "port": env_int("GRIDGOV_EMAIL_PORT", 25, minimum=1),
            "username": env_str("GRIDGOV_EMAIL_USER"),
            "password": env_str("GRIDGOV_EMAIL_PASSWORD"),
            "use_tls": env_bool("GRIDGOV_EMAIL_TLS", False),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("GRIDGOV_EMAIL_FROM", "gridgov@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOG_LEVEL = env_str("GRIDGOV_LOG_LEVEL", "WARNING")
# The task worker logs a line per task at INFO: those go to a file under the data dir,
# so the terminal keeps the demo's own lines and every warning or error.
TASK_LOG = DATA_DIR / "logs" / "tasks.log"
TASK_LOG.parent.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "level": LOG_LEVEL},
        "tasks": {
            "class": "logging.FileHandler",
            "filename": TASK_LOG,
            "delay": True,
            "formatter": "plain",
        },
    },
    "loggers": {
        name: {"handlers": ["tasks"], "level": "INFO"}
        for name in ("django.tasks", "django_tasks_db")
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Map base layer: "none" (boundaries on a plain background, works offline), "xyz" or
# "tianditu".
MAP_BASE = env_str("GRIDGOV_MAP_BASE", "none")
MAP_TILE_URL = env_str("GRIDGOV_MAP_TILE_URL", "")
TIANDITU_KEY = env_str("GRIDGOV_TIANDITU_KEY", "")
if MAP_BASE == "tianditu":  # its WMTS tiles come from eight numbered hosts
    SECURE_CSP["img-src"] += [f"https://t{n}.tianditu.gov.cn" for n in range(8)]
CSRF_FAILURE_VIEW = "gridgov.core.views.csrf_failure"
# Lockout is per account, not per address: a street office's staff share one public IP,
# and five typos by one clerk must not lock the whole office out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Key for personal data at rest (ID and phone numbers); falls back to the secret key.
# Changing it makes stored ciphers unreadable: keep it with the database backups.
FIELD_KEY = env_str("GRIDGOV_FIELD_KEY", "")
