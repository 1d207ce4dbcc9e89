"""The starter roadmap: a first draft of milestones per competency, written from the seeds, for the CCO to edit."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StarterMilestone:
    competency: int
    title: str
    description: str
    starts_after_weeks: int
    lasts_weeks: int
    depends_on: tuple[str, ...] = ()


STARTER_MILESTONES = [
    # 1 · Honor and manage customers as assets
    StarterMilestone(
        1,
        "Agree the customer-asset metrics with the leadership team",
        "Leaders agree how the company counts customers gained, lost, buying more and buying less, by volume and "
        "value, in whole numbers. The CCO facilitates; the leaders own the definitions.",
        0,
        6,
    ),
    StarterMilestone(
        1,
        "Establish a recurring customer data feed",
        "A monthly file or API feed of customer activity, so the figures refresh without manual work.",
        4,
        8,
        ("Agree the customer-asset metrics with the leadership team",),
    ),
    StarterMilestone(
        1,
        "Capture why customers leave",
        "Record a reason for every lost customer the business can reach, and report lost customers by reason.",
        8,
        8,
        ("Establish a recurring customer data feed",),
    ),
    # 2 · Align around experience
    StarterMilestone(
        2,
        "Map the customer journey across the silos",
        "A cross-functional team, with at least one person from every operational area, maps the journey as "
        "customers live it.",
        2,
        8,
    ),
    StarterMilestone(
        2,
        "Agree the few priority experiences",
        "Leaders choose the handful of experiences that matter most and commit their areas to them, going around "
        "the table for commitment or dissent.",
        10,
        4,
        ("Map the customer journey across the silos",),
    ),
    StarterMilestone(
        2,
        "Publish roles and handoffs for the priorities",
        "A task list that says which parts of the organization must come together for each priority.",
        14,
        4,
        ("Agree the few priority experiences",),
    ),
    # 3 · Build a customer listening path
    StarterMilestone(
        3,
        "Inventory the listening sources",
        "List every survey, complaint channel, operational report and behavioral signal, who owns it and what "
        "it is used for.",
        2,
        4,
    ),
    StarterMilestone(
        3,
        "Connect listening to the journey stages",
        "Organize what customers say and do by journey stage, so each priority experience has its evidence.",
        8,
        8,
        ("Inventory the listening sources", "Map the customer journey across the silos"),
    ),
    # 4 · Proactive experience reliability and innovation
    StarterMilestone(
        4,
        "Find the top reliability breakdowns",
        "Identify the issues that make the experience irregular and cost customers, with their operational owners.",
        6,
        6,
        ("Inventory the listening sources",),
    ),
    StarterMilestone(
        4,
        "Launch the first reliability fix with an operational owner",
        "One breakdown resolved end to end as a repeatable process, to prove the approach.",
        12,
        8,
        ("Find the top reliability breakdowns",),
    ),
    StarterMilestone(
        4,
        "Choose one moment of truth to innovate",
        "A differentiated experience at a key touchpoint, designed with the operational leaders who will run it.",
        16,
        10,
        ("Agree the few priority experiences",),
    ),
    # 5 · One-company leadership, accountability and culture
    StarterMilestone(
        5,
        "Hold the first monthly customer room",
        "Leaders meet on the customer-asset figures and agree a few actions, each with an owner and a due date.",
        4,
        4,
        ("Agree the customer-asset metrics with the leadership team",),
    ),
    StarterMilestone(
        5,
        "Wire recognition to customer work",
        "Call out customer achievements at every company gathering and connect reward to customer outcomes.",
        12,
        12,
    ),
    StarterMilestone(
        5,
        "Report achievements to customers and internally",
        "A regular story of what changed for customers, told inside the company and back to customers.",
        16,
        8,
        ("Hold the first monthly customer room",),
    ),
]
