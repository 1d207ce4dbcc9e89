"""The customer room's place in the lists behind the figures (metrics' drill-down): there the CCO and admins tell a
lost, reactivated or decreased customer's story at the organization's next open meeting, one button a customer.

metrics stands below the reports and does not know the customer room: ReportsConfig.ready registers story_offer
with metrics.customer_list_offers, the list includes the templates it names, and their button posts here, to
StoryFromListView, which calls the same service as the meeting page and the API (record.pick_story)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from cco_portal.organizations.roles import MANAGERS, roles_allow
from metrics.customer_list_offers import CustomerList, CustomerListOffer
from metrics.months import month_label

from ..views_manage import ManageMixin
from . import record, selectors
from .forms import StoryFromListForm
from .models import StoryMovement

NOTE_TEMPLATE = "reports/meetings/_drilldown_note.html"
ROW_TEMPLATE = "reports/meetings/_drilldown_story.html"


def story_offer(customer_list: CustomerList) -> CustomerListOffer | None:
    """For the CCO and admins, on a list of lost, reactivated or decreased customers: a button a customer that
    tells their story at the next open meeting, when the list is of the month that meeting discusses; otherwise a
    line saying where to pick its stories, or that a meeting must be scheduled first."""
    if customer_list.figure not in StoryMovement.values or not roles_allow(customer_list.roles, MANAGERS):
        return None
    slug = customer_list.organization.slug
    meeting = selectors.next_open_meeting(customer_list.organization)
    if meeting is None:
        return CustomerListOffer(NOTE_TEMPLATE, context={"meetings_url": reverse("reports:meetings", args=[slug])})
    context = {"meeting": meeting, "meeting_url": reverse("reports:meeting", args=[slug, meeting.pk])}
    if customer_list.month != meeting.report_month:
        list_url = selectors.story_movement_url(meeting, customer_list.figure)
        return CustomerListOffer(NOTE_TEMPLATE, context={**context, "month_list_url": list_url})
    picked = {story.customer for story in selectors.stories(meeting)}
    return CustomerListOffer(
        NOTE_TEMPLATE,
        ROW_TEMPLATE,
        context={
            **context,
            "picked": picked,
            "is_full": len(picked) >= record.MAX_STORIES,
            "max_stories": record.MAX_STORIES,
            "pick_url": reverse("reports:meeting_story_from_list", args=[slug]),
            "month": month_label(meeting.report_month),
            "figure": customer_list.figure,
            "back": customer_list.path,
        },
    )


class StoryFromListView(ManageMixin, View):
    """Tell a customer of a list behind the lost, reactivated or decreased figure as a story at the organization's
    next open meeting; back to the list, with what was done or why not."""

    section = "meetings"
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def back(self, form: StoryFromListForm) -> str:
        wanted = form.data.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={self.request.get_host()}):
            return wanted
        return reverse("metrics:customers", args=[self.organization.slug])

    def post(self, request, *args, **kwargs):
        form = StoryFromListForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("This customer could not be told as a story: the list's address was not whole."))
            return redirect(self.back(form))
        meeting = selectors.next_open_meeting(self.organization)
        if meeting is None:
            messages.error(request, _("No customer-room meeting is open: schedule the next meeting first."))
            return redirect(self.back(form))
        try:
            story = record.pick_story(
                meeting=meeting,
                picked_by=request.user,
                customer=form.cleaned_data["customer"],
                month=form.cleaned_data["month"],
                figure=form.cleaned_data["figure"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.back(form))
        messages.success(
            request,
            _("%(customer)s's story will be told at the customer room of %(day)s; write your note on the meeting page.")
            % {"customer": story.customer, "day": date_format(meeting.local_starts_at, "j F Y")},
        )
        return redirect(self.back(form))
