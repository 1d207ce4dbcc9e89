"""The embedded default for a newcomer's machine: debug on, SQLite, email to the console, and real Celery.

Without CELERY_BROKER_URL, tasks go through kombu's filesystem transport: messages are files in
var/celery/, so a worker and beat started beside the web server (bin/demo) run the whole system, progress
bars, schedules and refreshed reports included, with no server to install. It was chosen over the SQLAlchemy
transport because it needs no further package and cannot contend with the portal for SQLite's one writer.
"""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, development_key, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")
# Development machines hold no real credentials: a fixed key keeps stored source passwords readable.
DATA_SOURCE_ENCRYPTION_KEY = env("DATA_SOURCE_ENCRYPTION_KEY", default=development_key("local"))

# Serve static files from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat write to one file: write-ahead logging lets readers go on while one
    # writes, and taking the write lock at the start of a transaction (with a wait) avoids "database is locked"
    # errors where two processes would otherwise both try to upgrade a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

if not env("CELERY_BROKER_URL", default="") and not env.bool("CELERY_TASK_ALWAYS_EAGER", default=False):
    CELERY_FOLDER = Path(env("CELERY_FOLDER", default=str(BASE_DIR / "var" / "celery")))
    for folder in ("queue", "control", "results"):
        (CELERY_FOLDER / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FOLDER / "queue"),
        "data_folder_out": str(CELERY_FOLDER / "queue"),
        "control_folder": str(CELERY_FOLDER / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_FOLDER / 'results'}"
    CELERY_TASK_ALWAYS_EAGER = False

# Tasks that run in-process would drown the request log with their every success, and the in-memory
# broker that eager tasks still open has no host to report.
LOGGING["loggers"].update(  # noqa: F405
    {
        "celery.app.trace": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},
    }
)
