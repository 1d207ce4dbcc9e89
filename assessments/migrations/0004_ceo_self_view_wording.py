"""Wording fixes to version 1 of the questionnaires, kept in place so ids and answers stay as they are.

- Commitment question 4 asked two things at once ("Has the CEO layered this work onto someone's plate,
  or is there recognition…?"), so Yes could mean either. It now asks the second half, where Yes is good.
- The CEO reads their own review in the second person: every commitment question and action gets the
  wording of the CEO's self-view beside the leaders' one.
- The readiness questionnaire keeps seed 001's closing advice, shown with the results.
"""

from django.db import migrations

FULL_JOB_BEFORE = (
    "Has the CEO layered this work onto someone’s already over-full plate, or is there recognition that this is a "
    "critical job for the organization that requires an immense time commitment?"
)
FULL_JOB_AFTER = (
    "Has the CEO recognized that this is a critical job for the organization that requires an immense time "
    "commitment, rather than layering it onto someone’s already over-full plate?"
)

# Commitment question number → the question as the CEO reads it.
SELF_TEXTS = {
    1: "Do you clearly articulate what you want the company to become for customers, and constantly reinforce and "
    "drive the company in that direction?",
    2: "Are you committed to organizational transformation, not some one-off tactics and silver bullets?",
    3: "Have you ensured that the role is positioned as an officer of the company, with your full support and "
    "engagement and that of the leaders and the organization?",
    4: "Have you recognized that this is a critical job for the organization that requires an immense time "
    "commitment, rather than layering it onto someone’s already over-full plate?",
    5: "Is your leadership team in alignment about the role and how you interact as a team?",
    6: "Have you made it clear across the organization that this role is to enable and establish a one-company "
    "approach and discipline to customer experience, not to take over their work?",
    7: "Have you put tactical projects in motion so that people understand the role and its value?",
    8: "Have you identified early adopters and enthusiast leaders to work with first to prove the role’s value?",
    9: "Will you unite the leadership team to establish one-company accountability to priority customer "
    "experiences?",
    10: "Do you make sure that forums for accountability are regularly scheduled and enforced as a key strategic "
    "meeting for the success of the company?",
    11: "Do you actively hold people accountable for customer performance?",
    12: "Have you made clear what’s expected, and does the organization practice discipline around identifying what "
    "should be measured and managed?",
    13: "Do you commit time and resources to ensure that the C-Suite will unite in customer experience improvement "
    "and culture?",
    14: "Do you play an active role in understanding and participating in the rigor of aligning the company when "
    "necessary?",
    15: "Do you commit time and resources to be a solid partner to the customer leader?",
    16: "Are you committed to the timeline required, and willing to suspend the usual short-term expectations of "
    "immediate results and have the patience for the customer work to take hold and yield results?",
    17: "Will you sustain the patience inside the corporation and with the board to stay the course so that results "
    "can be achieved?",
    18: "Have you identified the expectations and processes to drive the work realistically, and planned them so "
    "that people understand the road map, where it is leading and why it is set forth?",
    19: "Have you applied the resources so that the road map is grounded in the reality of what the company can "
    "achieve and fund?",
}

# Action number → its description as the CEO reads it.
SELF_DESCRIPTIONS = {
    1: "Position the work of the CCO as a priority of your agenda: people understand that they are delivering "
    "directly to you by working with the CCO.",
    2: "Put the CCO at a peer level with the leaders of the organization, able to facilitate change to how the "
    "business operates.",
    3: "Agree with the other leaders how they will personally engage with the CCO and how their organizations will "
    "participate.",
    4: "Specific, tangible work for the CCO within the first month; your leadership team guides version 1 of the "
    "five competencies, starting with the metrics of customer loyalty and customer profitability.",
    5: "Set up meetings with the specific agenda of advancing the customer experience work, such as a customer room, "
    "driven by the CCO.",
    6: "Make your executive team actively engage, so the CCO never has to beg for the time the work needs; "
    "course-correct when the work stalls.",
    7: "Set realistic expectations: this is at minimum a three- to five-year path, and nobody bails in the first "
    "year.",
    8: "Let the CCO frame the scale of the undertaking and a road map for getting the work done over time, so the "
    "organization knows what it agreed to do and how.",
}

READINESS_AFTERWORD = (
    "Is anyone taking these actions? Is anyone even thinking about them? Does anyone have the time to? Don’t just "
    "ask these questions, stew over them. Debate them with the top leadership and the board. Whatever you decide, "
    "driving customer profitability isn’t going to be a walk in the park.\n"
    "If you decide to proceed with a chief customer officer, make sure that you have consensus to go ahead with "
    "the role: the people whose sandbox the CCO will be in had better agree up front to the work and to the "
    "discomfort that will come with it. Think hard about your appetite and aptitude for the work, and know that "
    "this is at minimum a five-year journey. Pace yourself."
)


def reword(apps, schema_editor):
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    commitment = Questionnaire.objects.filter(kind="commitment", version=1).first()
    if commitment is not None:
        commitment.questions.filter(number=4, text=FULL_JOB_BEFORE).update(text=FULL_JOB_AFTER)
        for number, text in SELF_TEXTS.items():
            commitment.questions.filter(number=number).update(self_text=text)
        for number, text in SELF_DESCRIPTIONS.items():
            commitment.sections.filter(number=number).update(self_description=text)
    Questionnaire.objects.filter(kind="readiness", version=1).update(afterword=READINESS_AFTERWORD)


def unreword(apps, schema_editor):
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    commitment = Questionnaire.objects.filter(kind="commitment", version=1).first()
    if commitment is not None:
        commitment.questions.filter(number=4, text=FULL_JOB_AFTER).update(text=FULL_JOB_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_second_person_wording_and_afterword")]

    operations = [migrations.RunPython(reword, unreword)]
