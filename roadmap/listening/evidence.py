"""What the listening path shows of competency 3's maturity (build a customer listening path), stage by stage:
sources listed with their owners, then every stage of the journey heard, then none of them gone silent, behavioural
data among them."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cco_portal.organizations.gathered_evidence import Evidence, competency_topic

from . import selectors as listening
from .models import SourceKind


def evidence_for(organization, topic: str) -> list[Evidence]:
    if topic != competency_topic(3):
        return []
    url = reverse("roadmap:listening", kwargs={"org_slug": organization.slug})
    path = listening.listening_path(organization)
    own = [heard for heard in path.heard if heard.source is not None]
    unowned = [heard.name for heard in own if heard.owner is None]
    unheard = [gap.stage.name for gap in path.unheard_stages]
    silent = [gap.heard.name for gap in path.silent_sources]
    behavioural = [heard.name for heard in path.heard if heard.kind == SourceKind.BEHAVIOURAL]
    return [
        Evidence(
            title=_("The listening sources are listed, each with an owner"),
            lines=[
                ngettext("%(count)s source.", "%(count)s sources.", len(path.heard)) % {"count": len(path.heard)},
                *([_("Without an owner: %(names)s.") % {"names": ", ".join(unowned)}] if unowned else []),
            ]
            if path.heard
            else [],
            url=url,
            met=bool(path.heard) and not unowned,
            stage=2,
        ),
        Evidence(
            title=_("Every stage of the journey has a source"),
            lines=[_("Nobody listens at: %(stages)s.") % {"stages": ", ".join(unheard)}]
            if unheard
            else [_("%(count)s stages, each heard.") % {"count": len(path.stages)}]
            if path.stages
            else [_("The journey map has no stages yet.")],
            url=url,
            met=bool(path.stages) and not unheard,
            stage=3,
        ),
        Evidence(
            title=_("No source is silent past its cadence"),
            lines=[_("Silent: %(names)s.") % {"names": ", ".join(silent)}] if silent else [],
            url=url,
            met=bool(path.heard) and not silent,
            stage=4,
        ),
        Evidence(
            title=_("Behavioural data tells what customers do, not only what they say"),
            lines=[", ".join(behavioural)] if behavioural else [],
            url=url,
            met=bool(behavioural),
            stage=4,
        ),
    ]
