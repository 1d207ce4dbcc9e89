"""The queryset of every model that belongs to an organization, and the guard that makes scoping structural.

Inside a web request (`OrganizationScopingMiddleware`) and a Celery task (the task_prerun and task_postrun
signals connected in `cco_portal/celery.py`), evaluating an organization-scoped queryset that names no
organization raises `UnscopedQueryError` instead of reading every organization's rows. What names one:

- `for_organization(org)`, or a filter on the organization itself (`organization=`, `organization_id=`,
  `organization__slug=`, and the `__in` forms, which name the organizations wanted);
- a related manager or a prefetch that hangs from an organization or from a row of one
  (`organization.customers.all()`, `milestone.areas.all()`): Django hints such querysets with that row;
- `unscoped()`: the explicit, greppable escape hatch for work that spans organizations on purpose (a beat
  sweep over all of them, a task loading the row whose id it was given, the admin); say why beside it.

`exclude(organization=...)` names no organization, and a union is scoped only when all its parts are.
Outside a request or a task (management commands, migrations, the shell, plain test code) nothing changes.
Django's base manager, which related-object access and cascading deletes use, is a plain `Manager`, so
Django's own internals are not guarded.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import Organization

_scoping_required: ContextVar[bool] = ContextVar("organization_scoping_required", default=False)

# Filters that name the organization (or organizations) whose rows are wanted.
ORGANIZATION_LOOKUPS = frozenset(
    {
        "organization",
        "organization_id",
        "organization__pk",
        # Unique: it names one organization (how a view resolves the one in its URL).
        "organization__slug",
        "organization__exact",
        "organization_id__exact",
        "organization__in",
        "organization_id__in",
        "organization__pk__in",
    }
)


class UnscopedQueryError(RuntimeError):
    """An organization-scoped model was queried, where scoping is required, without an organization."""


def is_scoping_required() -> bool:
    return _scoping_required.get()


def require_scoping(required: bool = True) -> Token:
    """Start (or stop) requiring scoped querysets; give the token to `restore_scoping` to undo it."""
    return _scoping_required.set(required)


def restore_scoping(token: Token) -> None:
    _scoping_required.reset(token)


@contextmanager
def organization_scoping_required(required: bool = True) -> Iterator[None]:
    """Require (or, with `required=False`, stop requiring) scoped querysets for the duration of the block."""
    token = require_scoping(required)
    try:
        yield
    finally:
        restore_scoping(token)


class OrganizationScopedQuerySet(models.QuerySet):
    """Base queryset of every model that belongs to an organization."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._organization_scoped = False

    # Narrowing.

    def for_organization(self, organization: "Organization | int"):
        """The rows of `organization`, given as the organization or its id."""
        return self.filter(organization=organization)

    def unscoped(self):
        """This queryset, deliberately spanning organizations; say why where it is called."""
        clone = self._chain()
        clone._organization_scoped = True
        return clone

    def filter(self, *args, **kwargs):
        clone = super().filter(*args, **kwargs)
        if any(key in ORGANIZATION_LOOKUPS and value is not None for key, value in kwargs.items()):
            clone._organization_scoped = True
        return clone

    def none(self):
        # Reads nothing, so it leaks nothing.
        clone = super().none()
        clone._organization_scoped = True
        return clone

    # The flag travels with every copy and combination.

    def _clone(self):
        clone = super()._clone()
        clone._organization_scoped = self._organization_scoped
        return clone

    def __and__(self, other):
        combined = super().__and__(other)
        if isinstance(combined, OrganizationScopedQuerySet):
            combined._organization_scoped = self._is_scoped(self) or self._is_scoped(other)
        return combined

    def __or__(self, other):
        combined = super().__or__(other)
        if isinstance(combined, OrganizationScopedQuerySet):
            combined._organization_scoped = self._is_scoped(self) and self._is_scoped(other)
        return combined

    def __xor__(self, other):
        combined = super().__xor__(other)
        if isinstance(combined, OrganizationScopedQuerySet):
            combined._organization_scoped = self._is_scoped(self) and self._is_scoped(other)
        return combined

    def _combinator_query(self, combinator, *other_qs, **options):
        combined = super()._combinator_query(combinator, *other_qs, **options)
        others_scoped = [self._is_scoped(other) for other in other_qs]
        if combinator == "union":
            combined._organization_scoped = self._organization_scoped and all(others_scoped)
        elif combinator == "intersection":
            combined._organization_scoped = self._organization_scoped or any(others_scoped)
        else:  # difference: at most the rows of the first
            combined._organization_scoped = self._organization_scoped
        return combined

    @staticmethod
    def _is_scoped(queryset) -> bool:
        # A plain queryset (the base manager's) is not guarded; it cannot be told apart from a scoped one.
        return getattr(queryset, "_organization_scoped", True)

    # The guard: every way a queryset reaches the database goes through one of these.

    def _hangs_from_organization_row(self) -> bool:
        """A related manager's or a prefetch's queryset, hinted with the row it hangs from (`organization.customers`,
        `milestone.areas`, a prefetch from a list of them): an organization, or a row of one, scopes it."""
        instance = self._hints.get("instance")
        if not isinstance(instance, models.Model):
            return False
        organization_model = self.model._meta.get_field("organization").related_model
        return isinstance(instance, organization_model) or getattr(instance, "organization_id", None) is not None

    def _check_scoped(self) -> None:
        if not self._organization_scoped and _scoping_required.get() and not self._hangs_from_organization_row():
            raise UnscopedQueryError(
                f"{self.model.__name__} queried without an organization; call .for_organization(org), "
                "or .unscoped() where the work spans organizations"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def _iterator(self, use_chunked_fetch, chunk_size):
        self._check_scoped()
        yield from super()._iterator(use_chunked_fetch, chunk_size)

    def aiterator(self, chunk_size=2000):
        # The async iterator reads through the iterable class directly, not through _iterator.
        self._check_scoped()
        return super().aiterator(chunk_size)

    def count(self):
        if self._result_cache is None:
            self._check_scoped()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scoped()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scoped()
        return super().update(**kwargs)

    update.alters_data = True

    def _update(self, values):
        self._check_scoped()
        return super()._update(values)

    _update.alters_data = True
    _update.queryset_only = False

    def delete(self):
        self._check_scoped()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        self._check_scoped()
        return super()._raw_delete(using)

    _raw_delete.alters_data = True

    def explain(self, *, format=None, **options):
        self._check_scoped()
        return super().explain(format=format, **options)
