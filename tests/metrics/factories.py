import factory

from metrics.models import ActivityImport, ImportKind, ImportMode, ImportStatus
from tests.factories import OrganizationFactory, UserFactory


class ActivityImportFactory(factory.django.DjangoModelFactory):
    """An import as the history records it; the file itself is not stored."""

    class Meta:
        model = ActivityImport

    organization = factory.SubFactory(OrganizationFactory)
    kind = ImportKind.ACTIVITY
    mode = ImportMode.REPLACE
    file = factory.LazyAttribute(lambda i: f"imports/{i.organization.pk}/{i.sha256}.csv")
    file_name = "activity.csv"
    file_size = 1024
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    status = ImportStatus.QUEUED
    created_by = factory.SubFactory(UserFactory)
