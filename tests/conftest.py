"""Shared fixtures: organizations with one member per role, a clock, and the real services of the service suite."""

import os
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from cco_portal.celery import app as celery_app
from cco_portal.organizations.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.mail import RefusingMail

pytest_plugins = ["tests.services"]

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# What data migrations load, and the function each one loads it with.
REFERENCE_CONTENT = [
    ("assessments.Questionnaire", "assessments.migrations.0002_load_questionnaires", "load_questionnaires"),
    ("roadmap.Competency", "roadmap.migrations.0002_load_competencies", "load"),
]


def _uses_database(request) -> bool:
    fixtures = set(request.fixturenames)
    return bool(fixtures & {"db", "transactional_db", "live_server"}) or request.node.get_closest_marker("django_db")


@pytest.fixture(autouse=True)
def reference_content(request, django_db_blocker):
    """Restore the content that data migrations load (questionnaires, competencies) when a transactional
    test's flush removed it, so every test starts from a migrated database. Django's serialized_rollback
    would do this, but clashes with the content types that such a flush re-creates."""
    if not _uses_database(request):
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        for model, module, loader in REFERENCE_CONTENT:
            if not django_apps.get_model(model).objects.exists():
                getattr(import_module(module), loader)(django_apps, None)


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme Outfitters", slug="acme")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def member_of(organization):
    """Make a user holding `role` in `organization` (default: the `organization` fixture)."""

    def make(role: str, org=None, **user_fields):
        user = UserFactory(**user_fields)
        MembershipFactory(organization=org or organization, user=user, role=role)
        return user

    return make


@pytest.fixture
def admin_user(member_of):
    return member_of(Role.ADMIN)


@pytest.fixture
def cco_user(member_of):
    return member_of(Role.CCO)


@pytest.fixture
def executive_user(member_of):
    return member_of(Role.EXECUTIVE)


@pytest.fixture
def leadership_user(member_of):
    return member_of(Role.LEADERSHIP)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


class Clock:
    """Stands in for django.utils.timezone.now; starts at the real time and moves only when told."""

    def __init__(self):
        self.current = timezone.now()

    def __call__(self):
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(timezone, "now", moved)
    return moved


@pytest.fixture
def refusing_mail(settings, mailoutbox):
    """A mail server that refuses the addresses given to `refusing_mail.refuse(address, times=…)` and
    delivers the rest to `mailoutbox`."""
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    return RefusingMail()


@pytest.fixture
def worker_retries(monkeypatch):
    """Tasks retry as in a worker, though in-process: Celery runs each retry at once instead of later."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


@pytest.fixture
def second_factor_enforced(settings):
    """The organizations' second-factor rule enforced, as always outside the test settings."""
    settings.SECOND_FACTOR_RULE_ENFORCED = True
