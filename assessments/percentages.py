"""The one rounding of shares into whole percentages, and of changes into percentage points.

A change is the difference of the two whole percentages a reader sees, never the rounded exact
difference: 45.5 % → 78.8 % reads "45% → 79%", so its change is +34 points, not +33. The results pages,
the CSV, the API and the monthly report all take their figures from here, so they cannot disagree, and
the sign of a change always goes with the direction of the percentages beside it.
"""

from decimal import ROUND_HALF_UP, Decimal


def whole_percent(share: float | None) -> int | None:
    """0.735 → 74 (halves round up, as people round); None stays None."""
    if share is None:
        return None
    # Through a short decimal, so a share such as 0.285 (28.499999… as a float) still rounds to 29.
    return int(Decimal(f"{share * 100:.9f}").quantize(Decimal(1), rounding=ROUND_HALF_UP))


def change_in_points(now: float | None, before: float | None) -> int | None:
    """The change from `before` to `now` (shares) in points of the whole percentages shown; None when
    either is missing."""
    if now is None or before is None:
        return None
    return whole_percent(now) - whole_percent(before)
