"""Every account that voted or wrote becomes a participant; its votes and contributions point to it."""

from django.db import migrations


def accounts_to_participants(apps, schema_editor):
    Participant = apps.get_model("participation", "Participant")
    Vote = apps.get_model("participation", "Vote")
    Contribution = apps.get_model("participation", "Contribution")
    user_ids = set(Vote.objects.values_list("voter_id", flat=True).distinct())
    user_ids |= set(Contribution.objects.exclude(author=None).values_list("author_id", flat=True).distinct())
    Participant.objects.bulk_create([Participant(kind="account", user_id=pk) for pk in sorted(user_ids)])
    participant_of = dict(Participant.objects.filter(kind="account").values_list("user_id", "pk"))
    for user_id, participant_id in participant_of.items():
        Vote.objects.filter(voter_id=user_id).update(participant_id=participant_id)
        Contribution.objects.filter(author_id=user_id).update(participant_id=participant_id)


class Migration(migrations.Migration):
    dependencies = [("participation", "0009_room_participants")]

    operations = [migrations.RunPython(accounts_to_participants, migrations.RunPython.noop)]
