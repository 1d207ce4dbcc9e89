"""Moving the staged rows into an organization's data: set-based SQL, the same on PostgreSQL and SQLite,
run by the import inside its one transaction.

Rows of the same customer and month add up. The segment stored for a customer and month is the last
non-empty one among its rows, in file order (the staged `line`), and a customer's segment is the one of
its latest month with data. A reason is the last one given for the customer and month.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

from ..models import Customer, CustomerActivity, ImportMode, LostReason
from .staging import TABLE as STAGED
from .staging import temporary

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


def merge_activity(connection: BaseDatabaseWrapper, *, organization_id: int, mode: str) -> None:
    """Store the staged activity rows for the organization: in replace mode the months they cover are
    deleted first, in append mode they are added to what is there."""
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
        if mode == ImportMode.REPLACE:
            # Customers who lose the rows of these months may lose their latest month, and so its segment.
            cursor.execute(
                f"INSERT INTO {TOUCHED} (customer_id) SELECT DISTINCT customer_id FROM {ACTIVITY} "
                f"WHERE organization_id = %s AND month IN ({STAGED_MONTHS})",
                [org],
            )
            cursor.execute(f"DELETE FROM {ACTIVITY} WHERE organization_id = %s AND month IN ({STAGED_MONTHS})", [org])
            cursor.execute(insert, [org, org])
        else:
            cursor.execute(insert + ADD_TO_ACTIVITY, [org, org])
        cursor.execute(TOUCH_STAGED_CUSTOMERS, [org])
        cursor.execute(UPDATE_SEGMENTS)
        cursor.execute(f"DROP TABLE {touched}")


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
