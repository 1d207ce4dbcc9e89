"""Shared fixtures: organizations with one member per role, and the real services of the service suite."""

import os

import pytest

from cco_portal.organizations.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytest_plugins = ["tests.services"]

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
