"""The portal under load: gunicorn on 127.0.0.1 with PostgreSQL, Redis and a Celery worker, 50 leaders
(locust) answering a survey, reading the roadmap, the dashboards and the API for a bounded time, while
a 1M-row customer-activity import runs on the worker.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/generate.py --customers 68000          # bench/data/activity-68k.csv, ~1M rows
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cco_bench_load CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/load/run.py [--users 50] [--seconds 60]

It empties the database (its name must contain "bench"), seeds the demo organization, adds the load's
leaders, starts the server and the worker, queues the import, runs locust, and prints p50/p95/p99
latency, throughput and errors per kind of request, with a trivial page (/healthz) served by the same
server in the same run as the yardstick; then it checks every answer the portal accepted against the
database, and reports how the import ended. It prints figures; it asserts nothing about time.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOAD = Path(__file__).resolve().parent
BENCH = LOAD.parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from common import setup_django  # noqa: E402
from generate import default_path  # noqa: E402

PORT = 8765
PASSWORD = "load-bench-password-1"


def drop_database(database_url: str) -> None:
    """Start from nothing: setup_django creates the database again and migrates it (the migrations
    load the questionnaires and competencies)."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    if "bench" not in config["NAME"]:
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name contains 'bench' (it is dropped)")
    with psycopg.connect(
        host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
        password=config["PASSWORD"] or None, dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def seed(environment: dict, users: int, workdir: Path) -> dict:
    """The demo organization (seeded in-process, as `bin/demo` does), the load's leaders in it (each an
    executive invited to an open readiness round, and leadership), their sessions and API tokens."""
    # Served as in production: WhiteNoise from the collected, hashed files.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env={k: v for k, v in environment.items() if k != "CELERY_BROKER_URL"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from knox.models import AuthToken

    from assessments import services as assessments
    from assessments.models import Kind
    from cco_portal.accounts.models import User
    from cco_portal.organizations import services as organizations
    from cco_portal.organizations.models import Organization
    from cco_portal.organizations.roles import Role
    from metrics.models import MonthlyMovement
    from metrics.months import month_label

    organization = Organization.objects.get(slug="demo")
    leaders = []
    for number in range(users):
        user = User.objects.create_user(f"leader{number}@load.example", PASSWORD, full_name=f"Leader {number}")
        organizations.add_member(organization=organization, user=user, role=Role.EXECUTIVE)
        organizations.add_member(organization=organization, user=user, role=Role.LEADERSHIP)
        leaders.append(user)
    round_ = assessments.open_round(
        organization=organization,
        kind=Kind.READINESS,
        title="Readiness under load",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=7),
        invitees=leaders,
    )
    accounts = []
    for user in leaders:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        _, token = AuthToken.objects.create(user=user)
        accounts.append({"user_id": user.pk, "session": session.session_key, "token": token})
    months = sorted(MonthlyMovement.objects.filter(organization=organization).values_list("month", flat=True))
    return {
        "organization": organization.slug,
        "round": round_.pk,
        "questions": list(round_.questionnaire.questions.values_list("pk", flat=True)),
        "accounts": accounts,
        "months": [month_label(months[0]), month_label(months[-1])] if months else ["2024-01", "2024-12"],
        "accepted_path": str(workdir / "accepted.json"),
    }


def start_import(path: Path):
    """A cco of a second organization imports the big file; the worker runs it during the load."""
    from django.core.files import File

    from cco_portal.accounts.models import User
    from cco_portal.organizations import services as organizations
    from cco_portal.organizations.roles import Role
    from metrics import services

    organization = organizations.create_organization(name="Import Load", slug="import-load")
    cco = User.objects.create_user("cco@import-load.example", PASSWORD)
    organizations.add_member(organization=organization, user=cco, role=Role.CCO)
    with path.open("rb") as handle:
        upload = File(handle, name=path.name)
        return services.start_import(organization=organization, uploaded_file=upload, created_by=cco)


def wait_until_up(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)  # the server is still starting: ask again
    sys.exit(f"the server did not answer {url} within {timeout} s")


def percentile_table(stats_path: Path) -> list[dict]:
    with stats_path.open() as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--customers", type=int, default=68_000, help="picks bench/data/activity-<size>.csv")
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    args = parser.parse_args(argv)
    database_url, broker_url = os.environ.get("DATABASE_URL"), os.environ.get("CELERY_BROKER_URL")
    if not database_url or not broker_url:
        sys.exit("set DATABASE_URL (a PostgreSQL database named *bench*) and CELERY_BROKER_URL (redis://...)")
    path = default_path(args.customers)
    if not path.exists():
        sys.exit(f"{path} is missing: run bench/generate.py --customers {args.customers} first")

    workdir = Path(tempfile.mkdtemp(prefix="cco-load-"))
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cco_portal.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
    }
    os.environ.update(environment)
    drop_database(database_url)
    setup_django(database_url)
    config = seed(environment, args.users, workdir)
    config_path = workdir / "config.json"
    config_path.write_text(json.dumps(config))

    processes = []
    try:
        log = (workdir / "server.log").open("w")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "cco_portal.wsgi", "--bind", f"127.0.0.1:{PORT}",
                 "--workers", str(args.gunicorn_workers), "--threads", "4", "--worker-class", "gthread",
                 # Longer than a user's pause, so that a kept-alive connection is not closed as it is reused.
                 "--keep-alive", "75"],
                cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "cco_portal", "worker", "--concurrency", "1",
                 "--loglevel", "WARNING"],
                cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        activity_import = start_import(path)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOAD / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(workdir / "load"), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**environment, "LOAD_CONFIG": str(config_path)}, check=False,
        )  # fmt: skip
        report(args, workdir, config, activity_import, started)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def report(args, workdir: Path, config: dict, activity_import, started: float) -> None:
    from assessments.models import Answer
    from metrics.models import ActivityImport

    rows = percentile_table(workdir / "load_stats.csv")
    print(f"\n{args.users} users for {args.seconds} s, gunicorn {args.gunicorn_workers} workers x 4 threads\n")
    print("| request | count | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    p95 = {}
    for row in rows:
        p95[row["Name"]] = float(row["95%"])
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    trivial = p95.get("trivial page (/healthz)")
    if trivial:
        for name in ("customer-asset dashboard", "customer-room report"):
            if name in p95:
                ratio = p95[name] / trivial
                print(f"{name}: p95 {p95[name]:.0f} ms = {ratio:.1f}x the trivial page's p95 of {trivial:.0f} ms")

    accepted = json.loads(Path(config["accepted_path"]).read_text())
    stored = {
        (user, question): choice
        for user, question, choice in Answer.objects.filter(response__round_id=config["round"]).values_list(
            "response__respondent_id", "question_id", "choice"
        )
    }
    lost = [item for item in accepted if stored.get((item[0], item[1])) != item[2]]
    print(f"answers accepted by the portal: {len(accepted)}; missing or different in the database: {len(lost)}")

    deadline = time.monotonic() + 15 * 60
    while time.monotonic() < deadline:
        activity_import = ActivityImport.objects.get(pk=activity_import.pk)
        if activity_import.is_finished:
            break
        time.sleep(2)  # polling the import's row: the worker reports nowhere else
    print(
        f"import of {activity_import.rows_total or activity_import.rows_done:,} rows: {activity_import.status}, "
        f"{activity_import.duration.total_seconds() if activity_import.duration else float('nan'):.1f} s "
        f"(started with the load, {time.monotonic() - started:.0f} s ago)"
    )


if __name__ == "__main__":
    main()
