import factory

from metrics.models import ActivityImport, DataSource, ImportKind, ImportMode, ImportStatus
from metrics.sources.models import SourceKind
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


class DataSourceFactory(factory.django.DjangoModelFactory):
    """A file source on demand, without a password; SQL sources are made through the service, which
    encrypts the password (tests/metrics/sources/)."""

    class Meta:
        model = DataSource

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Billing export {n}")
    kind = SourceKind.URL
    target = ImportKind.ACTIVITY
    # Nothing listens there: a pull fails at once and never reaches the network.
    url = "http://127.0.0.1:9/export.csv"
