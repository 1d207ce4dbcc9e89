"""What the parts of the portal above metrics offer on the customers of a list behind a figure (the drill-down):
the customer-room meetings, for one, tell a lost, reactivated or decreased customer's story at the next meeting.

metrics never imports the customer-room report that sits above it (the import contracts in pyproject.toml), so
the list does not ask the report. Instead an app above registers here, from its AppConfig.ready, a function that
is shown the list (whose organization, who looks, which month and figure) and answers with an offer, or None;
the list's page includes the offer's templates. Wagtail's register_page_listing_buttons hook is the model.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from cco_portal.organizations.models import Organization


@dataclass(frozen=True)
class CustomerList:
    """A list behind a figure as its page shows it."""

    organization: Organization
    roles: frozenset[str]  # the roles of the member who looks
    month: int | None  # the month listed; None for a list of a quarter or a year
    figure: str  # "active", or a class of the bridge: "lost", "reactivated", ...
    path: str  # the list's own address, to come back to after acting on one of its customers


@dataclass(frozen=True)
class CustomerListOffer:
    note_template: str  # above the list: what is offered, or what to do first
    row_template: str | None = None  # in each customer's row, given `line` (metrics.selectors.CustomerLine)
    context: dict = field(default_factory=dict)  # what both templates read, as `offer.context`


Offerer = Callable[[CustomerList], CustomerListOffer | None]

_offerers: list[Offerer] = []


def register(offerer: Offerer) -> Offerer:
    """Ask `offerer` about every list behind a figure from now on (once, however often it is registered)."""
    if offerer not in _offerers:
        _offerers.append(offerer)
    return offerer


def offers_for(customer_list: CustomerList) -> list[CustomerListOffer]:
    """What the registered apps offer on `customer_list`, in the order they registered."""
    return [offer for offerer in _offerers if (offer := offerer(customer_list)) is not None]
