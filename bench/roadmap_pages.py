"""Time the roadmap pages with 2,000 milestones and count their queries.

    .venv/bin/python bench/roadmap_pages.py [--milestones 2000]

Runs on a throw-away SQLite database (or DATABASE_URL's server, in a test database that is dropped
afterwards), through Django's test client, and prints the median of 5 requests per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cco_portal.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

PAGES = ["overview", "board", "timeline", "milestones", "milestones_csv", "mine"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--milestones", type=int, default=2000)
    args = parser.parse_args()

    from django.test import Client

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from cco_portal.organizations.roles import Role
        from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
        from tests.roadmap.test_query_counts import add_milestones

        organization = OrganizationFactory(slug="bench")
        owners = [UserFactory() for _ in range(8)]
        for owner in owners:
            MembershipFactory(organization=organization, user=owner, role=Role.CCO)
        from roadmap.models import OperationalArea

        areas = [OperationalArea.objects.create(organization=organization, name=f"Area {n}") for n in range(6)]
        add_milestones(organization, args.milestones, owners=owners, areas=areas)

        client = Client()
        client.force_login(owners[0])
        print(f"{args.milestones} milestones, {connection.vendor}; median of 5 requests")
        print(f"{'page':<16}{'queries':>8}{'seconds':>10}{'kB':>8}")
        for page in PAGES:
            kwargs = {"org_slug": organization.slug, **({"number": 1} if page == "board" else {})}
            url = reverse(f"roadmap:{page}", kwargs=kwargs)
            timings = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200, (page, response.status_code)
            size = len(response.content) / 1024
            print(f"{page:<16}{len(queries):>8}{statistics.median(timings):>10.3f}{size:>8.0f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
