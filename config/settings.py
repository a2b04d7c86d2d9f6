"""Settings, all read from the environment.

With nothing set, the app runs on its own: SQLite under var/, an in-process
file broker for Celery and a local-memory cache. Set DATABASE_URL and
REDIS_URL to use PostgreSQL and Redis (as CI and production do).
"""

import hashlib
import hmac
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Local settings from a file: `make run` writes .env with a generated SECRET_KEY and DEBUG=1, so
# manage.py works in the checkout with nothing set by hand. A variable set in the environment wins
# over the file; servers (and the Docker image, which leaves .env out) set the environment only.
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not env.bool("ALLOW_GENERATED_SECRET_KEY", default=False):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local work; make run writes both to .env).")
    # Local runs only: a key kept under var/ so sessions survive restarts.
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()

# Signs the access log's anchors (accounts/anchors.py). It lives outside the database, so
# someone who can rewrite the log's tables cannot sign an anchor for what they wrote.
# Required in production (`check --deploy`); local runs and tests derive one from SECRET_KEY.
AUDIT_ANCHOR_KEY = env.str("AUDIT_ANCHOR_KEY", default="")
AUDIT_ANCHOR_KEY_IS_DERIVED = not AUDIT_ANCHOR_KEY
if AUDIT_ANCHOR_KEY_IS_DERIVED:
    AUDIT_ANCHOR_KEY = hmac.new(SECRET_KEY.encode(), b"access log anchors", hashlib.sha256).hexdigest()
# Anchors are also appended to this file, outside the database (JSON lines).
AUDIT_ANCHOR_PATH = Path(env.str("AUDIT_ANCHOR_PATH", default=str(VAR_DIR / "access-log-anchors.jsonl")))

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "accounts",
    "casework",
    "referrals",
    "notifications",
    "thresholds",
    "workload",
    "performance",
    "returns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.api.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the user against the change history of records changed by this request.
    "casework.history.context.ChangeHistoryMiddleware",
    # Tells which sessions passed the second step (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a signed-in user unless its view is marked @login_not_required;
    # API views answer for themselves (401/403 JSON).
    "config.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "notifications.context_processors.unread_count",
            ],
            # uk_time after Django's builtins: its `date` filter says BST or GMT in the hour the clocks repeat.
            "builtins": ["config.templatetags.govuk", "config.templatetags.uk_time", "config.templatetags.dfe_codes"],
        },
    },
]
# Form fields render with GOV.UK markup from templates/forms/ (project-owned).
FORM_RENDERER = "config.govuk_forms.GovukFormRenderer"

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'safeguarding.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Keep connections between requests (a new one per request doubled the cost of a write),
    # and no JIT: it spent more compiling the triage queries than running them.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Take the write lock when a transaction starts: the access-log chain needs it.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sg"),
        }
    }
else:
    # Files under var/, not process memory: the web server and the Celery worker of a local
    # run share it, so a changed timescale rule (its cache token) and login lockouts reach both.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out usernames/IPs before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Not a check: Django tells validators when a password changes, and this one ends API tokens.
    {"NAME": "accounts.tokens.EndTokensOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with the council's identity provider (OpenID Connect, e.g. Microsoft Entra ID).
# Off unless a client id is set. Accounts are never created from it: the provider's user is
# matched to an existing account by one claim (OIDC_USERNAME_CLAIM) against one user field.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
# Either the discovery document (Entra: https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration)
# or each endpoint; an endpoint set here wins over the discovered one.
OIDC_OP_DISCOVERY = env.str("OIDC_OP_DISCOVERY", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")  # unused: claims come from the ID token
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile email")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")  # or "email", "oid"
OIDC_USER_FIELD = env.str("OIDC_USER_FIELD", default="username")  # or "email"
LOGIN_REDIRECT_URL_FAILURE = "sso-refused"
if SSO_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.sso.CouncilAccountBackend")

# Two-factor authentication (TOTP with recovery codes) for local accounts. Which roles must use
# it is each authority's setting; administrators with no authority follow this one.
TWO_FACTOR_REQUIRED_FOR_ADMINS = env.bool("TWO_FACTOR_REQUIRED_FOR_ADMINS", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Safeguarding casework")

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True

# HTTPS: on by default unless DEBUG, so a production deployment is safe without extra
# settings (`manage.py check --deploy` is clean). Local runs over plain http turn these off
# (scripts/run.sh; the tests turn off the redirect in tests/conftest.py).
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# The TLS-terminating proxy in front (docker-compose.yml) says the request came over HTTPS.
# Trust the header only behind a proxy that sets it and strips it from clients.
if env.bool("TRUST_X_FORWARDED_PROTO", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Login rate limiting: lock a username/IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Attempts are counted in Redis when there is one, otherwise in the database.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # never print usernames to stdout

# Per-child grants (django-guardian) use direct foreign-key permission models.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
# Grants are checked by accounts.access (which knows about expiry), not by
# guardian's backend, so user.has_perm can never open a child on its own.
# models.W040: Team work's covering index (workload.OpenWorkItem) is for PostgreSQL; SQLite, the
# zero-setup local database, keeps its key columns and leaves out the rest.
SILENCED_SYSTEM_CHECKS = ["guardian.W001", "models.W040"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Change history (casework.history): only writes change records; reads carry no history context.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The moment of each change, not of its transaction, so changes in one transaction keep their order.
PGHISTORY_CREATED_AT_FUNCTION = "CLOCK_TIMESTAMP()"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",  # knox's, with the user's agency and authority joined
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.TokenScopes",  # a partner system's token does only what its scopes allow
    ],
    "DEFAULT_PARSER_CLASSES": [
        "config.api_parsers.JSONParser",  # refuses JSON nested too deep (400, not a recursion error)
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"token": env.str("TOKEN_THROTTLE_RATE", default="20/min")},
}
# API tokens (django-rest-knox, stored hashed). A person's token from /api/v1/auth/token/ lasts
# API_TOKEN_HOURS; partner systems' service tokens are made by `manage.py create_service_token`.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# Knox's migrations always create its own token table (they do not honour KNOX_TOKEN_MODEL);
# unused, it would only hold a foreign key to users.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_HOURS", default=12)),
    "AUTH_HEADER_PREFIX": "Token",
}

# The OpenAPI schema and docs: open for local work, for signed-in users in production.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=DEBUG)

SPECTACULAR_SETTINGS = {
    "TITLE": "Safeguarding and youth justice casework API",
    "DESCRIPTION": "Children, involvements and access for partner systems. Records a caller may not see answer 404.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["accounts.permissions.ApiDocsAccess"],
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Record ids in URLs (config.api.RecordIdConverter): digits, at most 18 of them.
    "PATH_CONVERTER_OVERRIDES": {"record_id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
    # Several records have a "status", "outcome" or "kind": name each choice set after its record.
    "ENUM_NAME_OVERRIDES": {
        f"{model}{field}Enum": f"{module}.{model}.{field}"
        for module, model, fields in [
            ("casework.models", "Assessment", ("Status", "Outcome")),
            # ChildInNeedPlan.Status is the same set (active, ended): PlanStatusEnum below.
            ("casework.models", "StrategyDiscussion", ("Status", "Format", "RiskLevel")),
            ("casework.models", "Section47Enquiry", ("Status", "Outcome", "NextStep")),
            ("casework.models", "ConferenceRequest", ("Status",)),
            ("casework.models", "ChildProtectionConference", ("Status", "Kind")),
            ("casework.models", "ChildProtectionPlan", ("EndReason",)),
            ("casework.models", "CaseNote", ("Kind",)),
            ("casework.models", "Involvement", ("Kind",)),
            ("casework.models", "CustodyEpisode", ("Outcome",)),
            ("casework.models", "AppropriateAdultScreening", ("Consent", "Route")),
            ("casework.models", "CustodyEpisode", ("AppropriateAdult",)),
            ("casework.models", "PaceAccommodationRequest", ("Outcome",)),
            ("casework.models", "CourtAppearance", ("Outcome",)),
            ("casework.models", "Remand", ("Kind",)),
            ("casework.models", "YouthJusticeOrder", ("Kind",)),
            ("casework.models", "CustodyVisit", ("Kind",)),
            ("casework.models", "PreventionReferral", ("Route", "Source", "Outcome")),
            ("casework.models", "SeriousIncident", ("Category", "KnownTo", "Status")),
            ("casework.models", "HsbConsultation", ("Status", "Hackett")),
            ("referrals.models", "Contact", ("Status", "Source", "Consent", "Rag")),
            ("referrals.models", "Decision", ("Outcome",)),
            ("referrals.models", "Disagreement", ("Status",)),
            ("referrals.models", "AgencyCheck", ("Kind", "Result")),
            ("notifications.models", "Deadline", ("Status",)),
        ]
        for field in fields
    }
    | {
        "PlanStatusEnum": "casework.models.ChildProtectionPlan.Status",
        "InvolvementLegalBasisEnum": "casework.models.Involvement.LegalBasis",
        # The bases a social worker records (the remand bases come from the court remand).
        "RecordedLegalBasisEnum": "casework.involvements.services.RECORDED_BASES",
        "AbuseCategoryEnum": "casework.models.AbuseCategory",
        "ConcernCategoryEnum": "referrals.models.ConcernCategory",
        "JointDisagreementStageEnum": "casework.models.JointWorkingDisagreement.Stage",
    },
}

# Celery: Redis when REDIS_URL is set, otherwise a broker in files under var/
# so a fresh machine needs nothing installed.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    _broker_dir = VAR_DIR / "celery-broker"
    for sub in ("in", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast exchanges (the worker's remote control and its replies): without this kombu
        # keeps them in ./control, a folder in whatever directory the worker started in.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DEADLINE_SWEEP_BATCH = env.int("DEADLINE_SWEEP_BATCH", default=1000)
CELERY_BEAT_SCHEDULE = {
    # Often, so a missed or doubled tick is harmless; the sweep is idempotent.
    "sweep-deadlines": {
        "task": "notifications.sweep_deadlines",
        "schedule": env.int("DEADLINE_SWEEP_SECONDS", default=300),
    },
    # Idempotent: nothing is written while the log's end is already anchored.
    "anchor-access-log": {
        "task": "accounts.anchor_access_log",
        "schedule": env.int("AUDIT_ANCHOR_SECONDS", default=600),
    },
    # The dashboard's monthly figures: recent months every 15 minutes, all of them nightly (performance.tasks).
    "refresh-performance-figures": {
        "task": "performance.refresh_figures",
        "schedule": env.int("PERFORMANCE_REFRESH_SECONDS", default=900),
    },
    # Team work's copy of the teams' open work is kept as the services write; this puts right anything
    # changed round them (workload.team_work.ledger). Idempotent.
    "reconcile-team-work": {
        "task": "workload.reconcile_team_work",
        "schedule": env.int("TEAM_WORK_RECONCILE_SECONDS", default=3600),
    },
    # The census's data quality: the year-to-date return through the DfE's rules, each night
    # (returns.tasks), when nobody is changing records and the result is ready by morning.
    "check-census-data-quality": {
        "task": "returns.check_data_quality",
        "schedule": crontab(hour=env.int("DATA_QUALITY_HOUR", default=3), minute=0),
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="casework@example.invalid")

# Never print personal data: only warnings and errors, without request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query_strings": {"()": "config.log_filters.StripQueryStrings"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["strip_query_strings"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # The development server's request lines: without query strings (searches carry names).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="safeguarding-demo")
