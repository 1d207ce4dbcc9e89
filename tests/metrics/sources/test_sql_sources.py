"""SQL sources against real MariaDB and PostgreSQL servers: a correct pull, a bad row, a lost connection, a
query that writes, and one that runs too long. Every pull either imports all its rows or stores nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cco_portal.audit.models import Action, AuditEvent
from metrics.models import ActivityImport, CustomerActivity, ImportStatus
from metrics.sources import services
from metrics.sources.fetchers import SourceError
from metrics.sources.models import PullStatus
from tests.metrics.import_files import stored_activity

from .conftest import SALES, SALES_MAP, SALES_QUERY, insert_sales

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _source(organization, database, query=SALES_QUERY, column_map=SALES_MAP):
    return services.create_data_source(
        organization=organization,
        name=f"{database.engine} billing",
        kind="sql",
        target="activity",
        url=database.url,
        query=database.query(query),
        column_map=column_map,
    )


def test_a_pull_imports_every_row_of_the_query(organization, customer_database):
    """Given a billing table with its own column names and one row per invoice, mapped onto the import's
    columns, when the source is pulled, then every invoice is imported (a customer's invoices of a month
    added up), the pull records the rows and its import, and the import's audit events are there."""
    # given
    insert_sales(customer_database, SALES)
    source = _source(organization, customer_database)

    # when
    pull = services.pull_data_source(source=source)

    # then
    assert pull.status == PullStatus.SUCCEEDED, pull.error
    assert pull.rows == len(SALES)
    assert pull.activity_import.status == ImportStatus.SUCCEEDED
    assert stored_activity(organization) == {
        ("ann", "2024-01"): (1_205_000, "North"),
        ("bob", "2024-01"): (500_000, "South"),
        ("ann", "2024-02"): (900_000, "North"),
    }
    actions = set(AuditEvent.objects.filter(organization=organization).values_list("action", flat=True))
    assert {Action.IMPORT_STARTED, Action.IMPORT_SUCCEEDED} <= actions


def test_a_bad_row_refuses_the_whole_pull_and_names_it(organization, customer_database):
    """Given a query whose third row has no invoice date, when the source is pulled, then nothing is
    imported and the pull's reason names row 3 of the query and its column."""
    # given
    insert_sales(customer_database, [*SALES[:2], ("carl", None, Decimal("5.00"), "West"), SALES[3]])
    source = _source(organization, customer_database)

    # when
    pull = services.pull_data_source(source=source)

    # then
    assert pull.status == PullStatus.FAILED
    assert "row 3 of the query, period" in pull.error
    assert not CustomerActivity.objects.for_organization(organization).exists()


def test_a_connection_lost_mid_pull_fails_it_and_stores_nothing(organization, customer_database, settings):
    """Given a query whose rows come slowly, when its connection is cut from the server side while the rows
    stream, then the pull fails as transient with a clear reason, and no import or data is stored."""
    # given
    settings.DATA_SOURCE_STATEMENT_TIMEOUT = 60
    insert_sales(customer_database, SALES * 50)
    sleep = "SLEEP(0.02)" if customer_database.engine == "mariadb" else "pg_sleep(0.02)"
    source = _source(
        organization,
        customer_database,
        query=SALES_QUERY.replace(" FROM sales", f', {sleep} AS "Pause" FROM sales'),
        column_map={**SALES_MAP, "Pause": ""},
    )
    killer = customer_database.kill_pull_when_running(after=0.3)

    # when
    with pytest.raises(SourceError) as failure:
        services.pull_data_source(source=source)
    killer.join(timeout=10)

    # then
    assert failure.value.transient
    assert "lost its connection to the database" in str(failure.value)
    assert source.pulls.get().status == PullStatus.FAILED
    assert not ActivityImport.objects.for_organization(organization).exists()
    assert not CustomerActivity.objects.for_organization(organization).exists()


@pytest.mark.parametrize("query", ["DELETE FROM sales", "SELECT 1; DELETE FROM sales"])
def test_a_statement_that_writes_is_refused_before_the_database(organization, customer_database, query):
    """Given a source whose query is a write, or hides one after a first statement, when it is saved, then it
    is refused; the table keeps its rows."""
    insert_sales(customer_database, SALES)
    with pytest.raises(ValidationError) as refusal:
        _source(organization, customer_database, query=query)
    assert "query" in refusal.value.message_dict
    assert customer_database.execute("SELECT COUNT(*) FROM sales")[0][0] == len(SALES)


def test_a_query_that_writes_is_refused_by_the_read_only_transaction(organization, customer_database):
    """Given a SELECT that calls a function which inserts into the table, when the source is pulled, then the
    database refuses the write inside the pull's read-only transaction, the pull fails for good (not to
    be retried) saying so, and the table is unchanged."""
    # given
    insert_sales(customer_database, SALES)
    source = _source(
        organization,
        customer_database,
        query=SALES_QUERY.replace(" FROM sales", ', sneaky() AS "Sneaky" FROM sales'),
        column_map={**SALES_MAP, "Sneaky": ""},
    )

    # when
    with pytest.raises(SourceError) as failure:
        services.pull_data_source(source=source)

    # then
    assert not failure.value.transient
    assert "tries to write" in str(failure.value)
    assert customer_database.execute("SELECT COUNT(*) FROM sales")[0][0] == len(SALES)
    assert not ActivityImport.objects.for_organization(organization).exists()


def test_a_slow_query_hits_the_statement_timeout(organization, customer_database, settings):
    """Given a statement timeout of one second and a query that takes longer, when the source is pulled,
    then the database stops it and the pull fails saying it ran longer than the timeout."""
    # given
    settings.DATA_SOURCE_STATEMENT_TIMEOUT = 1
    insert_sales(customer_database, SALES)
    sleep = "SLEEP(1)" if customer_database.engine == "mariadb" else "pg_sleep(1)"
    source = _source(
        organization,
        customer_database,
        query=SALES_QUERY.replace(" FROM sales", f', {sleep} AS "Pause" FROM sales'),
        column_map={**SALES_MAP, "Pause": ""},
    )

    # when
    with pytest.raises(SourceError) as failure:
        services.pull_data_source(source=source)

    # then
    assert "ran longer than 1 seconds" in str(failure.value)
    assert not ActivityImport.objects.for_organization(organization).exists()
