"""Moving the staged rows into an organization's data: set-based SQL, the same on PostgreSQL and SQLite,
run by the import inside its one transaction. Raw SQL because the rows come from a temporary table
that has no model (staging.py) and the merge is INSERT … SELECT … ON CONFLICT over millions of rows, which
the ORM could only do by loading them into Python.

Rows of the same customer and month add up. The segment stored for a customer and month is the last
non-empty one among its rows, in file order (the staged `line`), and a customer's segment is the one of
its latest month with data. A reason is the last one given for the customer and month.
"""

from typing import TYPE_CHECKING

from django.db.backends.base.base import BaseDatabaseWrapper

from ..models import REVENUE_SCALE, Customer, CustomerActivity, ImportMode, LostReason
from ..months import month_label
from .staging import TABLE as STAGED
from .staging import temporary

if TYPE_CHECKING:
    from .columnar import ColumnarImport

CUSTOMER = Customer._meta.db_table
ACTIVITY = CustomerActivity._meta.db_table
REASON = LostReason._meta.db_table
TOUCHED = "metrics_import_touched"

# Every key of the file becomes a customer, if it is not one yet. (WHERE true keeps SQLite from reading
# ON CONFLICT as a join condition.)
ADD_CUSTOMERS = f"""
    INSERT INTO {CUSTOMER} (organization_id, external_id, segment)
    SELECT %s, external_id, '' FROM (SELECT DISTINCT external_id FROM {STAGED}) AS keys WHERE true
    ON CONFLICT (organization_id, external_id) DO NOTHING
"""

STAGED_MONTHS = f"SELECT DISTINCT month FROM {STAGED}"

# One row per customer and month: the revenue added up, and the last non-empty segment. Grouped by the
# customer's id, in the order the rows are inserted: in that order the primary key grows at its end (new
# customers have the highest ids), a good deal cheaper than inserting all over it, and one sort serves
# both. A customer-month's non-empty segments are nearly always one and the same (its smallest is its
# largest); only where they differ is the segment of the last line fetched, by the staging table's key.
# ({binary} compares the segments byte by byte: PostgreSQL's default collation would be slower. {join} is
# CROSS JOIN on SQLite, which then reads the staged rows first and looks each customer up by its key; left to
# itself, with no statistics, it scanned the staged rows once per customer: 34 s instead of 1 s for 100k rows.)
INSERT_ACTIVITY = f"""
    INSERT INTO {ACTIVITY} (organization_id, customer_id, month, revenue, segment)
    SELECT %s, customer_id, month, revenue, CASE
        WHEN first_label IS NULL THEN ''
        WHEN first_label = last_label THEN first_label
        ELSE (SELECT labelled.label FROM {STAGED} AS labelled WHERE labelled.line = grouped.label_line)
    END
    FROM (
        SELECT customer.id AS customer_id, staged.month, SUM(staged.revenue) AS revenue,
            MAX(CASE WHEN staged.label <> '' THEN staged.line END) AS label_line,
            MIN(NULLIF(staged.label, '') {{binary}}) AS first_label,
            MAX(NULLIF(staged.label, '') {{binary}}) AS last_label
        FROM {STAGED} AS staged
        {{join}} {CUSTOMER} AS customer ON customer.organization_id = %s AND customer.external_id = staged.external_id
        GROUP BY customer.id, staged.month
    ) AS grouped
    WHERE true
    ORDER BY customer_id, month
"""
ADD_TO_ACTIVITY = f"""
    ON CONFLICT (customer_id, month) DO UPDATE SET
        revenue = {ACTIVITY}.revenue + excluded.revenue,
        segment = CASE WHEN excluded.segment <> '' THEN excluded.segment ELSE {ACTIVITY}.segment END
"""

# The customers of the file, whose latest month may have changed.
TOUCH_STAGED_CUSTOMERS = f"""
    INSERT INTO {TOUCHED} (customer_id)
    SELECT customer.id FROM (SELECT DISTINCT external_id FROM {STAGED}) AS keys
    JOIN {CUSTOMER} AS customer ON customer.organization_id = %s AND customer.external_id = keys.external_id
"""
# A customer's segment is the one of its latest month, read backwards along the primary key; only the
# customers whose segment changes are written.
UPDATE_SEGMENTS = f"""
    UPDATE {CUSTOMER} SET segment = latest.segment
    FROM (
        SELECT touched.customer_id, COALESCE((
            SELECT activity.segment FROM {ACTIVITY} AS activity
            WHERE activity.customer_id = touched.customer_id ORDER BY activity.month DESC LIMIT 1
        ), '') AS segment
        FROM (SELECT DISTINCT customer_id FROM {TOUCHED}) AS touched
    ) AS latest
    WHERE {CUSTOMER}.id = latest.customer_id AND {CUSTOMER}.segment <> latest.segment
"""

INSERT_REASONS = f"""
    INSERT INTO {REASON} (organization_id, customer_id, month, reason)
    SELECT %s, customer.id, grouped.month, latest.label
    FROM (SELECT external_id, month, MAX(line) AS line FROM {STAGED} GROUP BY external_id, month) AS grouped
    JOIN {CUSTOMER} AS customer ON customer.organization_id = %s AND customer.external_id = grouped.external_id
    JOIN {STAGED} AS latest ON latest.line = grouped.line
    WHERE true
"""
REPLACE_REASON = " ON CONFLICT (customer_id, month) DO UPDATE SET reason = excluded.reason"

# A replace import of months already stored (a whole history uploaded again every month, a data source's
# scheduled pull) mostly brings them back as they were. The rows it replaces are kept aside and compared, row for
# row, with those it stores: the computation that follows starts at the first month whose revenue differs, as the
# months before it keep their movements, where starting at the file's first month computed every month again.
# (PostgreSQL's quick path compares in DuckDB, and writes only the rows that differ: columnar.py.)
REPLACED = "metrics_import_replaced"
REPLACED_ROWS = f"SELECT customer_id, month, revenue FROM {REPLACED}"
STORED_ROWS = (
    f"SELECT customer_id, month, revenue FROM {ACTIVITY} WHERE organization_id = %s AND month IN ({STAGED_MONTHS})"
)
FIRST_DIFFERENCE = f"""
    SELECT MIN(month) FROM (
        SELECT month FROM ({REPLACED_ROWS} EXCEPT {STORED_ROWS}) AS gone
        UNION ALL
        SELECT month FROM ({STORED_ROWS} EXCEPT {REPLACED_ROWS}) AS added
    ) AS differing
"""


def merge_activity(
    connection: BaseDatabaseWrapper, *, organization_id: int, mode: str, grouped: "ColumnarImport | None" = None
) -> int | None:
    """Store the staged activity rows for the organization (or those `grouped` holds, already added up by
    PostgreSQL's quick path): in replace mode the months they cover are deleted first, in append mode they
    are added to what is there. Return the first month whose stored rows changed: in append mode the file's
    first; in replace mode the first that differs from what was stored, None if none does."""
    if grouped is not None:
        return grouped.merge(connection, organization_id=organization_id, mode=mode)
    org = organization_id
    touched = temporary(connection, TOUCHED)
    postgresql = connection.vendor == "postgresql"
    insert = INSERT_ACTIVITY.format(
        binary='COLLATE "C"' if postgresql else "", join="JOIN" if postgresql else "CROSS JOIN"
    )
    with connection.cursor() as cursor:
        cursor.execute(ADD_CUSTOMERS, [org])
        cursor.execute(f"DROP TABLE IF EXISTS {touched}")
        cursor.execute(f"CREATE TEMPORARY TABLE {TOUCHED} (customer_id bigint)")
        cursor.execute(f"SELECT MIN(month) FROM {STAGED}")
        first_changed = cursor.fetchone()[0]
        if mode == ImportMode.REPLACE:
            replaced = temporary(connection, REPLACED)
            cursor.execute(f"DROP TABLE IF EXISTS {replaced}")
            cursor.execute(f"CREATE TEMPORARY TABLE {REPLACED} AS {STORED_ROWS}", [org])
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {REPLACED})")
            replaces_rows = cursor.fetchone()[0]
            # Customers who lose the rows of these months may lose their latest month, and so its segment.
            cursor.execute(f"INSERT INTO {TOUCHED} (customer_id) SELECT DISTINCT customer_id FROM {REPLACED}")
            cursor.execute(f"DELETE FROM {ACTIVITY} WHERE organization_id = %s AND month IN ({STAGED_MONTHS})", [org])
            cursor.execute(insert, [org, org])
            if replaces_rows:
                cursor.execute(FIRST_DIFFERENCE, [org, org])
                first_changed = cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {replaced}")
        else:
            cursor.execute(insert + ADD_TO_ACTIVITY, [org, org])
        cursor.execute(TOUCH_STAGED_CUSTOMERS, [org])
        cursor.execute(UPDATE_SEGMENTS)
        cursor.execute(f"DROP TABLE {touched}")
    return first_changed


def merge_reasons(connection: BaseDatabaseWrapper, *, organization_id: int, mode: str) -> None:
    """Store the staged lost-customer reasons: in replace mode the reasons of the months they cover are
    deleted first, in append mode a reason given again for a customer and month takes the old one's place."""
    org = organization_id
    with connection.cursor() as cursor:
        cursor.execute(ADD_CUSTOMERS, [org])
        if mode == ImportMode.REPLACE:
            cursor.execute(f"DELETE FROM {REASON} WHERE organization_id = %s AND month IN ({STAGED_MONTHS})", [org])
            cursor.execute(INSERT_REASONS, [org, org])
        else:
            cursor.execute(INSERT_REASONS + REPLACE_REASON, [org, org])


# What the figures can hold, in ten-thousandths. A customer's month stays within a thousandth of the 64-bit
# integers both databases store, and a month's revenue of every customer within 1/36 of them, so that values
# over the longest activity window (36 months) and their totals always fit. Real companies are far below.
MAX_CUSTOMER_MONTH = 10**17
MAX_MONTH_TOTAL = 2 * 10**17

# Sums are taken as decimals (PostgreSQL) or floating point (SQLite): checking must never overflow itself.
CUSTOMER_MONTH_SUMS = f"""
    SELECT staged.external_id, staged.month, MIN(staged.line), MAX(staged.line),
           SUM(staged.revenue * 1.0) + COALESCE(MAX(existing.revenue * 1.0), 0) AS total
    FROM {STAGED} AS staged
    LEFT JOIN {CUSTOMER} AS customer ON customer.organization_id = %(org)s AND customer.external_id = staged.external_id
    LEFT JOIN {ACTIVITY} AS existing ON %(append)s AND existing.customer_id = customer.id
        AND existing.month = staged.month
    GROUP BY staged.external_id, staged.month
    HAVING ABS(SUM(staged.revenue * 1.0) + COALESCE(MAX(existing.revenue * 1.0), 0)) > %(limit)s
    ORDER BY MIN(staged.line)
    LIMIT 10
"""
MONTH_TOTALS = f"""
    SELECT staged.month, SUM(ABS(staged.revenue * 1.0)) + CASE WHEN %(append)s THEN COALESCE((
               SELECT SUM(ABS(existing.revenue * 1.0)) FROM {ACTIVITY} AS existing
               WHERE existing.organization_id = %(org)s AND existing.month = staged.month
           ), 0) ELSE 0 END AS total,
           (SELECT largest.line FROM {STAGED} AS largest WHERE largest.month = staged.month
            ORDER BY ABS(largest.revenue) DESC, largest.line LIMIT 1) AS line
    FROM {STAGED} AS staged
    GROUP BY staged.month
    HAVING SUM(ABS(staged.revenue * 1.0)) + CASE WHEN %(append)s THEN COALESCE((
               SELECT SUM(ABS(existing.revenue * 1.0)) FROM {ACTIVITY} AS existing
               WHERE existing.organization_id = %(org)s AND existing.month = staged.month
           ), 0) ELSE 0 END > %(limit)s
    ORDER BY staged.month
    LIMIT 10
"""


# What the months of the staged rows already hold, every amount taken positive (appending adds to it).
KEPT_MAGNITUDE = f"""
    SELECT COALESCE(SUM(ABS(existing.revenue * 1.0)), 0) FROM {ACTIVITY} AS existing
    WHERE existing.organization_id = %s AND existing.month IN ({STAGED_MONTHS})
"""


def sum_problems(
    connection: BaseDatabaseWrapper, *, organization_id: int, mode: str, magnitude: int | None = None
) -> list[tuple[int, str]]:
    """Sums of the staged activity (with what is kept, when appending) that the figures could not hold, as
    (line, message): refused at the import rather than found in a later computation.

    `magnitude` is the sum of the staged amounts each taken positive (Report.magnitude), when known. No
    customer's month and no month's total can exceed it plus what appending keeps, so when that is within
    the limits the two grouping queries over every staged row (1.5 s of an 11 s import of 1M rows)
    cannot find anything and are not run."""
    append = mode == ImportMode.APPEND
    params = {"org": organization_id, "append": append}
    problems = []
    with connection.cursor() as cursor:
        if magnitude is not None:
            kept = 0
            if append:
                cursor.execute(KEPT_MAGNITUDE, [organization_id])
                kept = cursor.fetchone()[0]
            if magnitude + kept <= min(MAX_CUSTOMER_MONTH, MAX_MONTH_TOTAL):
                return []
        cursor.execute(CUSTOMER_MONTH_SUMS, {**params, "limit": MAX_CUSTOMER_MONTH})
        for key, month, first_line, last_line, _ in cursor.fetchall():
            lines = f"lines {first_line} to {last_line}" if first_line != last_line else f"line {first_line}"
            problems.append(
                (
                    first_line,
                    f"The revenue of customer “{key}” in {month_label(month)} ({lines}) adds up to more than "
                    f"{MAX_CUSTOMER_MONTH // REVENUE_SCALE:,}, the most one customer's month can hold.",
                )
            )
        cursor.execute(MONTH_TOTALS, {**params, "limit": MAX_MONTH_TOTAL})
        for month, _, line in cursor.fetchall():
            problems.append(
                (
                    line,
                    f"The revenue of every customer in {month_label(month)} adds up to more than "
                    f"{MAX_MONTH_TOTAL // REVENUE_SCALE:,}, the most one month can hold; the largest amount is on "
                    "this line.",
                )
            )
    return problems
