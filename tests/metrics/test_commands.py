"""The management commands that import a file here and now: import_activity and import_reasons."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metrics.imports import reading
from metrics.models import ActivityImport, ImportMode, ImportStatus
from tests.metrics.import_files import REASONS_HEADER, csv_bytes, stored_activity, stored_reasons

pytestmark = pytest.mark.django_db

JANUARY = [("ann", "2024-01", "100", "North"), ("bob", "2024-01", "50", "South"), ("ann", "2024-02", "5", "")]


@pytest.fixture
def write(tmp_path):
    """Write a file and return its path."""

    def make(content: bytes, name: str = "activity.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return make


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_activity_imports_the_file_and_tells_how_it_went(organization, write, monkeypatch):
    """The rows are stored, the progress is printed as the file is read, and the outcome at the end."""
    # given
    monkeypatch.setattr(reading, "PROGRESS_EVERY", 2)
    path = write(csv_bytes(JANUARY))

    # when
    output, _ = run("import_activity", "acme", str(path))

    # then
    assert stored_activity(organization) == {
        ("ann", "2024-01"): (1_000_000, "North"),
        ("bob", "2024-01"): (500_000, "South"),
        ("ann", "2024-02"): (50_000, ""),
    }
    lines = output.splitlines()
    assert lines[0] == f"Importing activity.csv ({path.stat().st_size:,} bytes) into Acme Outfitters …"
    assert lines[1] == "  2 rows read"
    assert lines[2].startswith("Imported 3 rows of 2 months (2024-01 to 2024-02) in ")
    imported = ActivityImport.objects.get()
    assert (imported.status, imported.mode, imported.created_by) == (ImportStatus.SUCCEEDED, ImportMode.REPLACE, None)


def test_import_activity_append_adds_and_refuses_the_same_file_twice(organization, write):
    """--append adds to the data; the same file appended again stops with the reason."""
    # given
    path = write(csv_bytes(JANUARY[:1]))
    run("import_activity", "acme", str(path))

    # when
    run("import_activity", "acme", str(path), "--append")
    with pytest.raises(CommandError, match=r"This file was already added on .*would count its revenue twice"):
        run("import_activity", "acme", str(path), "--append")

    # then
    assert stored_activity(organization) == {("ann", "2024-01"): (2_000_000, "North")}


def test_import_activity_prints_the_problems_of_a_rejected_file(organization, write):
    """A rejected file stops the command; the problems are printed with their line and column."""
    # given
    run("import_activity", "acme", str(write(csv_bytes(JANUARY), "good.csv")))
    path = write(csv_bytes([("ann", "2024-01", "1", ""), ("bob", "2024-13", "1", ""), ("cy", "2024-01", "x", "")]))

    # when
    err = StringIO()
    with pytest.raises(CommandError, match=r"The file was rejected \(2 problems\); nothing was changed."):
        call_command("import_activity", "acme", str(path), stdout=StringIO(), stderr=err)

    # then
    assert err.getvalue().splitlines() == [
        "line 3, period: “2024-13” has no month 13; months run from 01 to 12.",
        "line 4, revenue: “x” is not a number; write it like 1234.50 or -20 (a leading + or - is allowed, "
        "no currency signs or thousands separators).",
    ]
    assert stored_activity(organization)[("ann", "2024-01")] == (1_000_000, "North")


def test_import_activity_shows_the_first_problems_and_counts_the_rest(organization, write):
    """A file with many problems prints the first twenty and says how many more there are."""
    # given
    path = write(csv_bytes([("ann", "2024-13", "1", "")] * 25))

    # when
    err = StringIO()
    with pytest.raises(CommandError, match=r"\(25 problems\)"):
        call_command("import_activity", "acme", str(path), stdout=StringIO(), stderr=err)

    # then
    lines = err.getvalue().splitlines()
    assert len(lines) == 21
    assert lines[-1] == "… and 5 more."


@pytest.mark.parametrize(
    ("slug", "file_name", "message"),
    [("nowhere", "activity.csv", "No organization with the slug 'nowhere'."), ("acme", "missing.csv", "No file at")],
    ids=["unknown organization", "missing file"],
)
def test_import_activity_needs_an_organization_and_a_file(organization, write, slug, file_name, message):
    """An unknown slug or a path without a file stops the command before anything is stored."""
    # given
    path = write(csv_bytes(JANUARY)).parent / file_name

    # when / then
    with pytest.raises(CommandError, match=message):
        run("import_activity", slug, str(path))
    assert not ActivityImport.objects.exists()


def test_import_reasons_imports_lost_customer_reasons(organization, write):
    """import_reasons takes the reasons file; --append puts a new reason in the old one's place."""
    # given
    path = write(csv_bytes([("bob", "2024-02", "Price"), ("cy", "2024-02", "Moved")], header=REASONS_HEADER))
    run("import_reasons", "acme", str(path))

    # when
    output, _ = run(
        "import_reasons",
        "acme",
        str(write(csv_bytes([("bob", "2024-02", "Competitor")], header=REASONS_HEADER), "more.csv")),
        "--append",
    )

    # then
    assert "Imported 1 row of 1 month (2024-02) in " in output
    assert stored_reasons(organization) == {("bob", "2024-02"): "Competitor", ("cy", "2024-02"): "Moved"}
