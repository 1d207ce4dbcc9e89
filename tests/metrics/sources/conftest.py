"""Customer databases for the SQL-source tests: a MariaDB database on 127.0.0.1:3306 (root, no password) and a
PostgreSQL one on 127.0.0.1:5432 (postgres), each made for the test with a `sales` table, and dropped after.

On MariaDB the source reads as its own user, allowed SELECT only, as a customer's reporting account would; on
PostgreSQL as the administrator (the server trusts local connections, so the URL's password is checked by
nothing), so that only the read-only transaction stands between a query and a write."""

import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest

MARIADB_URL = os.environ.get("TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306/")
POSTGRES_HOST, POSTGRES_PORT, POSTGRES_ADMIN = "127.0.0.1", 5432, "postgres"
READER_PASSWORD = "Rd-0nly-S3cret!"
# The billing export of the example in PRODUCT.md: its own column names, transaction-level dates.
SALES = [
    ("ann", date(2024, 1, 5), "100.00", "North"),
    ("ann", date(2024, 1, 20), "20.50", "North"),
    ("bob", date(2024, 1, 9), "50.00", "South"),
    ("ann", date(2024, 2, 3), "90.00", "North"),
]
SALES_MAP = {"Customer": "customer_id", "Invoice date": "period", "Amount": "revenue", "Region": "segment"}
SALES_QUERY = (
    'SELECT customer AS "Customer", invoice_date AS "Invoice date", amount AS "Amount", region AS "Region" '
    "FROM sales ORDER BY id"
)


@dataclass
class CustomerDatabase:
    engine: str
    url: str  # with the reader's password
    execute: callable  # runs SQL as the administrator, returns the rows
    quote: str  # how the engine quotes a column alias

    def query(self, sql: str) -> str:
        return sql.replace('"', self.quote)

    def kill_pull_when_running(self, *, after: float = 0.5) -> threading.Thread:
        """Cut the pull's connection from a second one once its query runs, as a dropped network would."""

        def kill():
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                ids = self.execute(self._running_pull)
                if ids:
                    time.sleep(after)  # let rows stream first: the cut must come mid-pull, not before it
                    self.execute(self._kill.format(id=ids[0][0]))
                    return
                time.sleep(0.05)  # a poll: the other connection shows the query only once it runs

        thread = threading.Thread(target=kill, daemon=True)
        thread.start()
        return thread

    @property
    def _running_pull(self) -> str:
        if self.engine == "mariadb":
            return "SELECT id FROM information_schema.processlist WHERE user = 'cco_reader' AND command = 'Query'"
        return "SELECT pid FROM pg_stat_activity WHERE application_name = 'cco-portal data source' AND state = 'active'"

    @property
    def _kill(self) -> str:
        return "KILL {id}" if self.engine == "mariadb" else "SELECT pg_terminate_backend({id})"


def _mariadb():
    import pymysql

    parts = urlsplit(MARIADB_URL)
    name = f"cco_sources_test_{uuid.uuid4().hex[:8]}"
    admin = pymysql.connect(
        host=parts.hostname, port=parts.port or 3306, user=parts.username or "root", password=parts.password or "",
        autocommit=True,
    )  # fmt: skip

    def execute(sql, params=None):
        with admin.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    execute(f"CREATE DATABASE {name}")
    execute(f"USE {name}")
    execute(
        "CREATE TABLE sales (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(50), invoice_date DATE NULL, "
        "amount DECIMAL(12, 2), region VARCHAR(50))"
    )
    execute(
        "CREATE FUNCTION sneaky() RETURNS INT MODIFIES SQL DATA "
        "BEGIN INSERT INTO sales (customer, amount) VALUES ('intruder', 1); RETURN 1; END"
    )
    execute("CREATE USER IF NOT EXISTS 'cco_reader'@'%%' IDENTIFIED BY %s", [READER_PASSWORD])
    execute("CREATE USER IF NOT EXISTS 'cco_reader'@'localhost' IDENTIFIED BY %s", [READER_PASSWORD])
    for host in ("%", "localhost"):
        # EXECUTE lets the test's "sneaky" function be called, so that the read-only transaction is what stops it.
        execute(f"GRANT SELECT, EXECUTE ON {name}.* TO 'cco_reader'@'{host}'")
    url = f"mysql://cco_reader:{READER_PASSWORD}@{parts.hostname}:{parts.port or 3306}/{name}"
    try:
        yield CustomerDatabase("mariadb", url, execute, "`")
    finally:
        execute(f"DROP DATABASE {name}")
        execute("DROP USER IF EXISTS 'cco_reader'@'%', 'cco_reader'@'localhost'")
        admin.close()


def _postgres():
    import psycopg

    name = f"cco_sources_src_{uuid.uuid4().hex[:8]}"
    server = psycopg.connect(host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_ADMIN, autocommit=True)
    server.execute(f"CREATE DATABASE {name}")
    admin = psycopg.connect(host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_ADMIN, dbname=name, autocommit=True)

    def execute(sql, params=None):
        cursor = admin.execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    execute(
        "CREATE TABLE sales (id SERIAL PRIMARY KEY, customer VARCHAR(50), invoice_date DATE NULL, "
        "amount NUMERIC(12, 2), region VARCHAR(50))"
    )
    execute(
        "CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS "
        "$$ INSERT INTO sales (customer, amount) VALUES ('intruder', 1) RETURNING 1 $$"
    )
    url = f"postgres://{POSTGRES_ADMIN}:{READER_PASSWORD}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    try:
        yield CustomerDatabase("postgres", url, execute, '"')
    finally:
        admin.close()
        server.execute(f"DROP DATABASE {name} WITH (FORCE)")
        server.close()


@pytest.fixture(params=["mariadb", "postgres"])
def customer_database(request):
    """A customer database with an empty `sales` table and a `sneaky()` function that writes to it."""
    factory = _mariadb if request.param == "mariadb" else _postgres
    yield from factory()


def insert_sales(database: CustomerDatabase, rows) -> None:
    for row in rows:
        database.execute(
            "INSERT INTO sales (customer, invoice_date, amount, region) VALUES (%s, %s, %s, %s)", list(row)
        )


@pytest.fixture
def file_server():
    """An HTTP server on 127.0.0.1 that serves the files a test gives it."""
    from .http_files import FileServer

    server = FileServer()
    yield server
    server.close()
