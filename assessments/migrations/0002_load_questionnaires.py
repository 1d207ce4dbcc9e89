"""Version 1 of both questionnaires, worded as in the seeds (001 for readiness; 000 and 002 for the CEO)."""

from django.db import migrations

READINESS = {
    "title": "Are we ready for a Chief Customer Officer?",
    "introduction": (
        "Before you rush out and hire a CCO, take stock of where the company is culturally and decide if the "
        "time is right to bring someone in to make the big customer push. Answer each question for the company "
        "as it is today, not as it should be."
    ),
    "source": "Jeanne Bliss, The Chief Customer Officer – Connecting the Company for Customers",
    "questions": [
        (
            "Someone clarifies what we accomplish with customers",
            "Is there someone in our company who clarifies what we are to accomplish with customers?",
            "These agreements need to be established in partnership with the functional owners across the "
            "organization. It is important to make sure that the CCO or executive leadership does not do this in a "
            "vacuum and then try to “throw the brick over the wall” to the leaders to rubber-stamp.",
        ),
        (
            "A clear alignment process",
            "Is there a clear process to drive alignment for what will be accomplished?",
            "The best leaders I’ve worked with drive people into discussion by going around the table and asking "
            "each to state his or her commitment or dissent. These leaders make it okay to disagree if someone is "
            "not comfortable with what’s being proposed.",
        ),
        (
            "A road map with measured progress",
            "Do we have a road map for the customer work and know where progress will be measured?",
            "This needs to be a group effort. Bring together a team of people with at least one person from every "
            "operational area. This group needs to get into the ramifications and work involved in getting the "
            "priorities done.",
        ),
        (
            "Agreed metrics for progress",
            "Do clear metrics exist for measuring progress, which everyone agrees to use?",
            "Pick a few key metrics that everyone understands, knows their roles in, and can follow. The large score "
            "cards we have all created have become almost meaningless because they are filled with so much data.",
        ),
        (
            "Clear roles and responsibilities",
            "Is there real clarity of everyone’s roles and responsibilities?",
            "This is about the handoffs between the silos. Make sure that there is a task list that clearly states "
            "which parts of the organization must come together to get the priorities accomplished. Too often these "
            "goals are kept lofty and high, and people aren’t made accountable for their completion.",
        ),
        (
            "People participate and care",
            "Do people really participate and care about the customer work?",
            "You need to get a commitment from each operational area leader on the head count and the amount of "
            "staff time they will contribute. Create a formalized team, where 25 to 50 percent of people's time "
            "from areas throughout the company is dedicated to the customer work.",
        ),
        (
            "Resources that make a difference",
            "Are appropriate resources allocated to make a real difference to customers?",
            "Hand waving without investment won’t get you anywhere. The key here is to have an organized annual "
            "planning approach that dedicates time to the customer objectives and customer investment. The chief "
            "executive needs to be personally involved. To achieve success, specific actions with defined "
            "parameters of what needs to be accomplished must be identified.",
        ),
        (
            "A process for working together",
            "Is there an understandable process for people to work together?",
            "This work is as clear as mud. It starts with a high-level frenzy that in the blink of an eye has people "
            "going back to business as usual. The process for how the work will be defined, reviewed, executed, "
            "and rewarded has got to be laid out clearly.",
        ),
        (
            "The work is attainable",
            "Is the work considered attainable?",
            "Our frenzied enthusiasm gets away from us, and we talk about the end “nirvana” state rather than the "
            "steps to get there. What I learned is not to abandon strategy but to dole it out in bite-size pieces. "
            "You need to know the end game. But then you need to bridge the gap between strategy and execution so "
            "people can work it into budgets, priorities, and planning.",
        ),
        (
            "Achievements are marketed",
            "Does a process exist for marketing achievements to customers and internally?",
            "When you don’t tell people internally what’s going on with the customer, it’s all white noise to them. "
            "No report equals no action. You must make a point of marketing back to both your customers and "
            "internally inside the organization.",
        ),
        (
            "Recognition rewards customer work",
            "Are recognition and reward wired to motivate customer work?",
            "The customer work is not going to seem important until people start to be publicly commended and "
            "rewarded for it. Make every company gathering an opportunity to call out customer achievements and "
            "reward people for them.",
        ),
    ],
}

# Each action with its commitment questions from seed 000; where seed 002 asks a further question under
# the same heading, it is added after them (marked by the trailing comment).
COMMITMENT = {
    "title": "CEO commitment to Chief Customer Officer success",
    "introduction": (
        "Eight actions the CEO takes to make the CCO succeed. Answer each commitment question Yes, Partly or No "
        "for how things are today. The CEO answers for themself; the other leaders give their view."
    ),
    "source": "Jeanne Bliss, 8 CEO Actions to Ensure Chief Customer Officer Success; Is Your CEO Serious About "
    "Driving the Customer Agenda?",
    "actions": [
        (
            "Take personal ownership",
            "The CEO positions the work of the CCO as a priority of their agenda: people understand that they are "
            "delivering directly to the CEO by working with the CCO.",
            [
                ("Articulates what we become", "Does your CEO clearly articulate what he/she wants the company to "
                 "become for customers and constantly reinforce and drive the company in that direction?"),
                ("Transformation, not tactics", "Is there a commitment for organizational transformation, not some "
                 "one-off tactics and silver bullets?"),
            ],
        ),
        (
            "Make the customer leadership executive an officer of the company",
            "The CCO is at a peer level with the leaders of the organization, able to facilitate change to how the "
            "business operates.",
            [
                ("CCO is an officer", "Has the CEO ensured that the role is positioned as an officer of the company "
                 "with the full support and engagement of the CEO, leaders and the organization?"),
                ("A full job, not an extra", "Has the CEO layered this work onto someone’s already over-full plate, or "
                 "is there recognition that this is a critical job for the organization that requires an immense "
                 "time commitment?"),  # seed 002
            ],
        ),
        (
            "Establish acceptance, role clarity, suspend cynicism",
            "The CEO agrees with the other leaders how they will personally engage with the CCO and how their "
            "organizations will participate.",
            [
                ("Leadership aligned on the role", "Is the leadership team in alignment about the role and how they "
                 "interact as a team?"),
                ("Enable, not take over", "Is there clarity across the organization that this role is to enable and "
                 "establish a one-company approach and discipline to customer experience, not to take over their "
                 "work?"),
            ],
        ),
        (
            "Accelerate CCO value right away",
            "Specific, tangible work within the first month; the leadership team guides version 1 of the five "
            "competencies, starting with the metrics of customer loyalty and customer profitability.",
            [
                ("Tactical projects in motion", "Are tactical projects put in motion so that people understand the "
                 "role and its value?"),
                ("Early adopters identified", "Are early-adapters and enthusiast leaders identified to work with first "
                 "to prove role value?"),
            ],
        ),
        (
            "Drive regular accountability",
            "A set of meetings with the specific agenda of advancing the customer experience work, such as a "
            "customer room, driven by the CCO.",
            [
                ("One-company accountability", "Will your CEO unite the leadership team to establish one-company "
                 "accountability to priority customer experiences?"),
                ("Forums are held and enforced", "Are forums for accountability regularly scheduled and enforced as a "
                 "key strategic meeting for the success of the company?"),
                ("Holds people accountable", "Does your CEO actively hold people accountable for customer "
                 "performance?"),  # seed 002
                ("Clarity and measurement discipline", "Is there clarity in what’s expected and does the "
                 "organization practice discipline around identifying what should be measured and managed?"),  # 002
            ],
        ),
        (
            "Provide political air cover",
            "The executive team actively engages, so the CCO never has to beg for the time the work needs; the CEO "
            "course-corrects when the work stalls.",
            [
                ("C-Suite unites", "Does your CEO commit time and resources to ensure that the C-Suite will unite in "
                 "customer experience improvement and culture?"),
                ("Takes part in aligning", "Does your CEO play an active role in understanding and participating in "
                 "the rigor of aligning the company when necessary?"),
                ("Partners with the CCO", "Does your CEO commit time and resources to be a solid partnership with the "
                 "customer leader?"),  # seed 002
            ],
        ),
        (
            "Insist on corporate patience",
            "Realistic expectations: this is at minimum a three- to five-year path, and nobody bails in the first "
            "year.",
            [
                ("Committed to the timeline", "Is your CEO committed to the timeline required and are they willing to "
                 "suspend the usual short-term expectations of immediate results and have the patience for the "
                 "customer work to take hold and yield results?"),
                ("Patience with the board", "Will they sustain the patience inside the corporation and with the board "
                 "to stay the course so that results can be achieved?"),
            ],
        ),
        (
            "Demystify the road map",
            "The CCO frames the scale of the undertaking and a road map for getting the work done over time, so the "
            "organization knows what it agreed to do and how.",
            [
                ("Road map understood", "Are expectations and processes to drive the work identified realistically "
                 "and planned so that people understand the road map, where it is leading and why it is set forth?"),
                ("Road map resourced", "Have the resources been applied so that the road map is grounded in the "
                 "reality of what the company can achieve and fund?"),
            ],
        ),
    ],
}


def load_questionnaires(apps, schema_editor):
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    Section = apps.get_model("assessments", "Section")
    Question = apps.get_model("assessments", "Question")

    readiness = Questionnaire.objects.create(
        kind="readiness", version=1, **{k: READINESS[k] for k in ("title", "introduction", "source")}
    )
    Question.objects.bulk_create(
        Question(questionnaire=readiness, number=number, label=label, text=text, tip=tip)
        for number, (label, text, tip) in enumerate(READINESS["questions"], start=1)
    )

    commitment = Questionnaire.objects.create(
        kind="commitment", version=1, **{k: COMMITMENT[k] for k in ("title", "introduction", "source")}
    )
    number = 0
    for section_number, (title, description, questions) in enumerate(COMMITMENT["actions"], start=1):
        section = Section.objects.create(
            questionnaire=commitment, number=section_number, title=title, description=description
        )
        for label, text in questions:
            number += 1
            Question.objects.create(questionnaire=commitment, section=section, number=number, label=label, text=text)


def unload_questionnaires(apps, schema_editor):
    apps.get_model("assessments", "Questionnaire").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_questionnaires_rounds_answers")]

    operations = [migrations.RunPython(load_questionnaires, unload_questionnaires)]
