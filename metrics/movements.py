"""The customer-asset movements of PRODUCT.md, computed set-based in the database.

value(c, M) is the sum of c's revenue over the W months M-W+1 .. M. It only changes in a month where
c has revenue or where revenue leaves the window W months later, so the SQL works on those *change
points* alone: +revenue at its month, -revenue W months on, netted per customer and month. A running
sum over a customer's change points gives value(c, M) from that month until the next change point, and
value(c, M-1) is that sum minus the month's own change. Each change point with a customer active on
either side is one movement (new, reactivated, lost, increased, decreased); every other active
customer-month is stable. The work is proportional to the activity rows, whatever the window, and runs
the same on PostgreSQL and SQLite (window functions), and on any subset of customers (shards), whose
results add up. Raw SQL because the change points are a cross join of the activity with its own shift
by W months, kept in a temporary scratch table, and the running sums are window functions over them: the
ORM has no model for the scratch table and cannot write the cross join, so it would load the rows into
Python.

A computation can start at any month F (the first month whose data changed): values from F-1 on only
need the activity from F-W on, and "was this customer ever active before?" is answered for the months
before F by the stored 'new' row every customer gets in its first active month.

On PostgreSQL a computation runs the same SQL text in an in-process DuckDB instead (metrics/columnar.py), which
classifies millions of change points in a fraction of PostgreSQL's time.

Only the rare classes (new, reactivated, lost) are stored per customer; increased, decreased and
stable are read from the activity of the month and the one before when someone asks (selectors.py),
since at a window of one month almost every active customer-month is one of them.
"""

from dataclasses import dataclass, field

from django.db import connection

from .models import CustomerMovement, Movement, StagedCustomerMovement

CLASSES = (Movement.NEW, Movement.REACTIVATED, Movement.LOST, Movement.INCREASED, Movement.DECREASED)
STORED_CLASSES = (Movement.NEW, Movement.REACTIVATED, Movement.LOST)

# Parameters: organization, window, from_month, last_month, and those of {customers}: which customers (a
# shard of them, or those who changed segment). One scan of the activity gives both change points of each
# row: +revenue at its month and -revenue W months on (the second only while it falls within the data).
# The +revenue of rows before F - 1 (F the first month computed) only counts towards value(c, F - 1), so it
# comes added up per customer from {opening}, at F - 1; their -revenue, W months on, still comes row by row.
# {opening} is OPENING_SQL on the database; DuckDB is given its result as a table (metrics/columnar.py), with
# the rows it still needs: after a monthly import at a window of 12 months, 3 months of rows and one sum per
# customer, where it needed 13 months of rows.
CHANGES_TEMPLATE = """
WITH deltas AS (
    SELECT a.customer_id, a.month + s.shift AS m, s.sign * a.revenue AS d
    FROM metrics_customeractivity a
    CROSS JOIN (SELECT 0 AS shift, 1 AS sign UNION ALL SELECT %(window)s, -1) s
    WHERE a.organization_id = %(organization)s AND {customers}
      AND a.month >= %(from_month)s - %(window)s AND a.month + s.shift <= %(last_month)s
      AND (s.shift > 0 OR a.month >= %(from_month)s - 1)
    UNION ALL
    SELECT o.customer_id, %(from_month)s - 1 AS m, o.revenue AS d FROM {opening} o
),
changes AS (
    SELECT customer_id, m, CAST(SUM(d) AS BIGINT) AS d FROM deltas GROUP BY customer_id, m HAVING SUM(d) <> 0
),
valued AS (
    SELECT customer_id, m, d,
           CAST(SUM(d) OVER (PARTITION BY customer_id ORDER BY m ROWS UNBOUNDED PRECEDING) AS BIGINT) AS v
    FROM changes
),
sided AS (
    SELECT customer_id, m, v, v - d AS pv,
           MAX(CASE WHEN m >= %(from_month)s AND v - d > 0 THEN 1 ELSE 0 END) OVER (
               PARTITION BY customer_id ORDER BY m ROWS UNBOUNDED PRECEDING
           ) AS was_active
    FROM valued
),
active_before AS (
    SELECT customer_id FROM metrics_customermovement
    WHERE organization_id = %(organization)s AND movement = 'new' AND month < %(from_month)s
)
SELECT s.customer_id, s.m AS month,
       CASE
           WHEN s.v > 0 AND s.pv <= 0 AND s.was_active = 0 AND b.customer_id IS NULL THEN 'new'
           WHEN s.v > 0 AND s.pv <= 0 THEN 'reactivated'
           WHEN s.v <= 0 AND s.pv > 0 THEN 'lost'
           WHEN s.v > s.pv THEN 'increased'
           WHEN s.v < s.pv THEN 'decreased'
       END AS movement,
       s.v AS value, s.pv AS previous_value
FROM sided s LEFT JOIN active_before b ON b.customer_id = s.customer_id
WHERE s.m >= %(from_month)s AND (s.v > 0 OR s.pv > 0)
"""
# The revenue of the months F - W .. F - 2, added up per customer: the rest of value(c, F - 1).
OPENING_TEMPLATE = """
SELECT a.customer_id, CAST(SUM(a.revenue) AS BIGINT) AS revenue
FROM metrics_customeractivity a
WHERE a.organization_id = %(organization)s AND {customers}
  AND a.month >= %(from_month)s - %(window)s AND a.month <= %(from_month)s - 2
GROUP BY a.customer_id
"""
SHARD = "a.customer_id %% %(shards)s = %(shard)s"
OPENING_SQL = OPENING_TEMPLATE.format(customers=SHARD)
CHANGES_SQL = CHANGES_TEMPLATE.format(customers=SHARD, opening=f"({OPENING_SQL})")

# The classification is kept for the length of one shard's computation, read twice (stored rows, sums),
# in a temporary table: each connection has its own, so shards and organizations never meet.
SCRATCH = "metrics_movement_scratch"

CLEAR_SQL = """
DELETE FROM metrics_customermovement
WHERE organization_id = %(organization)s AND month >= %(from_month)s AND customer_id %% %(shards)s = %(shard)s
"""

STORE_SQL = f"""
INSERT INTO metrics_customermovement
    (organization_id, customer_id, month, movement, value, previous_value, segment)
SELECT %(organization)s, s.customer_id, s.month, s.movement, s.value, s.previous_value, c.segment
FROM {SCRATCH} s JOIN metrics_customer c ON c.id = s.customer_id
WHERE s.movement IN ('new', 'reactivated', 'lost')
"""

# A computation split over workers stages each shard's rows under its number instead (a shard delivered
# twice replaces its own), and its last step moves them all at once: nothing published changes before then.
CLEAR_STAGED_SQL = """
DELETE FROM metrics_stagedcustomermovement
WHERE organization_id = %(organization)s AND computation = %(computation)s AND customer_id %% %(shards)s = %(shard)s
"""

STAGE_SQL = f"""
INSERT INTO metrics_stagedcustomermovement
    (organization_id, computation, customer_id, month, movement, value, previous_value, segment)
SELECT %(organization)s, %(computation)s, s.customer_id, s.month, s.movement, s.value, s.previous_value, c.segment
FROM {SCRATCH} s JOIN metrics_customer c ON c.id = s.customer_id
WHERE s.movement IN ('new', 'reactivated', 'lost')
"""

PUBLISH_SQL = """
INSERT INTO metrics_customermovement
    (organization_id, customer_id, month, movement, value, previous_value, segment)
SELECT organization_id, customer_id, month, movement, value, previous_value, segment
FROM metrics_stagedcustomermovement
WHERE organization_id = %(organization)s AND computation = %(computation)s
"""

# Two derivations from the classified change points of one shard: each class's count and value change
# by its rule in PRODUCT.md, and the change in active customers and total value read from the values
# alone. The identities compare them, so a movement put in the wrong class fails the computation.
AGGREGATE_TEMPLATE = """
SELECT s.month, {segments}, s.movement,
       COUNT(*),
       SUM(CASE s.movement
               WHEN 'new' THEN s.value
               WHEN 'reactivated' THEN s.value
               WHEN 'lost' THEN -s.previous_value
               ELSE s.value - s.previous_value
           END),
       SUM(CASE WHEN s.value > 0 THEN 1 ELSE 0 END - CASE WHEN s.previous_value > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.value > 0 THEN s.value ELSE 0 END
           - CASE WHEN s.previous_value > 0 THEN s.previous_value ELSE 0 END)
FROM {scratch} s JOIN {customers} c ON c.id = s.customer_id
GROUP BY s.month, {segments}, s.movement
"""
AGGREGATE_SQL = AGGREGATE_TEMPLATE.format(segments="c.segment", scratch=SCRATCH, customers="metrics_customer")


@dataclass
class MonthFigures:
    """One month's movements of one segment (or of all): counts, value changes, and the changes in
    active customers and value as the values alone tell them."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    active_change: int = 0
    value_change: int = 0

    def add(self, other: "MonthFigures") -> None:
        for name in CLASSES:
            self.counts[name] += other.counts[name]
            self.values[name] += other.values[name]
        self.active_change += other.active_change
        self.value_change += other.value_change


# {(segment, month): MonthFigures} for the customers of one shard; shards add up.
ShardFigures = dict[tuple[str, int], MonthFigures]


def compute_shard(
    *,
    organization_id: int,
    window: int,
    from_month: int,
    last_month: int,
    shard: int = 0,
    shards: int = 1,
    computation: int | None = None,
    columnar: bool = False,
) -> ShardFigures:
    """Classify the change points of one shard's customers from `from_month` to `last_month`, store the
    new, reactivated and lost ones as CustomerMovement rows in place of those stored for these months
    (or, for a numbered `computation` split over workers, stage them for publish_staged_movements), and
    return the shard's figures per segment and month. `columnar` (PostgreSQL only) runs the same SQL in an
    in-process DuckDB (metrics/columnar.py)."""
    params = {
        "organization": organization_id,
        "window": window,
        "from_month": from_month,
        "last_month": last_month,
        "shard": shard,
        "shards": shards,
        "computation": computation,
    }
    figures: ShardFigures = {}
    # Called inside a transaction: if anything fails, the rollback takes the temporary table with it.
    with connection.cursor() as cursor:
        if columnar:
            from .columnar import classify_in_duckdb  # here: it builds on this module's SQL

            aggregate = classify_in_duckdb(cursor, params, staged=computation is not None)
        else:
            cursor.execute(CLEAR_SQL if computation is None else CLEAR_STAGED_SQL, params)
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
            cursor.execute(f"CREATE TEMPORARY TABLE {SCRATCH} AS {CHANGES_SQL}", params)
            cursor.execute(STORE_SQL if computation is None else STAGE_SQL, params)
            cursor.execute(AGGREGATE_SQL)
            aggregate = cursor.fetchall()
            cursor.execute(f"DROP TABLE {SCRATCH}")
    for month, segment, movement, count, class_value, active_change, value_change in aggregate:
        month_figures = figures.setdefault((segment, month), MonthFigures())
        month_figures.counts[movement] += count
        month_figures.values[movement] += int(class_value)
        month_figures.active_change += int(active_change)
        month_figures.value_change += int(value_change)
    return figures


# A customer's whole history counts in its segment of today (PRODUCT.md), and every stored row of a customer
# carries the segment its figures were counted in. Those who changed segment since are moved, for the months
# a computation keeps (before `from_month`): their figures of those months are classified again, from their
# own activity alone, to be taken out of the segment they were counted in and added to today's.
MOVED = "metrics_moved_customers"
MOVED_SCRATCH = "metrics_moved_scratch"

# One stored 'new' row per customer ever active: the customers with none before `from_month` have nothing in
# the months kept.
MOVED_SQL = f"""
CREATE TEMPORARY TABLE {MOVED} AS
SELECT m.customer_id AS id, m.segment AS counted_in, c.segment
FROM metrics_customermovement m JOIN metrics_customer c ON c.id = m.customer_id
WHERE m.organization_id = %(organization)s AND m.movement = 'new' AND m.month < %(from_month)s
  AND m.segment <> c.segment
"""

# Customers named in one UPDATE, well under SQLite's limit of bound parameters.
RESTAMP_BATCH = 2000

MOVED_ONLY = f"a.customer_id IN (SELECT id FROM {MOVED})"
MOVED_CHANGES_SQL = CHANGES_TEMPLATE.format(
    customers=MOVED_ONLY, opening=f"({OPENING_TEMPLATE.format(customers=MOVED_ONLY)})"
)

MOVED_AGGREGATE_SQL = AGGREGATE_TEMPLATE.format(
    segments="c.counted_in, c.segment", scratch=MOVED_SCRATCH, customers=MOVED
)


@dataclass
class SegmentMoves:
    """The figures, month by month, of the customers who changed segment: `leaving` under the segment they
    were counted in, `arriving` under today's."""

    leaving: ShardFigures = field(default_factory=dict)
    arriving: ShardFigures = field(default_factory=dict)
    customers: int = 0


def move_segments(*, organization_id: int, window: int, first_month: int, from_month: int) -> SegmentMoves:
    """Find the customers counted in another segment than today's in the months before `from_month`, restamp
    their stored rows of those months with today's segment, and return their figures of those months (from
    `first_month` on) to move between the segments' stored bridges."""
    params = {
        "organization": organization_id,
        "window": window,
        "from_month": first_month,
        "last_month": from_month - 1,
    }
    moves = SegmentMoves()
    restamp: list[tuple[int, str]] = []
    # Raw SQL for the same reasons as the computation's: the classification is the same, for fewer customers.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MOVED}")
        cursor.execute(f"DROP TABLE IF EXISTS {MOVED_SCRATCH}")
        cursor.execute(MOVED_SQL, {**params, "from_month": from_month})
        cursor.execute(f"SELECT COUNT(*) FROM {MOVED}")
        moves.customers = cursor.fetchone()[0]
        if moves.customers:
            cursor.execute(f"CREATE TEMPORARY TABLE {MOVED_SCRATCH} AS {MOVED_CHANGES_SQL}", params)
            cursor.execute(MOVED_AGGREGATE_SQL)
            rows = cursor.fetchall()
            for month, counted_in, segment, movement, count, class_value, active_change, value_change in rows:
                for figures, key in ((moves.leaving, (counted_in, month)), (moves.arriving, (segment, month))):
                    month_figures = figures.setdefault(key, MonthFigures())
                    month_figures.counts[movement] += count
                    month_figures.values[movement] += int(class_value)
                    month_figures.active_change += int(active_change)
                    month_figures.value_change += int(value_change)
            cursor.execute(f"SELECT id, segment FROM {MOVED}")
            restamp = cursor.fetchall()
            cursor.execute(f"DROP TABLE {MOVED_SCRATCH}")
        cursor.execute(f"DROP TABLE {MOVED}")
    _restamp(organization_id, restamp)
    return moves


def _restamp(organization_id: int, customers: list[tuple[int, str]]) -> None:
    """Stamp every stored row of these (customer, segment) pairs with the segment, not only those of the months
    kept: the later ones are written (or published) with today's segment anyway, and naming the customers
    lets the primary key (customer, month) find their rows, where a join would read every stored row."""
    by_segment: dict[str, list[int]] = {}
    for customer, segment in customers:
        by_segment.setdefault(segment, []).append(customer)
    rows = CustomerMovement.objects.filter(organization_id=organization_id)
    for segment, ids in by_segment.items():
        for start in range(0, len(ids), RESTAMP_BATCH):
            rows.filter(customer_id__in=ids[start : start + RESTAMP_BATCH]).update(segment=segment)


def publish_staged_movements(*, organization_id: int, computation: int, from_month: int) -> None:
    """Replace the published movements from `from_month` on with the rows every shard of `computation`
    staged, and discard those. Called inside the transaction that also stores the computation's bridge, so
    that readers see the rows and the bridge change together."""
    CustomerMovement.objects.filter(organization_id=organization_id, month__gte=from_month).delete()
    # The ORM cannot copy rows from one table to another within the database (INSERT ... SELECT).
    with connection.cursor() as cursor:
        cursor.execute(PUBLISH_SQL, {"organization": organization_id, "computation": computation})
    discard_staged_movements(organization_id=organization_id, computation=computation)


def discard_staged_movements(*, organization_id: int, computation: int | None = None) -> None:
    """Delete the rows staged by `computation`, or by every computation of the organization."""
    staged = StagedCustomerMovement.objects.filter(organization_id=organization_id)
    if computation is not None:
        staged = staged.filter(computation=computation)
    staged.delete()


def figures_to_json(figures: ShardFigures) -> list:
    """A shard's figures as plain lists, to travel from a Celery worker to the chord's callback."""
    return [
        [segment, month, f.counts, f.values, f.active_change, f.value_change] for (segment, month), f in figures.items()
    ]


def figures_from_json(rows: list) -> ShardFigures:
    return {
        (segment, month): MonthFigures(counts, values, active_change, value_change)
        for segment, month, counts, values, active_change, value_change in rows
    }


def merge(parts: list[ShardFigures]) -> ShardFigures:
    """Add up the figures of several shards."""
    total: ShardFigures = {}
    for part in parts:
        for key, figures in part.items():
            total.setdefault(key, MonthFigures()).add(figures)
    return total
