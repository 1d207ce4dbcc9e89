"""Reading a data source into the import's CSV format, streamed into a file: never the whole result in memory.

An SQL source runs its query in a read-only transaction with a statement timeout, through a server-side
cursor (PostgreSQL) or an unbuffered one (MySQL/MariaDB). A URL source is fetched over https (http only
from this machine, for tests), with a size limit, a timeout, and no redirect to another host. Raw SQL
because the source is someone else's database, reached with its own driver and no models: the query is
the one its owner wrote, and the statements around it make the session read-only and time-limited.

Every failure is a SourceError whose message is fit to show and to email: it never carries the password.
`transient` says whether trying again later may help (a refused or lost connection, a network timeout).
"""

import base64
import contextlib
import csv
import datetime
import io
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal
from typing import IO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cco_portal.encryption import decrypt

from ..imports.values import header_name
from ..uploads import max_upload_bytes
from .mapping import remap_file
from .models import DataSource, SourceKind

FETCH_BATCH = 2000
CONNECT_TIMEOUT = 10
# Hosts a source may be fetched from over plain http: this machine, where the tests serve their files.
PLAIN_HTTP_HOSTS = {"127.0.0.1"}
SQL_SCHEMES = {"postgres": "postgresql", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
# Statements a read-only query may start with; anything else is refused before it reaches the database,
# which refuses writes again inside its read-only transaction.
READING_STATEMENTS = ("select", "with", "values", "table", "(")
MAX_REDIRECTS = 3


class SourceError(Exception):
    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient


def statement_timeout() -> int:
    return settings.DATA_SOURCE_STATEMENT_TIMEOUT


def write_csv(source: DataSource, destination: IO[bytes]) -> int | None:
    """Write the rows of `source` as an import CSV file (header first) to `destination`; returns the
    number of data rows of a query (None for a file, whose rows the import counts). Raises SourceError."""
    try:
        password = decrypt(source.secret)
    except ImproperlyConfigured as error:
        raise SourceError(str(error)) from None
    if source.kind == SourceKind.SQL:
        return _write_query(source, password, destination)
    return _write_download(source, password, destination)


# SQL


def check_query(query: str) -> None:
    """ValueError when `query` is not one read-only statement."""
    text = query.strip().rstrip(";").strip()
    if not text:
        raise ValueError("Write the query that selects the rows.")
    if not text.lower().startswith(READING_STATEMENTS):
        raise ValueError("The query must read (SELECT or WITH …); a source never writes to its database.")
    if ";" in text:
        raise ValueError("Write one query, without a semicolon between statements.")


def check_sql_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in SQL_SCHEMES or not parts.hostname:
        raise ValueError("Give a database URL such as postgres://user@host:5432/name or mysql://user@host:3306/name.")


def _write_query(source: DataSource, password: str, destination: IO[bytes]) -> int:
    try:
        check_query(source.query)
    except ValueError as error:
        raise SourceError(str(error)) from None
    engine = SQL_SCHEMES.get(urlsplit(source.url).scheme)
    rows_of = _postgres_rows if engine == "postgresql" else _mysql_rows
    text = io.TextIOWrapper(destination, encoding="utf-8", newline="", write_through=False)
    try:
        with rows_of(source, password) as (columns, batches):
            header, keep = _import_header(columns, source.column_map)
            writer = csv.writer(text)
            writer.writerow(header)
            count = 0
            for batch in batches:
                writer.writerows([_cell(row[i]) for i in keep] for row in batch)
                count += len(batch)
        text.flush()
        return count
    finally:
        text.detach()


def _import_header(columns: list[str], column_map: dict[str, str]) -> tuple[list[str], list[int]]:
    """The CSV header for the query's columns and which of them to write: mapped ones renamed, those mapped
    to nothing left out, the rest as the query names them (the import says if one is unknown)."""
    header, keep = [], []
    for index, name in enumerate(columns):
        target = column_map.get(header_name(name), name)
        if target:
            header.append(target)
            keep.append(index)
    return header, keep


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _connection_parts(source: DataSource, password: str) -> dict:
    parts = urlsplit(source.url)
    return {
        "host": parts.hostname,
        "port": parts.port,
        "user": unquote(parts.username or ""),
        "password": password,
        "database": unquote(parts.path.lstrip("/")),
    }


@contextmanager
def _postgres_rows(source: DataSource, password: str):
    import psycopg

    parts = _connection_parts(source, password)
    try:
        connection = psycopg.connect(
            host=parts["host"],
            port=parts["port"] or 5432,
            user=parts["user"] or None,
            password=parts["password"] or None,
            dbname=parts["database"] or None,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="cco-portal data source",
        )
    except psycopg.OperationalError as error:
        raise _postgres_error(error, connecting=True) from None
    try:
        with connection.transaction():
            connection.execute("SET TRANSACTION READ ONLY")
            connection.execute(f"SET LOCAL statement_timeout = {int(statement_timeout() * 1000)}")
            # A named cursor is a server-side one: the rows come FETCH_BATCH at a time.
            with connection.cursor(name="cco_portal_pull") as cursor:
                try:
                    cursor.execute(source.query)
                    columns = [column.name for column in cursor.description]
                except psycopg.Error as error:
                    raise _postgres_error(error) from None
                yield columns, _batches(cursor, psycopg.Error, _postgres_error)
    except psycopg.Error as error:
        raise _postgres_error(error) from None
    finally:
        connection.close()


def _postgres_error(error, *, connecting: bool = False) -> SourceError:
    import psycopg
    from psycopg import errors

    if isinstance(error, errors.QueryCanceled):
        return SourceError(
            f"The query ran longer than {statement_timeout()} seconds and was stopped; make it faster or "
            "select fewer rows."
        )
    if isinstance(error, errors.ReadOnlySqlTransaction):
        return SourceError("The query tries to write, and a source only reads: it was refused.")
    if isinstance(error, psycopg.OperationalError):
        what = "could not connect to" if connecting else "lost its connection to"
        auth = "password authentication failed" in str(error)
        return SourceError(
            f"The pull {what} the database: {_first_line(error)}", transient=not auth and not _is_fatal(error)
        )
    return SourceError(f"The database refused the query: {_first_line(error)}")


def _is_fatal(error) -> bool:
    return "does not exist" in str(error)


@contextmanager
def _mysql_rows(source: DataSource, password: str):
    import pymysql
    from pymysql.cursors import SSCursor

    parts = _connection_parts(source, password)
    try:
        connection = pymysql.connect(
            host=parts["host"],
            port=parts["port"] or 3306,
            user=parts["user"],
            password=parts["password"],
            database=parts["database"] or None,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=statement_timeout() + 30,
            charset="utf8mb4",
            cursorclass=SSCursor,
        )
    except pymysql.MySQLError as error:
        raise _mysql_error(error, connecting=True) from None
    try:
        with connection.cursor() as cursor:
            try:
                try:
                    cursor.execute(f"SET SESSION max_statement_time = {int(statement_timeout())}")
                except pymysql.err.InternalError:
                    cursor.execute(f"SET SESSION max_execution_time = {int(statement_timeout() * 1000)}")  # MySQL
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                cursor.execute("START TRANSACTION READ ONLY")
                cursor.execute(source.query)
                columns = [column[0] for column in cursor.description or []]
            except pymysql.MySQLError as error:
                raise _mysql_error(error) from None
            yield columns, _batches(cursor, pymysql.MySQLError, _mysql_error)
    finally:
        with contextlib.suppress(pymysql.MySQLError):  # already gone
            connection.close()


def _mysql_error(error, *, connecting: bool = False) -> SourceError:
    import pymysql

    code = error.args[0] if error.args else None
    if code in (1969, 3024):  # MariaDB's max_statement_time, MySQL's max_execution_time
        return SourceError(
            f"The query ran longer than {statement_timeout()} seconds and was stopped; make it faster or "
            "select fewer rows."
        )
    if code == 1792:
        return SourceError("The query tries to write, and a source only reads: it was refused.")
    message = error.args[1] if len(error.args) > 1 else str(error)
    if code == 1045:
        return SourceError(f"The database refused the sign-in: {message}")
    if isinstance(error, pymysql.OperationalError) and code in (2003, 2006, 2013, 1927, 2055):
        what = "could not connect to" if connecting else "lost its connection to"
        return SourceError(f"The pull {what} the database: {message}", transient=True)
    return SourceError(f"The database refused the query: {message}")


def _batches(cursor, driver_error, as_source_error) -> Iterable[list]:
    while True:
        try:
            batch = cursor.fetchmany(FETCH_BATCH)
        except driver_error as error:
            raise as_source_error(error) from None
        except (OSError, EOFError) as error:
            raise SourceError(f"The pull lost its connection to the database: {error}", transient=True) from None
        if not batch:
            return
        yield batch


def _first_line(error) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# URL


def check_file_url(url: str) -> None:
    parts = urlsplit(url)
    if not parts.hostname or not (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in PLAIN_HTTP_HOSTS)
    ):
        raise ValueError("Give an https:// address of the CSV file.")


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, host: str):
        self.host = host

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).hostname != self.host:
            raise SourceError(
                f"The address redirects to another host ({urlsplit(newurl).hostname}); give its final address."
            )
        check_file_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _write_download(source: DataSource, password: str, destination: IO[bytes]) -> None:
    try:
        check_file_url(source.url)
    except ValueError as error:
        raise SourceError(str(error)) from None
    parts = urlsplit(source.url)
    address = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    opener = urllib.request.build_opener(_SameHostRedirects(parts.hostname))
    opener.addheaders = [("User-Agent", "cco-portal data source")]
    if parts.username:
        # Sent with the first request (redirects never leave the host): an export link seldom asks first.
        credentials = f"{unquote(parts.username)}:{password}".encode()
        opener.addheaders.append(("Authorization", f"Basic {base64.b64encode(credentials).decode()}"))
    with tempfile.TemporaryFile() as spool:
        _fetch(opener, address, spool)
        remapped = remap_file(spool, source.column_map, kind=source.target, name="source.csv")
        stream = remapped.file if remapped is not None else spool
        with stream:
            shutil.copyfileobj(stream, destination)


def _fetch(opener, address: str, spool: IO[bytes]) -> None:
    limit, deadline = max_upload_bytes(), time.monotonic() + settings.DATA_SOURCE_FETCH_TIMEOUT
    try:
        with opener.open(address, timeout=CONNECT_TIMEOUT) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise SourceError(_too_large(limit))
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise SourceError(_too_large(limit))
                if time.monotonic() > deadline:
                    raise SourceError(
                        f"The file took longer than {settings.DATA_SOURCE_FETCH_TIMEOUT} seconds to fetch.",
                        transient=True,
                    )
                spool.write(chunk)
    except urllib.error.HTTPError as error:
        raise SourceError(
            f"The address answered {error.code} {error.reason}.", transient=error.code >= 500 or error.code == 429
        ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, SourceError):
            raise reason from None
        raise SourceError(f"The file could not be fetched: {reason}.", transient=True) from None
    except (TimeoutError, ConnectionError) as error:
        raise SourceError(f"The file could not be fetched: {error or 'timed out'}.", transient=True) from None
    spool.seek(0)


def _too_large(limit: int) -> str:
    return f"The file is larger than the {limit / 1024 / 1024:,.1f} MB an import takes."
