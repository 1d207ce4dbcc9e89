"""Writes of the figures' owners: the CCO and admins give a named segment, or one figure of the bridge, to an
executive, or take it back."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Organization

from .. import selectors as metric_selectors
from . import selectors
from .models import FigureOwner


@transaction.atomic
def set_figure_owner(
    *, organization: Organization, owner_id: int | None, segment: str = "", figure: str = "", changed_by=None
) -> FigureOwner | None:
    """Give a named segment's figures, or one figure of the bridge, to the executive of id `owner_id`, or, with
    None, take it back. Exactly one of `segment` and `figure` is named."""
    if bool(segment) == bool(figure):
        raise ValidationError(_("Name a segment or a figure, not both."))
    if figure and figure not in selectors.OWNED_FIGURES:
        raise ValidationError({"figure": _("Choose new, reactivated, lost, increased or decreased.")})
    if segment and segment not in metric_selectors.segments(organization):
        raise ValidationError({"segment": _("The customer data has no segment “%(name)s”.") % {"name": segment}})
    owner = next((user for user in selectors.possible_owners(organization) if user.pk == owner_id), None)
    if owner_id is not None and owner is None:
        raise ValidationError({"owner": _("Only an executive of the organization can own figures.")})
    rows = FigureOwner.objects.for_organization(organization).filter(segment=segment, figure=figure)
    before = rows.select_related("owner").first()
    if owner is None:
        rows.delete()
        row = None
    else:
        row, _created = rows.update_or_create(
            organization=organization, segment=segment, figure=figure, defaults={"owner": owner}
        )
    record_event(
        action=Action.SETTINGS_CHANGED,
        organization=organization,
        actor=changed_by,
        target=f"owner of {'segment ' + segment if segment else 'the figure ' + figure}",
        old=before.owner.email if before else "",
        new=owner.email if owner else "",
    )
    return row
