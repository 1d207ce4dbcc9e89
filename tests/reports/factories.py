import factory
from django.utils import timezone

from reports.models import CustomerRoomAction, Report, ReportStatus
from tests.factories import OrganizationFactory


class ReportFactory(factory.django.DjangoModelFactory):
    """A done report of 2024-01 from data version 1, with minimal figures."""

    class Meta:
        model = Report

    organization = factory.SubFactory(OrganizationFactory)
    month = 2024 * 12
    data_version = 1
    status = ReportStatus.DONE
    progress = 100
    computed_at = factory.LazyFunction(timezone.now)
    figures = factory.LazyAttribute(lambda o: {"organization": o.organization.name, "month": "2024-01", "bridge": None})


class CustomerRoomActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerRoomAction

    organization = factory.SubFactory(OrganizationFactory)
    month = 2024 * 12
    title = factory.Sequence(lambda n: f"Call the ten largest lost customers ({n})")
