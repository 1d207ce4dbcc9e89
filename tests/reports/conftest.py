import pytest

from metrics.computation import compute_customer_movements
from metrics.models import Dataset
from metrics.months import parse_month_label
from tests.metrics.activity import HISTORY, load

# The months of tests.metrics.activity.HISTORY.
FIRST_MONTH, LAST_MONTH = parse_month_label("2024-01"), parse_month_label("2024-04")
MARCH = parse_month_label("2024-03")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Imported files go to a folder of the test's own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def load_history(organization, rows=HISTORY) -> Dataset:
    """Store customer activity and compute its movements, raising the data version as an import does."""
    load(organization, rows)
    dataset, _ = Dataset.objects.get_or_create(organization=organization)
    dataset.version += 1
    dataset.save(update_fields=["version"])
    return compute_customer_movements(organization=organization)


@pytest.fixture
def customer_data(organization):
    """Four months of activity (2024-01 to 2024-04) of four customers in two segments, computed."""
    return load_history(organization)
