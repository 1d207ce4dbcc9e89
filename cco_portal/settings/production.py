"""Production fails closed: the database, the broker, the mail server, the secret key and the host names must
all be named in the environment. A missing or stand-in value stops the process at boot, instead of a portal that
quietly keeps its data in SQLite, runs its work inside web requests or prints its invitations to a console."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env


def _is_fernet_key(key: str) -> bool:
    from cryptography.fernet import Fernet

    try:
        Fernet(key)
    except ValueError:
        return False
    return True


def _refuse(name: str, problem: str) -> None:
    raise ImproperlyConfigured(f"{name} {problem} The production settings have no fallback; see the README.")


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    _refuse("DJANGO_ALLOWED_HOSTS", "is empty: name the host names the portal answers to.")

DATABASES = {"default": {**DATABASES["default"], **env.db("DATABASE_URL")}}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    _refuse("DATABASE_URL", "must name a PostgreSQL database (postgres://user:password@host:5432/name).")

DATA_SOURCE_ENCRYPTION_KEY = env("DATA_SOURCE_ENCRYPTION_KEY", default="")
if not _is_fernet_key(DATA_SOURCE_ENCRYPTION_KEY):
    _refuse(
        "DATA_SOURCE_ENCRYPTION_KEY",
        "must be a Fernet key, which encrypts the data sources' passwords: make one with "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' and keep it "
        "(without it the stored passwords cannot be read).",
    )

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
if not CELERY_BROKER_URL or CELERY_BROKER_URL.startswith("memory://"):
    _refuse("CELERY_BROKER_URL", "must name a broker that workers share, such as redis://host:6379/0.")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = False

EMAIL_CONFIG = env.email_url("EMAIL_URL")
if EMAIL_CONFIG["EMAIL_BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    _refuse("EMAIL_URL", "must name an SMTP server (smtp+tls://user:password@host:587); nobody reads a console.")
vars().update(EMAIL_CONFIG)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Errors go to Sentry (or a server that speaks its protocol) when a DSN is given. Nothing personal is sent:
# no cookies, no request bodies, no user details, since the portal holds leaders' candid answers and revenue.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
