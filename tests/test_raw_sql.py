"""Raw SQL stays only where the ORM cannot do the job, each place saying why (STYLE.md: set-based work in the
database). A new module that writes SQL by hand fails here until it is justified and added to the list."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_PACKAGES = ("cco_portal", "assessments", "roadmap", "metrics", "reports")
RAW_SQL = re.compile(r"\bcursor\(|\bRawSQL\b|\.raw\(|\.extra\(|\bexecute\(|\bexecutemany\(")

# Each module, and why the ORM cannot do its job (the module says so too, where the SQL is).
MODULES_ALLOWED_RAW_SQL = {
    "cco_portal/organizations/views.py": "the health check's SELECT 1 proves the database answers",
    "metrics/selectors.py": "the customers behind a figure are read from a derived table, counted and paged",
    "metrics/imports/merging.py": "INSERT … SELECT … ON CONFLICT from the import's temporary table",
    "metrics/imports/staging.py": "the import's temporary table, filled with COPY",
    "metrics/movements.py": "the movements' window functions over a temporary table of change points",
    "metrics/columnar.py": "the movements: activity exported to DuckDB, the rows that change deleted and COPYed back",
    "metrics/imports/columnar.py": "a plain file read by DuckDB, its customer-months COPYed into the table",
    "metrics/transfer.py": "the rows DuckDB reads leave by queries that join their CSV lines, and come back by COPY",
    "metrics/periods.py": "the quarters' and years' values: activity joined to period ranges, window functions",
    "metrics/sources/fetchers.py": "the query of a data source runs in someone else's database",
}


def modules_with_raw_sql() -> set[str]:
    found = set()
    for package in PRODUCT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            if RAW_SQL.search(path.read_text(encoding="utf-8")):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_only_the_listed_modules_write_raw_sql():
    """Every product module that opens a cursor, runs execute() or uses RawSQL, raw() or extra() is on the
    list of modules allowed to, with the reason the ORM cannot do the job."""
    assert modules_with_raw_sql() - set(MODULES_ALLOWED_RAW_SQL) == set()


def test_the_list_holds_no_module_that_no_longer_writes_raw_sql():
    """A module that went back to the ORM leaves the list, so the list stays the true picture."""
    assert set(MODULES_ALLOWED_RAW_SQL) - modules_with_raw_sql() == set()


def test_the_search_finds_raw_sql_in_its_usual_forms():
    """The pattern recognises the ways Django code writes SQL by hand, and not the ORM's own words."""
    for line in ("with connection.cursor() as c:", "qs.annotate(x=RawSQL('1', []))", "Model.objects.raw('…')"):
        assert RAW_SQL.search(line), line
    for line in ("Customer.objects.filter(segment=F('customer__segment'))", "cursor_position = 3"):
        assert not RAW_SQL.search(line), line
