"""The production settings fail closed: without a real database, broker, mail server, secret key or host names
the process stops at boot, naming what is missing, instead of falling back to the embedded default."""

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

COMPLETE = {
    "DJANGO_SECRET_KEY": "production-settings-under-test-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "postgres://portal:secret@db.example.com:5432/cco_portal",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.com:587",
    "DATA_SOURCE_ENCRYPTION_KEY": "nY1e0mQkGQxW3q1n2h9VvBzJZ8mC2xk5vXq3Jt4Wg0Q=",
}


def load_production(monkeypatch, **changes):
    """Read cco_portal/settings/production.py with the complete environment, changed as given (None removes)."""
    for name, value in {**COMPLETE, **changes}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_module("cco_portal.settings.production")


def test_production_starts_with_every_service_named(monkeypatch):
    """Given the database, broker, mail server, secret and hosts, the settings load and use exactly those."""
    # when
    module = load_production(monkeypatch)

    # then
    assert module["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert module["DATABASES"]["default"]["HOST"] == "db.example.com"
    assert module["CELERY_BROKER_URL"] == "redis://redis.example.com:6379/0"
    assert module["CELERY_TASK_ALWAYS_EAGER"] is False
    assert module["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert module["EMAIL_HOST"] == "smtp.example.com"
    assert module["DEBUG"] is False


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "EMAIL_URL",
        "DATA_SOURCE_ENCRYPTION_KEY",
    ],
)
def test_production_refuses_to_start_without_a_required_value(monkeypatch, missing):
    """Each required value, when missing, stops the settings with an error that names it."""
    # when / then
    with pytest.raises(ImproperlyConfigured, match=missing):
        load_production(monkeypatch, **{missing: None})


@pytest.mark.parametrize(
    ("name", "stand_in"),
    [
        ("DATABASE_URL", "sqlite:///db.sqlite3"),
        ("CELERY_BROKER_URL", "memory://"),
        ("EMAIL_URL", "consolemail://"),
        ("EMAIL_URL", "memorymail://"),
        ("DJANGO_ALLOWED_HOSTS", ""),
        ("DATA_SOURCE_ENCRYPTION_KEY", "not-a-fernet-key"),
    ],
)
def test_production_refuses_the_embedded_stand_ins(monkeypatch, name, stand_in):
    """The embedded default's SQLite, in-memory broker and console mail are refused, not used, in production."""
    # when / then
    with pytest.raises(ImproperlyConfigured, match=name):
        load_production(monkeypatch, **{name: stand_in})


def test_errors_are_reported_to_sentry_only_when_a_dsn_is_set_and_without_personal_data(monkeypatch):
    """With SENTRY_DSN, sentry-sdk is started for that DSN, sending no personal data and no request bodies
    (the portal's bodies hold customers' revenue and leaders' answers); without one, it is not started."""
    import sentry_sdk

    started = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: started.append(options))

    load_production(monkeypatch, SENTRY_DSN=None)
    load_production(monkeypatch, SENTRY_DSN="https://public@sentry.example.com/7")

    assert len(started) == 1
    assert started[0]["dsn"] == "https://public@sentry.example.com/7"
    assert started[0]["send_default_pii"] is False
    assert started[0]["max_request_body_size"] == "never"
