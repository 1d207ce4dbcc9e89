"""The engine of the customer-data imports: reading and checking a CSV file as it streams (reading.py,
with the checks of each value in values.py), staging its rows in a temporary table (staging.py) and
moving them into the organization's data with set-based SQL (merging.py). metrics.services.run_import
puts these together."""

from .merging import merge_activity, merge_reasons, sum_problems
from .reading import MAX_REPORTED, Problem, Report, read_file
from .staging import CopyStaging, Staging, staging_for

__all__ = [
    "MAX_REPORTED",
    "CopyStaging",
    "Problem",
    "Report",
    "Staging",
    "merge_activity",
    "merge_reasons",
    "read_file",
    "staging_for",
    "sum_problems",
]
