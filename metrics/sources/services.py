"""Writes of the data sources: registering, changing and removing a source (with its schedule), pulling one,
and the column mapping of uploads.

A pull is an ordinary import: the source's rows are written as the import's CSV format to a temporary file,
which metrics.services.start_import stores and run_import checks and loads, all or nothing, with the same
progress, data version, audit events and report refresh as an upload. What fails before the import (the
database or the address) stores nothing at all."""

import logging
import tempfile
from collections.abc import Callable
from functools import partial
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.emails import send_email
from cco_portal.encryption import encrypt
from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import Role

from .. import services as import_services
from ..imports import Problem
from ..models import ImportKind, ImportMode, ImportStatus
from . import schedule as beat
from .fetchers import SourceError, check_file_url, check_query, check_sql_url, write_csv
from .mapping import clean_mapping
from .models import ColumnMapping, DataSource, DataSourcePull, PullStatus, PullTrigger, SourceKind

logger = logging.getLogger(__name__)
# Problems of a refused pull named in its reason; the import keeps them all.
SHOWN_PROBLEMS = 5
UNEXPECTED = "The pull stopped on an unexpected error (see the portal's log), and nothing was changed."


def split_password(url: str) -> tuple[str, str]:
    """`url` without its password, and the password ("" when it has none)."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip(), ""
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host)), unquote(parts.password)


def _check(source: DataSource) -> None:
    errors = {}
    if not source.name.strip():
        errors["name"] = _("Give the source a name.")
    if source.kind not in SourceKind.values:
        errors["kind"] = _("Choose sql or url.")
    if source.target not in ImportKind.values:
        errors["target"] = _("Choose activity or reasons.")
    if source.mode not in ImportMode.values:
        errors["mode"] = _("Choose replace or append.")
    # Each field's check, bound to its value; each raises ValueError with the sentence to show.
    checks: list[tuple[str, Callable[[], object]]] = [("schedule", partial(beat.check_schedule, source.schedule))]
    if source.kind == SourceKind.SQL:
        checks += [("url", partial(check_sql_url, source.url)), ("query", partial(check_query, source.query))]
    elif source.kind == SourceKind.URL:
        checks += [("url", partial(check_file_url, source.url))]
    if source.target in ImportKind.values:
        checks.append(("column_map", partial(clean_mapping, source.column_map, kind=source.target)))
    for field, check in checks:
        try:
            check()
        except ValueError as error:
            errors[field] = str(error)
    if source.kind == SourceKind.URL and source.query.strip():
        errors["query"] = _("A file source has no query.")
    duplicate = (
        DataSource.objects.for_organization(source.organization_id)
        .filter(name=source.name.strip())
        .exclude(pk=source.pk)
        .exists()
    )
    if duplicate:
        errors["name"] = _("The organization already has a source of this name.")
    if errors:
        raise ValidationError(errors)
    source.column_map = clean_mapping(source.column_map, kind=source.target)
    source.name, source.schedule = source.name.strip(), " ".join(source.schedule.split())


def _audit_details(source: DataSource) -> dict:
    # The URL as shown, never with its password; the query is the customer's own and may be long.
    return {
        "source": source.pk,
        "kind": source.kind,
        "imports": source.target,
        "url": source.display_url,
        "schedule": source.schedule,
    }


@transaction.atomic
def create_data_source(
    *,
    organization: Organization,
    name: str,
    kind: str,
    target: str,
    url: str,
    query: str = "",
    password: str = "",
    column_map: dict[str, str] | None = None,
    schedule: str = "",
    mode: str = ImportMode.REPLACE,
    enabled: bool = True,
    created_by=None,
) -> DataSource:
    """Register a source of customer activity or lost-customer reasons. A password in `url` (or given as
    `password`) is stored encrypted and the URL kept without it; a schedule (crontab) makes beat pull it."""
    plain_url, url_password = split_password(url)
    source = DataSource(
        organization=organization,
        name=name,
        kind=kind,
        target=target,
        mode=mode,
        url=plain_url,
        secret=encrypt(url_password or password),
        query=query.strip(),
        column_map=column_map or {},
        schedule=schedule,
        enabled=enabled,
        created_by=created_by,
    )
    _check(source)
    source.save()
    beat.sync_periodic_task(source)
    record_event(
        action=Action.SETTINGS_CHANGED,
        organization=organization,
        actor=created_by,
        target=f"data source {source.name}",
        change="data source added",
        **_audit_details(source),
    )
    return source


EDITABLE = ("name", "target", "mode", "url", "query", "column_map", "schedule", "enabled")


@transaction.atomic
def update_data_source(*, source: DataSource, changed_by=None, password: str | None = None, **changes) -> DataSource:
    """Change a source's fields (EDITABLE); its kind stays. The stored password stays unless a new one is
    given, in the URL or as `password`; `password=""` removes it."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    source = DataSource.objects.for_organization(source.organization_id).select_for_update().get(pk=source.pk)
    if "url" in changes:
        changes["url"], url_password = split_password(changes["url"])
        if url_password:
            password = url_password
    for name, value in changes.items():
        setattr(source, name, value.strip() if name == "query" else value)
    if password is not None:
        source.secret = encrypt(password)
    _check(source)
    source.save()
    beat.sync_periodic_task(source)
    record_event(
        action=Action.SETTINGS_CHANGED,
        organization=source.organization,
        actor=changed_by,
        target=f"data source {source.name}",
        change="data source changed",
        fields=sorted(set(changes) | ({"password"} if password is not None else set())),
        **_audit_details(source),
    )
    return source


@transaction.atomic
def delete_data_source(*, source: DataSource, deleted_by=None) -> None:
    """Remove a source, its schedule and its pull history; the imports it made stay."""
    beat.delete_periodic_task(source.pk)
    record_event(
        action=Action.SETTINGS_CHANGED,
        organization=source.organization,
        actor=deleted_by,
        target=f"data source {source.name}",
        change="data source removed",
        **_audit_details(source),
    )
    source.delete()


def queue_pull(*, source: DataSource, pulled_by=None) -> None:
    """Pull `source` in the background now, with the retries of a scheduled pull."""
    from .tasks import pull_data_source_task

    pulled_by_id = getattr(pulled_by, "pk", None)
    transaction.on_commit(
        lambda: pull_data_source_task.delay(source.pk, trigger=PullTrigger.MANUAL, pulled_by_id=pulled_by_id),
        robust=True,
    )


def pull_data_source(
    *, source: DataSource, trigger: str = PullTrigger.MANUAL, pulled_by=None, attempt: int = 1
) -> DataSourcePull:
    """Pull `source` here and now, and record the pull. Returns it succeeded or refused by the import (with
    the rows named in `error`); raises SourceError, after recording the failed pull, when the source could
    not be read, and nothing is stored. Run outside a transaction, like run_import."""
    pull = DataSourcePull.objects.create(
        organization_id=source.organization_id, source=source, trigger=trigger, attempt=attempt, pulled_by=pulled_by
    )
    try:
        _pull(source, pull, pulled_by)
    except SourceError as error:
        _finish(pull, PullStatus.FAILED, error=str(error))
        raise
    except Exception:
        # A time limit or a fault of the portal: the pull is not left "running" for ever.
        _finish(pull, PullStatus.FAILED, error=UNEXPECTED)
        raise
    return pull


def _pull(source: DataSource, pull: DataSourcePull, pulled_by) -> None:
    with tempfile.NamedTemporaryFile(suffix=".csv") as spool:
        rows = write_csv(source, spool)
        spool.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        try:
            activity_import = import_services.start_import(
                organization=source.organization,
                uploaded_file=File(spool, name=f"{source.name}-{stamp}.csv"),
                kind=source.target,
                mode=source.mode,
                created_by=pulled_by,
                run_later=False,
            )
        except ValidationError as error:
            raise SourceError(" ".join(error.messages)) from None
    pull.activity_import = activity_import
    pull.save(update_fields=["activity_import"])
    activity_import = import_services.run_import(activity_import=activity_import)
    if activity_import.status == ImportStatus.SUCCEEDED:
        _finish(pull, PullStatus.SUCCEEDED, rows=activity_import.rows_total)
    else:
        _finish(pull, PullStatus.FAILED, rows=rows, error=refusal(activity_import, from_query=rows is not None))


def refusal(activity_import, *, from_query: bool) -> str:
    """Why the import refused a pull, naming the first rows: of the query (the file's line minus its
    header) or of the file."""
    problems = [Problem(**problem) for problem in activity_import.errors[:SHOWN_PROBLEMS]]
    named = []
    for problem in problems:
        if problem.line and from_query:
            where = ", ".join(part for part in (f"row {problem.line - 1} of the query", problem.column) if part)
            named.append(f"{where}: {problem.message}")
        else:
            named.append(str(problem))
    count = activity_import.error_count
    more = f" … and {count - len(named)} more." if count > len(named) else ""
    return (
        _("The import refused the pull (%(count)s problems), and nothing was changed: ") % {"count": count}
        + "; ".join(named)
        + more
    )


def _finish(pull: DataSourcePull, status: str, *, rows: int | None = None, error: str = "") -> None:
    pull.status, pull.rows, pull.error, pull.finished_at = status, rows, error, timezone.now()
    pull.save(update_fields=["status", "rows", "error", "finished_at"])
    if error:
        logger.warning("Pull %s of data source %s failed: %s", pull.pk, pull.source_id, error)


def email_pull_failure(*, pull: DataSourcePull) -> int:
    """Tell the organization's CCOs that a pull failed for good, and why; returns how many were told."""
    source = pull.source
    emails = sorted(
        set(
            Membership.objects.for_organization(source.organization)
            .filter(role=Role.CCO)
            .values_list("user__email", flat=True)
        )
    )
    if not emails:
        return 0
    url = settings.SITE_URL.rstrip("/") + reverse(
        "metrics:source", kwargs={"org_slug": source.organization.slug, "source_id": source.pk}
    )
    subject = _("%(organization)s: the data source “%(source)s” could not be pulled") % {
        "organization": source.organization.name,
        "source": source.name,
    }
    body = render_to_string("metrics/sources/email/pull_failed.txt", {"pull": pull, "source": source, "url": url})
    # Each CCO's message on its own: nobody sees another's address, and one refused address stops no other.
    for email in emails:
        send_email(to=email, subject=subject, body=body)
    return len(emails)


@transaction.atomic
def set_column_mapping(*, organization: Organization, kind: str, mapping: dict[str, str], changed_by=None) -> dict:
    """Replace the organization's column mapping of `kind` uploads; returns it as stored."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose activity or reasons.")})
    try:
        cleaned = clean_mapping(mapping, kind=kind)
    except ValueError as error:
        raise ValidationError({"mapping": str(error)}) from None
    existing = ColumnMapping.objects.for_organization(organization).filter(kind=kind)
    before = dict(existing.values_list("file_column", "column"))
    existing.delete()
    ColumnMapping.objects.bulk_create(
        ColumnMapping(organization=organization, kind=kind, file_column=key, column=column)
        for key, column in cleaned.items()
    )
    if before != cleaned:
        record_event(
            action=Action.SETTINGS_CHANGED,
            organization=organization,
            actor=changed_by,
            target=f"column mapping of {kind} uploads",
            old=before,
            new=cleaned,
        )
    return cleaned
