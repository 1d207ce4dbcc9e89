"""The coverage floor only rises: a change may raise `fail_under` in pyproject.toml, never lower it."""

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _floor(pyproject_text: str) -> float | None:
    return tomllib.loads(pyproject_text).get("tool", {}).get("coverage", {}).get("report", {}).get("fail_under")


def _floors_in_history() -> list[float]:
    """The floor at each commit of main's own line that changed pyproject.toml, oldest first (none outside a git
    checkout). Only the first parent of each merge is followed: a branch started before the floor was raised
    still holds the old floor in its own commits, which main never had."""
    log = subprocess.run(
        ["git", "log", "--first-parent", "--reverse", "--format=%H", "--", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    floors = []
    for commit in log.stdout.split():
        text = subprocess.run(
            ["git", "show", f"{commit}:pyproject.toml"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        if (floor := _floor(text)) is not None:
            floors.append(floor)
    return floors


def test_the_coverage_floor_never_falls():
    floors = [*_floors_in_history(), _floor((ROOT / "pyproject.toml").read_text())]

    assert floors[-1] is not None, "pyproject.toml has no coverage floor"
    assert floors == sorted(floors), f"the coverage floor fell: {floors}"
