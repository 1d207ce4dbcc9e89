"""Fixtures of the organization tests: a clock the test moves by hand."""

from datetime import timedelta

import pytest
from django.utils import timezone


class Clock:
    """Stands in for django.utils.timezone.now; starts at the real time and moves only when told."""

    def __init__(self):
        self.current = timezone.now()

    def __call__(self):
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(timezone, "now", moved)
    return moved
