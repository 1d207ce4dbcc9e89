"""The embedded default for a newcomer's machine: debug on, SQLite, email to the console, Celery in-process."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")

# Serve static files from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run in-process here: their every success would drown the request log, and the in-memory
# broker that eager tasks still open has no host to report.
LOGGING["loggers"].update(  # noqa: F405
    {
        "celery.app.trace": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},
    }
)
