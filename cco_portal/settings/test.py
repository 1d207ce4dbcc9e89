"""Settings for the test suite: fast hashing, in-memory email, Celery eager unless a broker is given."""

from .base import *  # noqa: F403
from .base import development_key, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-key-not-for-production")
# Development machines hold no real credentials: a fixed key keeps stored source passwords readable.
DATA_SOURCE_ENCRYPTION_KEY = env("DATA_SOURCE_ENCRYPTION_KEY", default=development_key("test"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process; the integration tests start a real worker against CELERY_BROKER_URL.
CELERY_TASK_ALWAYS_EAGER = True

# Serve static files from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The suite signs admins in with force_login and no device; tests of the second-factor rule turn it on with the
# `second_factor_enforced` fixture (tests/conftest.py). Someone who has a device is asked for it regardless.
SECOND_FACTOR_RULE_ENFORCED = False
