from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    """Copy each stored rapport score onto its contact, in one UPDATE."""
    Contact = apps.get_model("people", "Contact")
    RapportScore = apps.get_model("touchpoints", "RapportScore")
    score = RapportScore.objects.filter(contact_id=OuterRef("pk")).values("score")[:1]
    Contact.objects.filter(rapport_score__isnull=False).update(rapport=Coalesce(Subquery(score), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_contact_rapport"),
        ("touchpoints", "0003_due"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
