"""Reading the audit log back in tests."""

from cco_portal.audit.models import AuditEvent


def events(action=None, **filters) -> list[AuditEvent]:
    """The recorded events, oldest first, of `action` when given."""
    found = AuditEvent.objects.filter(**filters).order_by("created_at", "pk")
    if action is not None:
        found = found.filter(action=action)
    return list(found)


def only_event(action, **filters) -> AuditEvent:
    """The one event of `action`; fails when there are none or several."""
    found = events(action, **filters)
    assert len(found) == 1, [(event.action, event.target) for event in events()]
    return found[0]
