"""The customer-asset movements of PRODUCT.md, computed set-based in the database.

value(c, M) is the sum of c's revenue over the W months M-W+1 .. M. It only changes in a month where
c has revenue or where revenue leaves the window W months later, so the SQL works on those *change
points* alone: +revenue at its month, -revenue W months on, netted per customer and month. A running
sum over a customer's change points gives value(c, M) from that month until the next change point, and
the previous change point gives value(c, M-1). Each change point with a customer active on either side
is one movement (new, reactivated, lost, increased, decreased); every other active customer-month is
stable. The work is proportional to the activity rows, whatever the window, and runs the same on
PostgreSQL and SQLite (window functions), and on any subset of customers (shards), whose results add up.
"""

from dataclasses import dataclass, field

from django.db import connection

from .models import Movement

CLASSES = (Movement.NEW, Movement.REACTIVATED, Movement.LOST, Movement.INCREASED, Movement.DECREASED)

# Parameters: organization, window, last month, shards, shard. One scan of the activity gives both
# change points of each row: +revenue at its month and -revenue W months on (the second only while it
# falls within the data).
CHANGES_SQL = """
WITH deltas AS (
    SELECT a.customer_id, a.month + s.shift AS m, s.sign * a.revenue AS d
    FROM metrics_customeractivity a
    CROSS JOIN (SELECT 0 AS shift, 1 AS sign UNION ALL SELECT %(window)s, -1) s
    WHERE a.organization_id = %(organization)s AND a.customer_id %% %(shards)s = %(shard)s
      AND a.month + s.shift <= %(last_month)s
),
changes AS (
    SELECT customer_id, m, CAST(SUM(d) AS BIGINT) AS d FROM deltas GROUP BY customer_id, m HAVING SUM(d) <> 0
),
valued AS (
    SELECT customer_id, m,
           CAST(SUM(d) OVER (PARTITION BY customer_id ORDER BY m ROWS UNBOUNDED PRECEDING) AS BIGINT) AS v
    FROM changes
),
sided AS (
    SELECT customer_id, m, v,
           COALESCE(LAG(v) OVER (PARTITION BY customer_id ORDER BY m), 0) AS pv,
           COALESCE(MAX(CASE WHEN v > 0 THEN 1 ELSE 0 END) OVER (
               PARTITION BY customer_id ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ), 0) AS was_active
    FROM valued
)
SELECT customer_id, m AS month,
       CASE
           WHEN v > 0 AND pv <= 0 AND was_active = 0 THEN 'new'
           WHEN v > 0 AND pv <= 0 THEN 'reactivated'
           WHEN v <= 0 AND pv > 0 THEN 'lost'
           WHEN v > pv THEN 'increased'
           WHEN v < pv THEN 'decreased'
       END AS movement,
       v AS value, pv AS previous_value
FROM sided
WHERE v > 0 OR pv > 0
"""

STORE_SQL = f"""
INSERT INTO metrics_customermovement (organization_id, customer_id, month, movement, value, previous_value)
SELECT %(organization)s, customer_id, month, movement, value, previous_value FROM ({CHANGES_SQL}) AS movements
"""

# Two derivations from the stored movements of one shard: each class's count and value change by its
# rule in PRODUCT.md, and the change in active customers and total value read from the values alone.
# The identities compare them, so a movement put in the wrong class fails the computation.
AGGREGATE_SQL = """
SELECT cm.month, c.segment, cm.movement,
       COUNT(*),
       SUM(CASE cm.movement
               WHEN 'new' THEN cm.value
               WHEN 'reactivated' THEN cm.value
               WHEN 'lost' THEN -cm.previous_value
               ELSE cm.value - cm.previous_value
           END),
       SUM(CASE WHEN cm.value > 0 THEN 1 ELSE 0 END - CASE WHEN cm.previous_value > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN cm.value > 0 THEN cm.value ELSE 0 END
           - CASE WHEN cm.previous_value > 0 THEN cm.previous_value ELSE 0 END)
FROM metrics_customermovement cm
JOIN metrics_customer c ON c.id = cm.customer_id
WHERE cm.organization_id = %(organization)s AND cm.customer_id %% %(shards)s = %(shard)s
GROUP BY cm.month, c.segment, cm.movement
"""


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


def store_shard(*, organization_id: int, window: int, last_month: int, shard: int = 0, shards: int = 1) -> None:
    """Classify the change points of one shard's customers and store them as CustomerMovement rows."""
    params = {"organization": organization_id, "window": window, "last_month": last_month}
    with connection.cursor() as cursor:
        cursor.execute(STORE_SQL, {**params, "shard": shard, "shards": shards})


def aggregate_shard(*, organization_id: int, shard: int = 0, shards: int = 1) -> ShardFigures:
    """The stored movements of one shard, summed per segment and month."""
    figures: ShardFigures = {}
    with connection.cursor() as cursor:
        cursor.execute(AGGREGATE_SQL, {"organization": organization_id, "shard": shard, "shards": shards})
        for month, segment, movement, count, class_value, active_change, value_change in cursor.fetchall():
            month_figures = figures.setdefault((segment, month), MonthFigures())
            month_figures.counts[movement] += count
            month_figures.values[movement] += int(class_value)
            month_figures.active_change += int(active_change)
            month_figures.value_change += int(value_change)
    return figures


def merge(parts: list[ShardFigures]) -> ShardFigures:
    """Add up the figures of several shards."""
    total: ShardFigures = {}
    for part in parts:
        for key, figures in part.items():
            total.setdefault(key, MonthFigures()).add(figures)
    return total
