from .querysets import OrganizationScopedQuerySet


class CrossOrganizationAdminMixin:
    """For every ModelAdmin and inline of an organization-scoped model.

    Django's admin is the operators' view over every organization, guarded by staff permissions rather than
    membership, so its querysets span organizations on purpose: the list, the change form and the choices of
    its foreign keys are read `.unscoped()`.
    """

    def get_queryset(self, request):
        return _unscoped(super().get_queryset(request))

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return _unscoped(queryset)


def _unscoped(queryset):
    return queryset.unscoped() if isinstance(queryset, OrganizationScopedQuerySet) else queryset
