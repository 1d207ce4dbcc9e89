"""Factories of the roadmap, on the five competencies that migration 0002 loads from the seeds."""

from datetime import timedelta

import factory
from django.utils import timezone

from roadmap.models import Competency, MaturityAssessment, Milestone, OperationalArea, Stage, Status
from tests.factories import OrganizationFactory, UserFactory


def competency(number: int) -> Competency:
    return Competency.objects.get(number=number)


class OperationalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperationalArea

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A planned milestone of competency 1 that lasts four weeks, due four weeks from today, without owner.

    Pass `areas=[…]` and `dependencies=[…]` to set those; `done=True` or `blocked=True` for those states.
    """

    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    class Params:
        done = factory.Trait(status=Status.DONE, percent_complete=100)
        blocked = factory.Trait(status=Status.BLOCKED, blocked_reason="Waiting for the data team.")

    organization = factory.SubFactory(OrganizationFactory)
    competency = factory.LazyFunction(lambda: competency(1))
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(weeks=4))
    start_date = factory.LazyAttribute(lambda o: o.due_date - timedelta(weeks=4) if o.due_date else None)
    status = Status.PLANNED

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.areas.set(extracted)

    @factory.post_generation
    def dependencies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.dependencies.set(extracted)


class MaturityAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaturityAssessment

    organization = factory.SubFactory(OrganizationFactory)
    competency = factory.LazyFunction(lambda: competency(1))
    stage = Stage.EMERGING
    note = "Leaders talk about customers; nobody counts them yet."
    assessed_by = factory.SubFactory(UserFactory)
    assessed_at = factory.LazyFunction(timezone.now)
