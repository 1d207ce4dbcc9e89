"""Customer activity imported per organization, and the customer-asset movements computed from it.

Revenue is stored as a whole number of ten-thousandths (REVENUE_SCALE), so that sums are exact on
PostgreSQL, SQLite and in any engine that reads the tables; months are whole numbers (see months.py).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet

REVENUE_SCALE = 10_000


def to_amount(units: int | None) -> Decimal:
    """Stored units as the exact decimal amount: to the cent when they are whole cents, else to 1/10,000."""
    units = units or 0
    exponent = Decimal("0.01") if units % 100 == 0 else Decimal("0.0001")
    return (Decimal(units) / REVENUE_SCALE).quantize(exponent)


class Customer(models.Model):
    """A customer of an organization, known by the organization's own key."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="customers")
    external_id = models.CharField(max_length=200)
    # The segment of the customer's latest month with data, kept current by every import.
    segment = models.CharField(max_length=200, blank=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "external_id"], name="customer_unique_key")]

    def __str__(self) -> str:
        return self.external_id


class CustomerActivity(models.Model):
    """One customer's revenue in one month: every row of the files for that customer and month, added up."""

    pk = models.CompositePrimaryKey("customer_id", "month")
    # Written only by the import's set-based SQL, which resolves every customer itself: database-level
    # foreign keys and indexes the primary key covers would only slow it (bench/README.md).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="activity", db_constraint=False, db_index=False
    )
    month = models.IntegerField()
    revenue = models.BigIntegerField(help_text=_("In ten-thousandths of the currency unit; negative for refunds."))
    segment = models.CharField(max_length=200, blank=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "month"])]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.month}: {to_amount(self.revenue)}"


class LostReason(models.Model):
    """Why a customer left, as the organization recorded it for a month."""

    pk = models.CompositePrimaryKey("customer_id", "month")
    # Written only by the import's set-based SQL, which resolves every customer itself: database-level
    # foreign keys and indexes the primary key covers would only slow it (bench/README.md).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="lost_reasons", db_constraint=False, db_index=False
    )
    month = models.IntegerField()
    reason = models.CharField(max_length=200)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "month"])]

    def __str__(self) -> str:
        return self.reason


class Dataset(models.Model):
    """An organization's customer data as a whole: its version, which every change raises, and what
    the stored movements were computed from."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="customer_dataset")
    version = models.PositiveIntegerField(default=0)
    computed_version = models.PositiveIntegerField(null=True, blank=True)
    computed_window = models.PositiveSmallIntegerField(null=True, blank=True)
    first_month = models.IntegerField(null=True, blank=True)
    last_month = models.IntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # The earliest month whose data changed since the movements were last computed: the next computation
    # starts there, as every month before it stays as it was. None: start from the first month.
    changed_from = models.IntegerField(null=True, blank=True)
    # Set while a computation split over Celery workers runs, so that a second one waits for it.
    computing_since = models.DateTimeField(null=True, blank=True)
    # The number of the latest computation split over workers: its shards stage their rows under it, and
    # only the computation holding the mark under this number may publish them.
    computation = models.PositiveIntegerField(default=0)
    # The last computation that failed, and why; cleared by the next one that succeeds. Meanwhile the
    # figures of computed_version are still the ones shown.
    failed_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    # When a computation was last queued or started, and why it could not be queued: the minute sweep queues
    # again one that stays behind the data without a sign of life, rather than after the broker's visibility
    # timeout, or one that the task queue refused.
    queued_at = models.DateTimeField(null=True, blank=True)
    waiting_reason = models.CharField(max_length=200, blank=True)

    objects = OrganizationScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.organization} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.computed_version == self.version

    @property
    def has_failed(self) -> bool:
        """The figures are behind the data because their computation failed, not because it is under way."""
        return self.failed_at is not None and not self.is_current


class ImportKind(models.TextChoices):
    ACTIVITY = "activity", "Customer activity"
    REASONS = "reasons", "Lost-customer reasons"


class ImportMode(models.TextChoices):
    REPLACE = "replace", "Replace the months in the file"
    APPEND = "append", "Add to what is there"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Rejected"


class ImportQuerySet(OrganizationScopedQuerySet):
    def succeeded(self):
        return self.filter(status=ImportStatus.SUCCEEDED)


def import_upload_path(instance: "ActivityImport", filename: str) -> str:
    return f"imports/{instance.organization_id}/{instance.sha256}.csv"


class ActivityImport(models.Model):
    """One file brought in, by whom and when, and what became of it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="activity_imports")
    kind = models.CharField(max_length=20, choices=ImportKind.choices, default=ImportKind.ACTIVITY)
    mode = models.CharField(max_length=20, choices=ImportMode.choices, default=ImportMode.REPLACE)
    file = models.FileField(upload_to=import_upload_path)
    file_name = models.CharField(max_length=255)
    file_size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.BigIntegerField(null=True, blank=True, help_text=_("Data rows in the file, when known."))
    rows_done = models.BigIntegerField(default=0, help_text=_("Rows read so far, for the progress bar."))
    months = models.JSONField(default=list, blank=True, help_text=_("The months (YYYY-MM) the file contains."))
    errors = models.JSONField(default=list, blank=True, help_text=_("[{line, column, message}], the first ones."))
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("Runs started, counting those that died."))
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Its last sign of life: queued, or a run's progress. Silent ones are queued again."),
    )
    waiting_reason = models.CharField(
        max_length=200, blank=True, help_text=_("Why it waits, when its queueing failed (the task queue was down).")
    )

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "kind", "sha256"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


class Movement(models.TextChoices):
    NEW = "new", "New"
    REACTIVATED = "reactivated", "Reactivated"
    LOST = "lost", "Lost"
    INCREASED = "increased", "Increased"
    DECREASED = "decreased", "Decreased"
    STABLE = "stable", "Stable"


# The segment of the monthly rows that count every customer; customers without a segment have "".
ALL_SEGMENTS = None


class MonthlyMovement(models.Model):
    """The customer-asset bridge of one month, for every customer (segment None) or one segment.

    Counts are whole customers; values are in REVENUE_SCALE units, each class's value change as
    PRODUCT.md defines it (lost counts negative, the value the customers had the month before).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # NULL is "every customer"; "" is the segment of customers that have none, a segment like any other.
    segment = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    month = models.IntegerField()
    active_count = models.BigIntegerField()
    active_value = models.BigIntegerField()
    new_count = models.BigIntegerField()
    new_value = models.BigIntegerField()
    reactivated_count = models.BigIntegerField()
    reactivated_value = models.BigIntegerField()
    lost_count = models.BigIntegerField()
    lost_value = models.BigIntegerField()
    increased_count = models.BigIntegerField()
    increased_value = models.BigIntegerField()
    decreased_count = models.BigIntegerField()
    decreased_value = models.BigIntegerField()
    stable_count = models.BigIntegerField()

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["segment", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "segment", "month"],
                condition=models.Q(segment__isnull=False),
                name="monthly_movement_unique_per_segment",
            ),
            models.UniqueConstraint(
                fields=["organization", "month"],
                condition=models.Q(segment__isnull=True),
                name="monthly_movement_unique_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment or 'all'} {self.month}"


class CustomerMovement(models.Model):
    """A customer who became active or stopped being active in a month: the rows behind the new,
    reactivated and lost figures. Increased, decreased and stable customers (active in both months) are
    many more and are listed from the activity itself when asked for (selectors.customers_behind)."""

    pk = models.CompositePrimaryKey("customer_id", "month")
    # Every computation rewrites these rows wholesale, from customers that exist by construction: foreign-key
    # checks at commit and indexes the primary key already covers cost most of its time (bench/README.md).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.IntegerField()
    movement = models.CharField(max_length=20, choices=Movement.choices)
    value = models.BigIntegerField(help_text=_("value(c, M)"))
    previous_value = models.BigIntegerField(help_text=_("value(c, M - 1)"))
    # The customer's segment when this row was computed: a computation that starts at a later month
    # compares it with today's to know whether the months before it still hold.
    segment = models.CharField(max_length=200, blank=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "month", "movement"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month} {self.movement}"


class StagedCustomerMovement(models.Model):
    """A CustomerMovement row computed by one shard of a computation split over workers, kept apart until
    the computation's last step publishes every shard's rows at once (or discards them when a part failed),
    so that readers never see the rows of some customers new and the rest, or the bridge, old."""

    pk = models.CompositePrimaryKey("organization_id", "computation", "customer_id", "month")
    # Written and read only by set-based SQL, a whole computation at a time: the primary key is the only index
    # it needs, and foreign-key checks would only slow it, as for CustomerMovement.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    computation = models.PositiveIntegerField()
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.IntegerField()
    movement = models.CharField(max_length=20, choices=Movement.choices)
    value = models.BigIntegerField()
    previous_value = models.BigIntegerField()
    segment = models.CharField(max_length=200, blank=True)

    objects = OrganizationScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month} {self.movement} (computation {self.computation})"


# The data sources' and the charter's models live beside their code; imported here so that they belong to this app.
from .charter.models import Charter, CharterSignature  # noqa: E402, F401
from .owners.models import FigureOwner  # noqa: E402, F401
from .sources.models import ColumnMapping, DataSource, DataSourcePull  # noqa: E402, F401
