"""What every page of one round shares: loading it within the organization, and who may answer it."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property

from cco_portal.organizations.scoping import OrganizationMixin

from .. import selectors, services
from ..models import Round


class RoundMixin(OrganizationMixin):
    """A page of one round of the URL's organization; another organization's round is a 404."""

    @cached_property
    def round_(self) -> Round:
        rounds = Round.objects.for_organization(self.organization).select_related(
            "organization", "questionnaire", "ceo"
        )
        return get_object_or_404(rounds, pk=self.kwargs["round_id"])

    @cached_property
    def is_invited(self) -> bool:
        return services.is_invited(self.round_, self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("round", self.round_)
        return super().get_context_data(**kwargs)

    def round_url(self, name: str, **query) -> str:
        url = reverse(f"assessments:{name}", kwargs={"org_slug": self.organization.slug, "round_id": self.round_.pk})
        return f"{url}?{urlencode(query)}" if query else url

    def can_read_results(self) -> bool:
        return selectors.can_read_results(self.round_, self.request.user, self.roles)

    def unavailable(self, heading: str, reason: str, *, action: tuple[str, str] | None = None, status: int = 403):
        """A page that says why this page of the round is not open to the person, and where to go instead."""
        context = {
            "organization": self.organization,
            "round": self.round_,
            "heading": heading,
            "reason": reason,
            "action": action,
        }
        return TemplateResponse(self.request, "assessments/unavailable.html", context, status=status)

    def refusal_to_answer(self):
        """The page for people who may not answer (yet); None for an invitee of a round that has opened."""
        if not self.is_invited:
            action = (self.round_url("results"), "See the results") if self.can_read_results() else None
            return self.unavailable(
                "You are not invited to answer this round",
                f"Only the people invited to “{self.round_.title}” answer it. "
                "If you should take part, ask your Chief Customer Officer to invite you.",
                action=action,
            )
        if not self.round_.has_opened:
            return self.unavailable(
                "This round has not opened yet",
                f"“{self.round_.title}” opens on {self.round_.opens_on:%-d %B %Y}. Your link works from that day.",
                status=200,
            )
        return None
