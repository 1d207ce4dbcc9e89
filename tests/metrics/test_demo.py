"""The demo's customer data: two years of about 300 customers, imported through the import services."""

import pytest

from cco_portal.organizations.roles import Role
from metrics import selectors
from metrics.demo import demo_files, demo_months, seed_demo
from metrics.models import ActivityImport, Customer, ImportStatus, LostReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(member_of):
    return {role: member_of(role) for role in Role}


def test_the_demo_files_are_the_same_every_time():
    """The same seed gives the same customers and figures."""
    months = demo_months()
    assert demo_files(months) == demo_files(months)
    assert len(months) == 24


def test_seed_demo_imports_two_years_and_reasons(organization, people, django_capture_on_commit_callbacks):
    """Activity and reasons come in as two succeeded imports by the CCO; the movements are computed; the
    customer-asset charter is in force, agreed by the executive and the leadership member."""
    cco_user = people[Role.CCO]
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(organization=organization, people=people)
    imports = ActivityImport.objects.for_organization(organization)
    assert sorted(imports.values_list("kind", "status")) == [
        ("activity", ImportStatus.SUCCEEDED),
        ("reasons", ImportStatus.SUCCEEDED),
    ]
    assert set(imports.values_list("created_by", flat=True)) == {cco_user.pk}
    assert 250 <= Customer.objects.for_organization(organization).count() <= 350
    assert LostReason.objects.for_organization(organization).exists()
    assert selectors.months(organization) == demo_months()
    assert selectors.dataset(organization).is_current
    assert selectors.charter_statement(organization, organization.activity_window) | {"agreed_at": None} == {
        "version": 1,
        "activity_window": organization.activity_window,
        "agreed_at": None,
        "agreed": 2,
        "leaders": 2,
    }
    assert selectors.figure_owners(organization).names() == {
        "segments": {"North": people[Role.EXECUTIVE].display_name},
        "figures": {"lost": people[Role.EXECUTIVE].display_name},
    }


def test_seed_demo_leaves_existing_data_alone(organization, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(organization=organization, people=people)
        seed_demo(organization=organization, people=people)
    assert ActivityImport.objects.for_organization(organization).count() == 2
