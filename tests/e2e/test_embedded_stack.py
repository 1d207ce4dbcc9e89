"""The embedded default as bin/demo starts it: the Procfile's web server, Celery worker and beat under honcho,
on SQLite and the filesystem broker, with no server of any kind. A person uploads a file in a real browser and
watches the progress bar move, and the month's report catches up with the new data by itself."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from metrics.months import month_index, month_label

pytestmark = [pytest.mark.e2e, pytest.mark.embedded_only]

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-portal-2026"
CUSTOMERS = 50_000
MONTHS = 12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def embedded_stack(tmp_path_factory):
    """bin/demo's steps on a fresh SQLite file: migrate, seed the demo, then honcho with the Procfile. The
    reports' quiet time and sweep are shortened so the refresh is seen in seconds rather than minutes."""
    folder = tmp_path_factory.mktemp("embedded")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        DJANGO_SETTINGS_MODULE="cco_portal.settings.local",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        CELERY_FOLDER=str(folder / "celery"),
        DEMO_PORT=str(port),
        REPORTS_DEBOUNCE_SECONDS="1",
        REPORTS_SWEEP_SECONDS="2",
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*manage, "seed_demo"],
        cwd=ROOT,
        env={**env, "CELERY_TASK_ALWAYS_EAGER": "true"},
        check=True,
        capture_output=True,
    )
    log = (folder / "honcho.log").open("w")
    stack = subprocess.Popen(
        [VENV_BIN / "honcho", "-f", "Procfile", "start"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            assert stack.poll() is None, (folder / "honcho.log").read_text()
            assert time.monotonic() < deadline, "the web server did not answer within 60 s"
            time.sleep(0.5)  # a poll: the server is another process, with nothing to wait on but its port
    yield {"url": url, "process": stack, "log": folder / "honcho.log"}
    if stack.poll() is None:
        # honcho passes the signal on to the three processes and waits for them.
        stack.send_signal(signal.SIGTERM)
        stack.wait(timeout=30)
    log.close()


def activity_file(path: Path, last_month: int) -> Path:
    """Twelve months of revenue up to `last_month` for CUSTOMERS customers, every one of them active in
    the last month: 600,000 rows, enough for the progress bar to be seen between its ends."""
    rng = random.Random(7)
    months = [month_label(m) for m in range(last_month - MONTHS + 1, last_month + 1)]
    with path.open("w") as out:
        out.write("customer_id,period,revenue,segment\n")
        for customer in range(CUSTOMERS):
            for month in months:
                out.write(f"c{customer},{month},{rng.randint(1, 900)}.00,North\n")
    return path


def sign_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(f"{url}/accounts/login/")


def test_the_demo_stack_imports_with_live_progress_and_refreshes_the_report(embedded_stack, page, screenshot, tmp_path):
    """Given bin/demo's web server, worker and beat, when the CCO uploads a file the progress bar passes
    through values between 0 and 100 as the worker reads it, and the report of the month the file changed is
    recomputed by itself, without anyone asking; Ctrl-C then stops all three processes."""
    # given
    url = embedded_stack["url"]
    last_month = month_index(timezone.localdate()) - 1
    upload = activity_file(tmp_path / "activity.csv", last_month)
    sign_in(page, url, "cco@demo.example")
    report_url = f"{url}/o/demo/reports/{month_label(last_month)}/"
    page.goto(report_url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert f"{CUSTOMERS:,}" not in page.content()

    # when
    page.goto(f"{url}/o/demo/metrics/imports/")
    page.get_by_label("CSV file").set_input_files(upload)
    page.get_by_role("button", name="Import", exact=True).click(timeout=60_000)
    expect(page.locator(".import-progress")).to_be_visible()
    seen = set()
    deadline = time.monotonic() + 300
    while page.locator(".import-progress[data-finished='false']").count() and time.monotonic() < deadline:
        value = page.locator(".import-progress [role=progressbar]").get_attribute("aria-valuenow")
        if value is not None:
            seen.add(int(value))
        page.wait_for_timeout(100)
    screenshot(page, "embedded-import-done")

    # then
    assert any(0 < value < 100 for value in seen), f"the bar showed only {sorted(seen)}"
    expect(page.get_by_text("Done:")).to_be_visible(timeout=300_000)
    # Bounded, not timed: the worker recomputes 600,000 rows' movements and the year's reports on SQLite first,
    # which on a busy two-core machine takes minutes.
    deadline = time.monotonic() + 600
    while True:
        page.goto(report_url)
        if f"{CUSTOMERS:,}" in page.content():
            break
        assert time.monotonic() < deadline, "the report did not refresh by itself within ten minutes"
        page.wait_for_timeout(2000)
    screenshot(page, "embedded-report-refreshed")

    # and Ctrl-C (SIGINT to honcho) stops the web server, the worker and beat
    stack = embedded_stack["process"]
    stack.send_signal(signal.SIGINT)
    stack.wait(timeout=30)
    log = embedded_stack["log"].read_text()
    for name in ("web.1", "worker.1", "beat.1"):
        assert f"{name} stopped" in log, log[-2000:]
