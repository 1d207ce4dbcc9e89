"""What an import does to an organization's data: rows that add up, replace and append, a file appended
twice, segments, reasons, and the data version with the recomputation it asks for."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics import services
from metrics.models import ActivityImport, Dataset, ImportKind, ImportMode, ImportStatus
from metrics.months import parse_month_label
from tests.metrics.import_files import (
    REASONS_HEADER,
    csv_bytes,
    run,
    stored_activity,
    stored_reasons,
    stored_segments,
)

pytestmark = pytest.mark.django_db

JANUARY = [("ann", "2024-01", "100", "North"), ("bob", "2024-01", "50", "South")]
FEBRUARY = [("ann", "2024-02", "80", "North"), ("cy", "2024-02", "10", "")]


def test_an_import_stores_each_customer_and_month_once(organization):
    """Rows of the same customer and month add up, also repeated inside one file; the stored segment of
    a month is its last non-empty one in file order."""
    # given
    rows = [
        ("ann", "2024-01", "100", "North"),
        ("ann", "2024-01-15", "-30.25", ""),
        ("ann", "2024-01", "100", "North"),
        ("bob", "2024-01", "5", "South"),
        ("bob", "2024-01", "5", "East"),
        ("bob", "2024-01", "5", ""),
    ]

    # when
    imported = run(organization, csv_bytes(rows))

    # then
    assert (imported.status, imported.rows_total, imported.months) == (ImportStatus.SUCCEEDED, 6, ["2024-01"])
    assert stored_activity(organization) == {
        ("ann", "2024-01"): (1_697_500, "North"),
        ("bob", "2024-01"): (150_000, "East"),
    }


def test_importing_the_same_file_twice_changes_nothing(organization):
    """Replace mode: the second import replaces the months it holds with the same rows."""
    # given
    content = csv_bytes(JANUARY + FEBRUARY)
    run(organization, content)
    first = stored_activity(organization), stored_segments(organization)

    # when
    again = run(organization, content)

    # then
    assert again.status == ImportStatus.SUCCEEDED
    assert (stored_activity(organization), stored_segments(organization)) == first


def test_replace_changes_only_the_months_in_the_file(organization):
    """A file of January replaces January, whoever was in it, and leaves February as it was."""
    # given
    run(organization, csv_bytes(JANUARY + FEBRUARY))

    # when
    run(organization, csv_bytes([("dee", "2024-01", "7", "West")]))

    # then
    assert stored_activity(organization) == {
        ("dee", "2024-01"): (70_000, "West"),
        ("ann", "2024-02"): (800_000, "North"),
        ("cy", "2024-02"): (100_000, ""),
    }


def test_append_adds_to_what_is_there(organization):
    """Append mode adds the file's revenue to the stored months; a new segment wins, an empty one keeps the old."""
    # given
    run(organization, csv_bytes(JANUARY))

    # when
    appended = run(
        organization,
        csv_bytes([("ann", "2024-01", "1.5", ""), ("bob", "2024-01", "-50", "West"), ("cy", "2024-03", "9", "")]),
        mode=ImportMode.APPEND,
    )

    # then
    assert appended.status == ImportStatus.SUCCEEDED
    assert stored_activity(organization) == {
        ("ann", "2024-01"): (1_015_000, "North"),
        ("bob", "2024-01"): (0, "West"),
        ("cy", "2024-03"): (90_000, ""),
    }


def test_appending_the_same_file_again_is_refused(organization, clock):
    """The second append of the same bytes would count them twice: refused, with the day of the first."""
    # given
    clock.current = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    content = csv_bytes(JANUARY)
    run(organization, content, mode=ImportMode.APPEND)
    clock.advance(days=3)

    # when
    with pytest.raises(ValidationError) as refused:
        run(organization, content, mode=ImportMode.APPEND, name="renamed.csv")

    # then
    assert refused.value.messages == [
        "This file was already added on 14 March 2025; adding it again would count its revenue twice."
    ]
    assert stored_activity(organization)[("ann", "2024-01")] == (1_000_000, "North")
    assert ActivityImport.objects.for_organization(organization).count() == 1
    assert run(organization, content).status == ImportStatus.SUCCEEDED  # replacing with it is fine


def test_two_queued_appends_of_the_same_file_load_it_once(organization):
    """Both were accepted before either ran: the second finds the first done when it comes to load."""
    # given
    content = csv_bytes(JANUARY)
    queued = [
        services.start_import(
            organization=organization,
            uploaded_file=SimpleUploadedFile("a.csv", content),
            mode=ImportMode.APPEND,
            run_later=False,
        )
        for _ in range(2)
    ]

    # when
    first, second = (services.run_import(activity_import=activity_import) for activity_import in queued)

    # then
    assert (first.status, second.status) == (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    assert second.errors[0]["message"].startswith("This file was already added on")
    assert stored_activity(organization)[("ann", "2024-01")] == (1_000_000, "North")


def test_a_customer_is_in_the_segment_of_its_latest_month(organization):
    """Moving to a later month moves the customer; replacing that month away moves it back."""
    # given
    run(organization, csv_bytes([("eve", "2024-01", "10", "North"), ("eve", "2024-03", "10", "South")]))
    moved = stored_segments(organization)["eve"]

    # when
    run(organization, csv_bytes([("ann", "2024-03", "1", "West")]))

    # then
    assert moved == "South"
    assert stored_segments(organization) == {"eve": "North", "ann": "West"}


def test_reasons_are_replaced_or_appended_like_activity(organization):
    """A reason is the last given for its customer and month; replace clears the file's months, append
    puts a new reason in the old one's place and keeps the rest."""
    # given
    run(organization, csv_bytes(JANUARY))
    first = [("bob", "2024-02", "Price"), ("bob", "2024-02", "Moved away"), ("ann", "2024-03", "Service")]

    # when
    replaced = run(organization, csv_bytes(first, header=REASONS_HEADER), kind=ImportKind.REASONS)
    after_replace = stored_reasons(organization)
    run(organization, csv_bytes([("ann", "2024-03", "Price")], header=REASONS_HEADER), kind=ImportKind.REASONS)
    after_second_replace = stored_reasons(organization)
    run(
        organization,
        csv_bytes([("bob", "2024-02", "Competitor"), ("zed", "2024-02", "Closed")], header=REASONS_HEADER),
        kind=ImportKind.REASONS,
        mode=ImportMode.APPEND,
    )

    # then
    assert replaced.status == ImportStatus.SUCCEEDED
    assert after_replace == {("bob", "2024-02"): "Moved away", ("ann", "2024-03"): "Service"}
    assert after_second_replace == {("bob", "2024-02"): "Moved away", ("ann", "2024-03"): "Price"}
    assert stored_reasons(organization) == {
        ("bob", "2024-02"): "Competitor",
        ("ann", "2024-03"): "Price",
        ("zed", "2024-02"): "Closed",
    }
    assert stored_segments(organization)["zed"] == ""


def test_an_activity_import_raises_the_version_and_asks_for_the_movements_after_commit(
    organization, django_capture_on_commit_callbacks
):
    """Each import raises the data version, records the data's months, and queues the computation."""
    # given
    run(organization, csv_bytes(JANUARY))

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        run(organization, csv_bytes([*FEBRUARY, ("ann", "2023-11-30", "3", "")]))

    # then
    dataset = Dataset.objects.get(organization=organization)
    assert dataset.version == 2
    assert (dataset.first_month, dataset.last_month) == (parse_month_label("2023-11"), parse_month_label("2024-02"))
    assert len(callbacks) == 1


def test_a_reasons_import_or_a_rejected_file_asks_for_nothing(organization, django_capture_on_commit_callbacks):
    """Reasons do not change the movements, and a rejected file changes nothing at all."""
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        run(organization, csv_bytes([("bob", "2024-02", "Price")], header=REASONS_HEADER), kind=ImportKind.REASONS)
        run(organization, csv_bytes([("bob", "2024-13", "1", "")]))

    # then
    assert callbacks == []
    assert not Dataset.objects.filter(organization=organization, version__gt=0).exists()
