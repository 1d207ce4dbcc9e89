"""The five Customer Leadership Competencies of seed 003 (Jeanne Bliss, Chief Customer Officer 2.0)."""

from django.db import migrations

COMPETENCIES = [
    (
        "Honor and manage customers as assets",
        "Customers as assets",
        "Align leaders on one defining performance metric: the growth or loss of the customer base. How many "
        "customers joined, left, bought more or bought less, by volume and value, in whole numbers rather than "
        "rates, and why they stayed or left. The data is refreshed on a recurring feed, and leaders own it.",
    ),
    (
        "Align around experience",
        "Align around experience",
        "Unite leaders on the customer journey as customers live it, across the silos, and agree on the few "
        "experiences that matter most, so every operational area works on the same priorities instead of its "
        "own tactics.",
    ),
    (
        "Build a customer listening path",
        "Listening path",
        "Bring survey, operational and behavioral information together along the journey, so leaders know what "
        "customers do and say at the moments that matter, and why, and act on it rather than chase scores.",
    ),
    (
        "Proactive experience reliability and innovation",
        "Reliability and innovation",
        "Embed two competencies in the operation: reliability, resolving the issues that make the experience "
        "irregular, and improvement and innovation, differentiated experiences at the key touchpoints or "
        "moments of truth, built as repeatable processes with the operational leaders.",
    ),
    (
        "One-company leadership, accountability and culture",
        "One-company leadership",
        "A monthly customer room steps leaders into the customers' shoes and unites the company on a few "
        "critical actions; accountability, recognition and reward make customer work the real work of the "
        "organization.",
    ),
]


def load(apps, schema_editor):
    Competency = apps.get_model("roadmap", "Competency")
    Competency.objects.bulk_create(
        Competency(number=number, title=title, short_title=short_title, description=description)
        for number, (title, short_title, description) in enumerate(COMPETENCIES, start=1)
    )


def unload(apps, schema_editor):
    apps.get_model("roadmap", "Competency").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0001_competencies_milestones")]

    operations = [migrations.RunPython(load, unload)]
