"""Sample rounds for the demo organization: two closed readiness rounds, two CEO reviews, and one open round."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from cco_portal.organizations.roles import Role

from . import services
from .models import Answer, Invitee, Kind, Response, Round

# Per respondent, the readiness questions answered NO in each round; the rest are YES. The later round
# shows progress, with some questions still split so the next steps have something to say.
EARLIER_NOS = {Role.ADMIN: {3, 4, 6, 7, 10, 11}, Role.CCO: {2, 3, 4, 7, 9, 10, 11}, Role.EXECUTIVE: {3, 4, 5, 7, 11}}
LATER_NOS = {Role.ADMIN: {7, 11}, Role.CCO: {4, 7, 10}, Role.EXECUTIVE: {7, 11}}
COMMENTS = {
    (Role.CCO, 4): "We still argue about which retention figure is the real one.",
    (Role.EXECUTIVE, 7): "Customer projects get cut first when the quarter is tight.",
    (Role.ADMIN, 11): "Sales bonuses ignore customer outcomes entirely.",
}
# The CEO's self-view is kinder than the leaders' view, as it often is.
CEO_CHOICES = ["yes", "yes", "partly", "yes", "partly", "yes", "yes", "partly"]
EARLIER_LEADER_CHOICES = ["no", "partly", "no", "no", "no", "partly", "no", "no"]
LEADER_CHOICES = ["partly", "yes", "no", "partly", "no", "partly", "partly", "no"]


def seed_demo(*, organization, people) -> None:
    if Round.objects.for_organization(organization).exists():
        return
    respondents = [people[Role.ADMIN], people[Role.CCO], people[Role.EXECUTIVE]]
    for title, days_ago, nos in [
        ("Readiness, first look", 200, EARLIER_NOS),
        ("Readiness, six months on", 20, LATER_NOS),
    ]:
        round_ = _round(organization, people, Kind.READINESS, title, respondents)
        for role in (Role.ADMIN, Role.CCO, Role.EXECUTIVE):
            for question in round_.questionnaire.questions.all():
                services.record_answer(
                    round_=round_,
                    user=people[role],
                    question=question,
                    choice="no" if question.number in nos[role] else "yes",
                    comment=COMMENTS.get((role, question.number), "") if nos is LATER_NOS else "",
                )
            services.submit_response(round_=round_, user=people[role])
        _close(round_, days_ago)

    for days_ago, leader_choices in [(210, EARLIER_LEADER_CHOICES), (30, LEADER_CHOICES)]:
        # Named after the month it closes in, so the title never contradicts the dates beside it.
        closes_on = timezone.localdate() - timedelta(days=days_ago)
        title = f"CEO commitment review, {closes_on:%B %Y}"
        review = _round(organization, people, Kind.COMMITMENT, title, respondents, ceo=people[Role.ADMIN])
        for user, choices in [
            (people[Role.ADMIN], CEO_CHOICES),
            (people[Role.CCO], leader_choices),
            (people[Role.EXECUTIVE], leader_choices),
        ]:
            for question in review.questionnaire.questions.all():
                services.record_answer(
                    round_=review, user=user, question=question, choice=choices[question.section.number - 1]
                )
            services.submit_response(round_=review, user=user)
        _close(review, days_ago)

    open_round = _round(
        organization, people, Kind.READINESS, "Readiness, year one", [people[Role.EXECUTIVE], people[Role.CCO]]
    )
    # The demo's people are told about rounds by this text, not by a pile of console emails.
    Invitee.objects.filter(round=open_round).update(notified_at=timezone.now())


def _round(organization, people, kind, title, invitees, ceo=None) -> Round:
    today = timezone.localdate()
    return services.open_round(
        organization=organization,
        kind=kind,
        title=title,
        opens_on=today,
        closes_on=today + timedelta(days=14),
        invitees=invitees,
        ceo=ceo,
        created_by=people[Role.CCO],
    )


def _close(round_: Round, days_ago: int) -> None:
    """Move a finished round into the past, as if it had run then: its dates, and every moment of its history
    (opened, emailed, started, answered, submitted) within them."""
    closes_on = timezone.localdate() - timedelta(days=days_ago)
    opens_on = closes_on - timedelta(days=14)
    opened = _moment(opens_on, hour=9)
    Round.objects.filter(pk=round_.pk).update(opens_on=opens_on, closes_on=closes_on, created_at=opened)
    round_.invitees.update(notified_at=opened + timedelta(minutes=5))
    for day, response in enumerate(Response.objects.filter(round=round_).order_by("pk"), start=2):
        # Each respondent on a day of their own, all before the closing day.
        started = _moment(opens_on + timedelta(days=day), hour=10)
        submitted = started + timedelta(minutes=25)
        Response.objects.filter(pk=response.pk).update(started_at=started, submitted_at=submitted)
        Answer.objects.filter(response=response).update(updated_at=started + timedelta(minutes=15))


def _moment(day, *, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))
