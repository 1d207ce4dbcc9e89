"""The data sources of an organization, each pull of one, and the column mapping of its uploads.

Imported by metrics.models, so that the models belong to the metrics app."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cco_portal.encryption import MASK
from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet


class SourceKind(models.TextChoices):
    SQL = "sql", _("SQL query on a database")
    URL = "url", _("CSV file at a URL")


class PullStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed")


class PullTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("On schedule")
    MANUAL = "manual", _("Pulled now")


def url_with_password(url: str, password: str) -> str:
    """`url` with `password` put back beside its user name, as a driver or a fetch needs it."""
    parts = urlsplit(url)
    if not password or parts.hostname is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


class DataSource(models.Model):
    """Where an organization's customer data comes from, again and again: a read-only SQL query on one of
    its databases or a CSV file at a URL, pulled on `schedule` (a crontab) and on demand.

    `url` is kept without its password, which is in `secret`, encrypted (encryption.py); neither this
    model's text nor any page, answer, log or audit event shows it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="data_sources")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    target = models.CharField(max_length=20, help_text=_("The kind of import each pull is: activity or reasons."))
    mode = models.CharField(max_length=20, default="replace")
    url = models.CharField(max_length=1000, help_text=_("Without the password, which is in `secret`."))
    secret = models.TextField(blank=True, help_text=_("The URL's password, encrypted."))
    query = models.TextField(blank=True)
    column_map = models.JSONField(default=dict, blank=True, help_text=_("{source column: import column or ''}"))
    schedule = models.CharField(max_length=100, blank=True, help_text=_("A crontab (minute hour day month weekday)."))
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="data_source_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_password(self) -> bool:
        return bool(self.secret)

    @property
    def display_url(self) -> str:
        """The URL as it is shown: the password, when there is one, as "••••"."""
        return url_with_password(self.url, MASK) if self.secret else self.url


class DataSourcePull(models.Model):
    """One pull of a source: when, how it ended, the rows it brought and the import it made, or why not."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="pulls")
    trigger = models.CharField(max_length=20, choices=PullTrigger.choices, default=PullTrigger.MANUAL)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=PullStatus.choices, default=PullStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.BigIntegerField(null=True, blank=True)
    activity_import = models.ForeignKey(
        "metrics.ActivityImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    pulled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_id} at {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class ColumnMapping(models.Model):
    """How an organization's own file headers map onto the import's columns, for one kind of import:
    "Invoice date" is `period`. Used by every upload whose header is not the import's own."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="column_mappings")
    kind = models.CharField(max_length=20)
    file_column = models.CharField(max_length=200, help_text=_("The header as the file writes it, normalized."))
    column = models.CharField(max_length=40, blank=True, help_text=_("The import column; empty: ignored."))

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "file_column"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "file_column"], name="column_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file_column} → {self.column or '(ignored)'}"
