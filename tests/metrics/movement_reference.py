"""An independent, deliberately naive computation of PRODUCT.md's movements, to check the SQL against.

It walks every customer and every month and recomputes each window sum from scratch: slow, but a
direct reading of the definitions, sharing no code with metrics/movements.py.
"""

from collections import defaultdict

CLASSES = ("new", "reactivated", "lost", "increased", "decreased", "stable")


def reference_movements(activity: dict[tuple[str, int], int], segments: dict[str, str], window: int) -> dict:
    """{(segment or None, month): {"active", "value", "<class>_count", "<class>_value"}} for every month
    from the first to the last month with data; `activity` maps (customer, month) to summed revenue."""
    if not activity:
        return {}
    months = [month for _, month in activity]
    first, last = min(months), max(months)
    customers = sorted({customer for customer, _ in activity})

    def value(customer: str, month: int) -> int:
        return sum(activity.get((customer, m), 0) for m in range(month - window + 1, month + 1))

    result: dict = defaultdict(_empty)
    for month in range(first, last + 1):
        for customer in customers:
            now, before = value(customer, month), value(customer, month - 1)
            active, was = now > 0, before > 0
            ever = any(value(customer, m) > 0 for m in range(first, month))
            if active and not was:
                kind, change = ("reactivated" if ever else "new"), now
            elif was and not active:
                kind, change = "lost", -before
            elif active and was:
                kind = "increased" if now > before else "decreased" if now < before else "stable"
                change = now - before
            else:
                continue
            for key in (None, segments[customer]):
                figures = result[(key, month)]
                figures[f"{kind}_count"] += 1
                figures[f"{kind}_value"] += change
                if active:
                    figures["active"] += 1
                    figures["value"] += now
    # Every month of every segment is there, with zeros where nothing moved.
    keys = [(segment, month) for segment in [None, *set(segments.values())] for month in range(first, last + 1)]
    return {key: result.get(key, _empty()) for key in keys}


def _empty() -> dict:
    return {"active": 0, "value": 0, **{f"{c}_count": 0 for c in CLASSES}, **{f"{c}_value": 0 for c in CLASSES}}


def reference_lines(activity: dict[tuple[str, int], int], window: int, month: int) -> dict[str, dict]:
    """Per figure of `month`'s bridge, {customer: (value in the month, value in the month before)}: the
    customers of each class, those active at the start (end of the month before) and at the end."""
    customers = sorted({customer for customer, _ in activity})
    first = min(m for _, m in activity)

    def value(customer: str, at: int) -> int:
        return sum(activity.get((customer, m), 0) for m in range(at - window + 1, at + 1))

    lines: dict[str, dict] = {figure: {} for figure in (*CLASSES, "start", "active")}
    for customer in customers:
        now, before = value(customer, month), value(customer, month - 1)
        active, was = now > 0, before > 0
        ever = any(value(customer, m) > 0 for m in range(first, month))
        if active and not was:
            kind = "reactivated" if ever else "new"
        elif was and not active:
            kind = "lost"
        elif active and was:
            kind = "increased" if now > before else "decreased" if now < before else "stable"
        else:
            continue
        lines[kind][customer] = (now, before)
        if was:
            lines["start"][customer] = (now, before)
        if active:
            lines["active"][customer] = (now, before)
    return lines
