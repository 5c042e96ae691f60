"""Configuration classes: Development (SQLite in instance/), Testing, Production.

Production refuses to start without SECRET_KEY and DATABASE_URL: there is no fallback secret.
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """Raised when a configuration cannot be used safely."""


def _instance_secret(name: str, nbytes: int = 32) -> str:
    """Return a per-installation development secret kept in instance/ (created on first use).

    Only Development uses this: the secret never lives in the repository, and each
    developer machine gets its own.
    """
    import secrets

    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


class BaseConfig:
    """Settings shared by every environment."""

    SITE_AGENCY_CODE = os.environ.get("SITE_AGENCY_CODE", "LS")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    # Babel: Vietnamese is the source and default language.
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Uploads: at most 10 files of at most 10 MB each (issue: online intake).
    MAX_ATTACHMENTS = 10
    MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    # The whole request may carry all ten files plus the form.
    MAX_CONTENT_LENGTH = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024  # text fields; files are streamed to disk
    MAX_FORM_PARTS = 200
    UPLOAD_ROOT = os.environ.get("UPLOAD_ROOT", str(INSTANCE_DIR / "uploads"))
    STAGED_UPLOAD_TTL_HOURS = 24
    # `flask storage sweep` removes stored files no row names once they are this old (docs/reliability.md).
    ORPHAN_FILE_MIN_AGE_HOURS = 24

    # Provinces, communes, agencies and calendar overrides kept in each process (app/refcache.py):
    # a change made in another process is seen after at most this many seconds; 0 turns it off.
    REFDATA_CACHE_SECONDS = float(os.environ.get("REFDATA_CACHE_SECONDS", "60"))

    # Long lists count their rows up to this many and then say "1.000+" (an exact count of a million
    # rows costs a second on every view); a search ranks its SEARCH_RANK_CAP newest matches and asks
    # for more words beyond that (docs/search.md).
    LIST_COUNT_CAP = int(os.environ.get("LIST_COUNT_CAP", "1000"))
    SEARCH_RANK_CAP = int(os.environ.get("SEARCH_RANK_CAP", "200"))
    # A search looks first among this many newest petitions, then, if too few match, everywhere
    # (app/petitions/queries.py: _newest_matches).
    SEARCH_RECENT_WINDOW = int(os.environ.get("SEARCH_RECENT_WINDOW", "20000"))
    SEARCH_WINDOW_CACHE_SECONDS = float(os.environ.get("SEARCH_WINDOW_CACHE_SECONDS", "10"))

    # Report figures are kept this many seconds (app/reports/cache.py): each page says when they were
    # computed and offers to recompute them; in Redis when set, so every worker shares them.
    REPORT_CACHE_SECONDS = float(os.environ.get("REPORT_CACHE_SECONDS", "300"))
    REPORT_CACHE_REDIS_URL = os.environ.get("REPORT_CACHE_REDIS_URL", os.environ.get("REDIS_URL")) or None

    # Rate limits (Flask-Limiter); shared through Redis when REDIS_URL is set.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    # No X-RateLimit-* headers: each costs two more Redis round trips on every limited request.
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_SUBMIT = os.environ.get("RATELIMIT_SUBMIT", "10 per hour")
    RATELIMIT_TRACK = os.environ.get("RATELIMIT_TRACK", "20 per 10 minutes")
    # Every POST of a public form, whatever its outcome (app/ratelimits.py).
    RATELIMIT_ATTEMPTS = os.environ.get("RATELIMIT_ATTEMPTS", "60 per hour")
    # Keeps the counters of two sites sharing one Redis apart (docs/security.md).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    # Behind a reverse proxy, how many proxies append to X-Forwarded-For: the limits then count
    # the citizen's address, not the proxy's. 0 (default) trusts no forwarded header.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

    # Optional virus scan of every upload (docs/security.md): a command that reads the file on
    # stdin and exits 0 (clean), 1 (infected) or anything else (could not check), like
    # "clamdscan --no-summary --fdpass -". Unset: no scan.
    CLAMDSCAN_COMMAND = os.environ.get("CLAMDSCAN_COMMAND") or None
    CLAMDSCAN_TIMEOUT = float(os.environ.get("CLAMDSCAN_TIMEOUT", "60"))

    # Staff sign-in: lockout per account, throttling per IP, session lifetimes.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "20 per 10 minutes")
    STAFF_IDLE_TIMEOUT_MINUTES = 30
    STAFF_ABSOLUTE_TIMEOUT_HOURS = 8
    # Two-factor sign-in (docs/two-factor.md): these roles must use a one-time code from an
    # authenticator app, or everybody when TWO_FACTOR_REQUIRED_FOR_ALL; others may opt in.
    TWO_FACTOR_REQUIRED_ROLES = tuple(
        r.strip() for r in os.environ.get("TWO_FACTOR_REQUIRED_ROLES", "leader,admin").split(",") if r.strip()
    )
    TWO_FACTOR_REQUIRED_FOR_ALL = os.environ.get("TWO_FACTOR_REQUIRED_FOR_ALL", "").strip().lower() in {
        "1", "true", "yes", "on"}
    TWO_FACTOR_PENDING_MINUTES = 10  # from the right password to the code (or the enrolment)

    WTF_CSRF_TIME_LIMIT = 4 * 3600  # a citizen may take a long time over the form
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    HSTS_MAX_AGE = 0  # Strict-Transport-Security only in production (app/security.py)

    DEMO_DATA_ALLOWED = False

    # Operations (docs/deploy.md): /metrics answers this machine, or a scraper sending
    # "Authorization: Bearer METRICS_TOKEN"; request figures are kept in Redis when it is set, so
    # that every worker and app server counts into the same figures. LOG_FORMAT=json writes one
    # JSON object per log line; LOG_REQUESTS adds one line per request.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    METRICS_REDIS_URL = os.environ.get("METRICS_REDIS_URL", os.environ.get("REDIS_URL")) or None
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_REQUESTS = os.environ.get("LOG_REQUESTS", "1" if LOG_FORMAT == "json" else "").strip().lower() in {
        "1", "true", "yes", "on"}

    # Public statistics (/thong-ke/, docs/charts.md): a group of content or place with fewer
    # petitions than this is folded into "other" or shown as "dưới N"; figures kept this long.
    STATS_SMALL_CELL = int(os.environ.get("STATS_SMALL_CELL", "5"))
    STATS_CACHE_SECONDS = int(os.environ.get("STATS_CACHE_SECONDS", "600"))

    # Key that encrypts the denunciator's identity at rest (Fernet, urlsafe base64).
    IDENTITY_KEY = os.environ.get("IDENTITY_KEY")

    # E-mail (app/notifications): the outbox worker `flask outbox deliver` sends through SMTP,
    # or prints the messages ("console", for development).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").strip().lower() in {"1", "true", "yes", "on"}  # STARTTLS
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@localhost")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))  # seconds, per SMTP operation
    # Retries: NOTIFY_RETRY_BASE_SECONDS, doubled per attempt, capped; failed after the last attempt
    # (the defaults keep trying for about a day; `flask outbox requeue` queues failed ones again).
    NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "60"))
    NOTIFY_RETRY_MAX_SECONDS = int(os.environ.get("NOTIFY_RETRY_MAX_SECONDS", "3600"))
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "30"))
    # A message claimed longer ago than this is taken to belong to a dead worker and sent again.
    NOTIFY_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("NOTIFY_CLAIM_TIMEOUT_SECONDS", "900"))


class DevelopmentConfig(BaseConfig):
    """Local development: SQLite file in instance/, secrets generated into instance/."""

    DEBUG = False
    DEMO_DATA_ALLOWED = True
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'app.db'}"
    )
    SECRET_KEY = os.environ.get("SECRET_KEY") or _instance_secret("secret_key")
    IDENTITY_KEY = os.environ.get("IDENTITY_KEY") or None  # created in instance/ by app.crypto
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")  # print e-mails instead of sending


class TestingConfig(BaseConfig):
    """Tests: in-memory SQLite unless TEST_DATABASE_URL is given."""

    TESTING = True
    DEMO_DATA_ALLOWED = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only
    IDENTITY_KEY = "7bJ4tpnTj-dmy5Bk9Q8rFw3dDLm3l3kdrH2oGvGLWZM="  # tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    METRICS_REDIS_URL = None  # per-process figures; the Redis store is tested with its own override
    # Tests compare figures before and after a change: nothing kept unless a test turns it on
    # (tests/reports/test_report_cache.py).
    REPORT_CACHE_SECONDS = 0.0
    REPORT_CACHE_REDIS_URL = None
    SEARCH_WINDOW_CACHE_SECONDS = 0.0  # each test's data are its own (test_list_caps turns it on)
    RATELIMIT_ENABLED = True
    SERVER_NAME = None
    # Cheap Argon2id for the thousands of test sign-ins (production keeps the library's defaults).
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    # Tests sign leaders and admins in with a password alone; the two-factor tests switch the
    # requirement on through app_overrides (tests/functional/test_two_factor.py).
    TWO_FACTOR_REQUIRED_ROLES: tuple = ()
    TWO_FACTOR_REQUIRED_FOR_ALL = False


class ProductionConfig(BaseConfig):
    """Production: PostgreSQL and secrets from the environment, or refuse to start."""

    SESSION_COOKIE_SECURE = True
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))

    def __init__(self) -> None:
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL", "IDENTITY_KEY") if not os.environ.get(k)]
        if missing:
            raise ConfigError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        self.IDENTITY_KEY = os.environ["IDENTITY_KEY"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
