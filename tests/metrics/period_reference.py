"""An independent, deliberately naive reading of PRODUCT.md's bridge by quarter and by year, to check the SQL of
metrics/periods.py against. It shares no code with metrics: periods are walked as calendar (year, quarter) or
years, every value is summed again from the raw rows, and "ever active before" looks back over every earlier
period.
"""

from collections import defaultdict

CLASSES = ("new", "reactivated", "lost", "increased", "decreased", "stable")


def _calendar(length: int, year: int, index: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and last (year, month) of the `index`-th period of `length` months in `year`, months from 1."""
    first = index * length + 1
    return (year, first), (year, first + length - 1)


def _months_back(year: int, month: int, count: int) -> list[tuple[int, int]]:
    """The `count` calendar months ending with (year, month), as (year, month) pairs."""
    months = []
    for _ in range(count):
        months.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return months


def classify(rows: list[tuple[str, int, int, int]], window: int, length: int) -> tuple[list, dict]:
    """The periods of `length` months (3 or 12; 1 works too) from the first to the last with data, and for each
    customer and period it moved in (or stayed active in): (class, value now, value in the period before).
    `rows` are (customer, year, month, amount) with amounts in any whole unit; a customer's amounts in a month
    add up."""
    amounts: dict[tuple[str, int, int], int] = defaultdict(int)
    for customer, year, month, amount in rows:
        amounts[(customer, year, month)] += amount
    if not amounts:
        return [], {}
    data_months = sorted({(year, month) for _, year, month in amounts})
    first_data, last_data = data_months[0], data_months[-1]
    per_year = 12 // length

    # Every period from the one holding the first month of data to the one holding the last, in order.
    calendar = []
    year, index = first_data[0], (first_data[1] - 1) // length
    while (year, index) <= (last_data[0], (last_data[1] - 1) // length):
        calendar.append((year, index))
        index += 1
        if index == per_year:
            year, index = year + 1, 0

    span = max(window, length)
    customers = sorted({customer for customer, _, _ in amounts})

    def value(customer: str, period: tuple[int, int]) -> int:
        _, end = _calendar(length, *period)
        end = min(end, last_data)  # an open period counts to date
        return sum(amounts.get((customer, y, m), 0) for y, m in _months_back(*end, span))

    values = {(customer, period): value(customer, period) for customer in customers for period in calendar}
    moves = {}
    for position, period in enumerate(calendar):
        for customer in customers:
            now = values[(customer, period)]
            before = values[(customer, calendar[position - 1])] if position else 0
            ever = any(values[(customer, earlier)] > 0 for earlier in calendar[:position])
            if now > 0 and before <= 0:
                kind = "reactivated" if ever else "new"
            elif before > 0 and now <= 0:
                kind = "lost"
            elif now > 0 and before > 0:
                kind = "increased" if now > before else "decreased" if now < before else "stable"
            else:
                continue
            moves[(customer, period)] = (kind, now, before)
    return calendar, moves


def reference_periods(
    rows: list[tuple[str, int, int, int]], segments: dict[str, str], window: int, length: int
) -> dict[tuple, dict]:
    """{(segment or None, (year, index)): {"start", "start_value", "active", "value", "<class>_count",
    "<class>_value"}} for every period, each class's value change as PRODUCT.md defines it."""
    calendar, moves = classify(rows, window, length)
    result: dict = {}
    for segment in [None, *sorted(set(segments.values()))]:
        for period in calendar:
            result[(segment, period)] = {
                "start": 0,
                "start_value": 0,
                "active": 0,
                "value": 0,
                **{f"{c}_count": 0 for c in CLASSES},
                **{f"{c}_value": 0 for c in CLASSES},
            }
    for (customer, period), (kind, now, before) in moves.items():
        change = now if kind in ("new", "reactivated") else -before if kind == "lost" else now - before
        for key in (None, segments[customer]):
            figures = result[(key, period)]
            figures[f"{kind}_count"] += 1
            figures[f"{kind}_value"] += change
            if before > 0:
                figures["start"] += 1
                figures["start_value"] += before
            if now > 0:
                figures["active"] += 1
                figures["value"] += now
    return result


def reference_period_lines(
    rows: list[tuple[str, int, int, int]], window: int, length: int, period: tuple[int, int]
) -> dict[str, dict[str, tuple[int, int]]]:
    """The customers of each figure of one period's bridge (each class, "start" and "active"), by key, with
    their value in the period and the period before."""
    _, moves = classify(rows, window, length)
    lines: dict[str, dict] = {figure: {} for figure in (*CLASSES, "start", "active")}
    for (customer, at), (kind, now, before) in moves.items():
        if at != period:
            continue
        lines[kind][customer] = (now, before)
        if before > 0:
            lines["start"][customer] = (now, before)
        if now > 0:
            lines["active"][customer] = (now, before)
    return lines
