import io
import subprocess
import sys

import pytest
from django.core.management import call_command, get_commands, load_command_class

from goodwill.accounts.models import Membership, User, Workspace
from goodwill.core.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG
from goodwill.people.models import CircleMember, Contact, Fact, Note
from goodwill.touchpoints.models import Interaction

OUR_COMMANDS = [
    "import",
    "serve", "worker", "demo", "createuser", "token", "seed", "bench", "smtpd", "export",
    "restore", "backup", "twofactor",
]  # fmt: skip


def test_the_goodwill_command_reaches_every_management_command():
    result = subprocess.run(
        [sys.executable, "-m", "goodwill", "help"], capture_output=True, text=True, check=True
    )
    for name in [*OUR_COMMANDS, "migrate", "check"]:
        assert name in result.stdout


@pytest.mark.parametrize("name", OUR_COMMANDS)
def test_each_goodwill_command_has_help_with_an_example(name):
    command = load_command_class(get_commands()[name], name)
    assert "Example: goodwill " + name in command.help


@pytest.mark.django_db
def test_demo_builds_the_workspace_and_is_idempotent():
    call_command("demo", stdout=io.StringIO())
    models = (User, Workspace, Membership, Contact, Fact, CircleMember, Note, Interaction)
    counts = [model.objects.count() for model in models]
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert [model.objects.count() for model in models] == counts
    assert f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}" in out.getvalue()
    owner = User.objects.get(email=DEMO_EMAIL)
    assert owner.check_password(DEMO_PASSWORD)
    membership = Membership.objects.get(user=owner)
    assert membership.workspace.slug == DEMO_SLUG
    assert membership.is_owner


@pytest.mark.django_db
def test_demo_if_new_leaves_an_existing_installation_alone():
    User.objects.create_user("someone@example.com", "a long enough password")
    call_command("demo", "--if-new", stdout=io.StringIO())
    assert not Workspace.objects.filter(slug=DEMO_SLUG).exists()


@pytest.mark.django_db
def test_the_demo_owner_can_sign_in_and_reach_the_dashboard(client):
    call_command("demo", stdout=io.StringIO())
    response = client.post(
        "/accounts/login/", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert b"Lindqvist Design Studio" in response.content


@pytest.mark.django_db
def test_the_demo_shows_believable_people():
    from goodwill.people import search

    workspace = build_demo_workspace()
    dan = Contact.objects.get(workspace=workspace, first_name="Dan", last_name="Ortiz")
    leo = CircleMember.objects.get(contact=dan, name="Leo")
    assert "baseball cards" in leo.interests
    assert dan.facts.filter(private=True).exists()
    assert Contact.objects.filter(workspace=workspace).values("kind").distinct().count() >= 4
    hits, _ = search.search(workspace, "baseb")
    assert [hit.contact_id for hit in hits] == [dan.pk]
    # People from the owner's phone: two new, and Jonas (already here) given his mobile.
    from goodwill.people.models import ContactImport, Phone

    imported = ContactImport.objects.get(workspace=workspace)
    assert (imported.status, imported.created, imported.merged) == ("done", 2, 1)
    assert Phone.objects.filter(contact__first_name="Jonas", number="+46705550199").exists()


def build_demo_workspace() -> Workspace:
    call_command("demo", stdout=io.StringIO())
    return Workspace.objects.get(slug=DEMO_SLUG)


@pytest.mark.django_db
def test_the_demo_has_close_friends_neglected_clients_and_thanks_owed():
    from goodwill.touchpoints import appreciation, services

    workspace = build_demo_workspace()
    ranking = [row.contact.first_name for row in services.best_relationships(workspace)]
    assert ranking[0] == "Dan"
    assert "Sofia" in ranking[:3]
    overdue = {c.first_name for c in services.overdue(workspace)}
    assert "Tom" in overdue
    assert len(overdue) >= 2
    assert "Dan" not in overdue
    owed = {(due.contact.first_name, due.reason) for due in appreciation.open_dues(workspace)}
    assert ("Priya", "purchase") in owed
    assert ("Tom", "lost_deal") in owed
    assert ("Dan", "delivery") not in owed


@pytest.mark.django_db
def test_the_demo_agenda_has_leo_and_a_reminder_today():
    from goodwill.agenda.agenda import agenda

    workspace = build_demo_workspace()
    titles = [item.title for item in agenda(workspace, days=14).items]
    assert "Send Priya the print proofs" in titles
    assert any(title.startswith("Leo, Dan Ortiz's child") for title in titles)
    build_demo_workspace()
    assert [item.title for item in agenda(workspace, days=14).items] == titles


@pytest.mark.django_db
def test_the_demo_has_sent_and_received_messages_on_timelines():
    from goodwill.touchpoints.models import Participation

    workspace = build_demo_workspace()
    build_demo_workspace()
    notes = {
        (p.contact.first_name, p.interaction.note.splitlines()[0])
        for p in Participation.objects.filter(workspace=workspace).select_related(
            "contact", "interaction"
        )
    }
    assert ("Jonas", "Thank you, Jonas") in notes
    assert ("Priya", "Proofs for the catalogue") in notes
    assert sum(1 for who, note in notes if note == "Proofs for the catalogue") == 1
