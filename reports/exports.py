"""The report's tables as CSV files, one table to a file, packed in one zip.

One file per table keeps each a plain table with one header row, which every spreadsheet and every CSV
reader opens as it is; several tables stacked in one CSV would need cleaning before any of them could
be sorted, filtered or loaded. Amounts are written as exact decimals; text typed by people (reasons,
segment names, action titles, owners) is neutralized against formula injection by cco_portal.csv_export.
"""

import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal

from cco_portal.csv_export import csv_text

from .accountability import Accountability

CLASSES = ("new", "reactivated", "lost", "increased", "decreased", "stable")


def _amount(value) -> Decimal | None:
    """A snapshot's decimal string as a Decimal, so the CSV writes it as a number, not as text."""
    return None if value is None else Decimal(value)


def _class_columns(prefix: str = "") -> list[str]:
    return [f"{prefix}{name}_{measure}" for name in CLASSES for measure in ("count", "value")]


def _class_cells(classes: dict) -> list:
    return [cell for name in CLASSES for cell in (classes[name]["count"], _amount(classes[name]["value"]))]


def bridge_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["figure", "customers", "value", "year_ago_customers", "year_ago_value"]
    bridge, year_ago = figures.get("bridge"), figures.get("year_ago")
    rows = []
    for name in ("start", *CLASSES, "end"):
        cells = [name]
        for source in (bridge, year_ago):
            figure = None
            if source:
                figure = source[name] if name in ("start", "end") else source["classes"][name]
            cells += [figure["count"], _amount(figure["value"])] if figure else [None, None]
        rows.append(cells)
    return header, rows if bridge else []


def trend_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["month", "active", "value", *_class_columns()]
    rows = [
        [row["month"], row["active"], _amount(row["value"]), *_class_cells(row)] for row in figures.get("trend", [])
    ]
    return header, rows


def segments_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["segment", "start_count", "start_value", *_class_columns(), "end_count", "end_value"]
    rows = [
        [
            row.get("label") or row["segment"],
            row["bridge"]["start"]["count"],
            _amount(row["bridge"]["start"]["value"]),
            *_class_cells(row["bridge"]["classes"]),
            row["bridge"]["end"]["count"],
            _amount(row["bridge"]["end"]["value"]),
        ]
        for row in figures.get("segments", [])
    ]
    return header, rows


def lost_by_reason_table(figures: dict) -> tuple[list[str], list[list]]:
    return ["reason", "customers"], [[row["reason"], row["customers"]] for row in figures.get("lost_by_reason", [])]


def roadmap_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["competency", "name", "maturity_stage", "done", "due", "overdue", "total"]
    rows = [
        [row["number"], row["name"], row["maturity_stage"], row["done"], row["due"], row["overdue"], row["total"]]
        for row in figures.get("roadmap", [])
    ]
    return header, rows


def results_table(figures: dict) -> tuple[list[str], list[list]]:
    header = ["result", "round", "closed_on", "percent", "previous_percent"]
    rows = []
    if readiness := figures.get("readiness"):
        rows.append(
            [
                "readiness",
                readiness["round"],
                readiness["closed_on"],
                readiness["percent"],
                readiness["previous_percent"],
            ]
        )
    if commitment := figures.get("commitment"):
        rows.append(
            [
                "commitment_leaders_view",
                commitment["round"],
                commitment["closed_on"],
                commitment["leaders_score"],
                commitment["previous_leaders_score"],
            ]
        )
        rows.append(
            ["commitment_ceo_view", commitment["round"], commitment["closed_on"], commitment["ceo_score"], None]
        )
    return header, rows


def actions_table(actions: Iterable) -> tuple[list[str], list[list]]:
    header = ["agreed_in", "action", "owner", "owner_email", "due_date", "status"]
    rows = [
        [
            action.month_label,
            action.title,
            action.owner.get_full_name() if action.owner else "",
            action.owner.email if action.owner else "",
            action.due_date.isoformat() if action.due_date else "",
            action.current_status,
        ]
        for action in actions
    ]
    return header, rows


def accountability_table(record: Accountability) -> tuple[list[str], list[list]]:
    """The record in one row; `stored` is false for a report computed before it kept the record (read now)."""
    header = [
        "as_of",
        "actions_due",
        "actions_on_time",
        "on_time_percent",
        "meetings_due",
        "meetings_on_schedule",
        "stored",
    ]
    row = [
        record.as_of.isoformat(),
        record.due,
        record.on_time,
        record.on_time_percent,
        record.meetings_due,
        record.meetings_on_schedule,
        not record.read_live,
    ]
    return header, [row]


def overdue_by_owner_table(record: Accountability) -> tuple[list[str], list[list]]:
    return ["owner", "overdue"], [[owner.name, owner.overdue] for owner in record.overdue_by_owner]


def attendance_table(record: Accountability) -> tuple[list[str], list[list]]:
    header = ["leader", "present", "invited"]
    return header, [[leader.name, leader.present, leader.invited] for leader in record.attendance_by_leader]


def report_tables(
    figures: dict, actions: Iterable, accountability: Accountability
) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the report by file name, in the order the report shows them."""
    return {
        "bridge.csv": bridge_table(figures),
        "trend.csv": trend_table(figures),
        "segments.csv": segments_table(figures),
        "lost-by-reason.csv": lost_by_reason_table(figures),
        "roadmap.csv": roadmap_table(figures),
        "results.csv": results_table(figures),
        "actions.csv": actions_table(actions),
        "accountability.csv": accountability_table(accountability),
        "overdue-by-owner.csv": overdue_by_owner_table(accountability),
        "attendance.csv": attendance_table(accountability),
    }


def tables_zip(figures: dict, actions: Iterable, accountability: Accountability, *, folder: str) -> bytes:
    """A zip of the report's tables, each a CSV in `folder` (so unpacking makes one folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in report_tables(figures, actions, accountability).items():
            archive.writestr(f"{folder}/{name}", csv_text(header, rows).encode("utf-8"))
    return buffer.getvalue()
