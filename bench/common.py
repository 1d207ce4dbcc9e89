"""What the benchmarks share: a PostgreSQL database of their own, migrated, with Django set up on it."""

import os
import sys


def setup_django(database_url: str) -> None:
    """Create the database if it is missing, set Django up on it and migrate it; refuse any database
    whose name lacks "bench", since the benchmarks empty it."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    if "postgres" not in config["ENGINE"] or "bench" not in config["NAME"]:
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name contains 'bench' (it is emptied)")
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cco_portal.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def empty_database() -> None:
    """Empty the organizations and every table that hangs off them. The metrics tables have no foreign keys in
    the database (metrics/models.py: derived and bulk-loaded rows), so `TRUNCATE ... CASCADE` of the
    organizations does not reach them: without naming them, each run would leave its rows to the next, which
    then imports or computes beside a growing table (a 68k-customer import took 3.6-4.3 s after five runs, a
    first one far less)."""
    from django.apps import apps
    from django.db import connection

    from cco_portal.organizations.models import Organization

    tables = [Organization._meta.db_table]
    tables += [model._meta.db_table for model in apps.get_app_config("metrics").get_models() if model._meta.managed]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
