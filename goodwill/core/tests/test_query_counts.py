"""No N+1: every list page and list endpoint costs the same queries for 2 rows as for 14.

Lists already measured elsewhere are left out here: the people and organisations pages and the
contacts endpoint (people), the relationships page and the overdue endpoint (touchpoints), the
clients, engagements, prospects and fit pages (clients), the events pages and endpoint (events),
the breaches, health and insight pages (agreements, care) and a contact's timeline page.
"""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodwill.accounts import services as accounts
from goodwill.agenda import services as agenda
from goodwill.agreements import breaches
from goodwill.agreements import services as agreements
from goodwill.care import services as care
from goodwill.clients import services as clients
from goodwill.clients.economics import spend_refresh
from goodwill.core.testing import GoodwillTestCase
from goodwill.events import services as events
from goodwill.messaging import services as messaging
from goodwill.people import services as people
from goodwill.people.imports import import_prepare
from goodwill.people.models import Contact
from goodwill.people.services import Labelled
from goodwill.touchpoints import appreciation
from goodwill.touchpoints import services as touchpoints

MARKER = re.compile(r"row\d+", re.IGNORECASE)
# Their scan for namesakes reads families a batch at a time until a page of pairs is found, so a
# fuller workspace can cost a query less, never more.
FEWER_OR_SAME = {"/people/duplicates/", "contacts/duplicates"}


class QueryCountTests(GoodwillTestCase):
    """Each row is a client with its own organisation, tags, e-mail and a twin (a likely
    duplicate), and all that hangs off a client in the lists: a touch, a thank-you owed, a
    reminder, a case, an engagement, a purchase, a message, an agreement broken once. The hub
    is one client whose own lists (facts, notes, agreements, invoices, ...) grow a row each time.
    """

    def setUp(self) -> None:
        self.made = 0
        today = timezone.localdate()
        self.hub = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Hub", last_name="Zed"
        )
        self.hub_case = care.case_open(
            self.hub, actor=self.owner, type="question", subject="The hub's case"
        )
        for kind, title in (("turnaround", "Answers in 2 days"), ("payment_terms", "Pay in 14")):
            need = agreements.need_create(
                self.workspace, kind=kind, title=title, why="Both", terms={"days": 2}
            )
            agreements.agreement_agree(agreements.agreement_propose(self.hub, need))
        self.event = events.event_create(
            self.workspace, actor=self.owner, name="Open house", starts_on=today
        )

    def grow(self, n: int) -> None:
        for _ in range(n):
            self.row(self.made)
            self.made += 1
        Contact.objects.update(touch_due_at=timezone.now() - timedelta(days=1))

    def row(self, k: int) -> None:
        name, today, owner = f"Row{k}", timezone.localdate(), self.owner
        contact = people.contact_create(
            self.workspace, actor=owner, kind="client", first_name=name, last_name="Listed",
            organization=f"{name} Org", tags=["golf", f"tag{k}"],
            emails=[Labelled("work", f"row{k}@x.example")],
        )  # fmt: skip
        people.contact_create(
            self.workspace, actor=owner, kind="client", first_name=name, last_name="Listed",
            organization="Acme", emails=[Labelled("", f"row{k}@x.example")],
        )  # fmt: skip
        touchpoints.interaction_log(
            self.workspace, actor=owner, kind="call", contact_ids=[contact.pk], note=name
        )
        appreciation.owe(contact, reason="referral", about=f"{name} referral")
        agenda.reminder_create(
            contact, actor=owner, title=f"{name} call back", due_on=today + timedelta(days=1)
        )
        case = care.case_open(contact, actor=owner, type="question", subject=f"{name} asks")
        care.case_assign(case, owner)
        care.case_reply(self.hub_case, actor=owner, body=f"{name} reply", public=False)
        clients.engagement_create(
            contact, actor=owner, title=f"{name} project", value="1000", currency="USD"
        )
        clients.purchase_create(
            contact, actor=owner, amount="100", currency="USD",
            purchased_on=today - timedelta(days=1), description=f"{name} purchase",
        )  # fmt: skip
        spend_refresh(self.workspace, [contact.pk], today)
        messaging.message_queue(
            contact, actor=owner, to_address=f"row{k}@x.example", subject=f"{name} hello",
            body="Hello", key=f"row{k}",
        )  # fmt: skip
        messaging.template_create(
            self.workspace, occasion="other", name=f"{name} template", subject="Hi", body="Hi"
        )
        need = agreements.need_create(self.workspace, kind="free", title=f"{name} need", why="Both")
        agreement = agreements.agreement_agree(agreements.agreement_propose(contact, need))
        breaches.breach_log(agreement, note=f"{name} breach", actor=owner)
        self.hub_rows(k, need)
        care.holiday_add(self.workspace, today + timedelta(days=k + 1), name)
        accounts.token_create(workspace=self.workspace, user=owner, name=name)
        import_prepare(
            self.workspace, actor=owner, filename=f"{name}.csv",
            data=f"First name,Last name\n{name},Imported\n".encode(),
        )  # fmt: skip
        events.attendee_add(self.event, contact)

    def hub_rows(self, k: int, need: Any) -> None:
        name, hub = f"Row{k}", self.hub
        people.fact_add(hub, category="like", text=f"{name} fact")
        people.circle_add(hub, name=f"{name} Kid", relation="child")
        people.date_add(hub, kind="custom", date=f"2020-01-{k + 1:02d}", label=f"{name} day")
        people.gift_add(hub, description=f"{name} gift")
        people.note_add(hub, author=self.owner, body=f"{name} note")
        agreement = agreements.agreement_agree(agreements.agreement_propose(hub, need))
        breaches.breach_log(agreement, note=f"{name} hub breach", actor=self.owner)
        breaches.clarification_ask(hub, question=f"{name} question?")
        breaches.invoice_create(hub, number=f"{name}-inv", amount="50", currency="USD")

    def pages(self) -> list[tuple[str, Callable[[], Any]]]:
        hub, case, event = self.hub.pk, self.hub_case.number, self.event.pk

        def page(url: str) -> Callable[[], Any]:
            return lambda: self.client.get(url)

        def api(path: str) -> Callable[[], Any]:
            return lambda: self.api("GET", path)

        return [
            ("/people/duplicates/", page("/people/duplicates/")),
            ("/keep-in-touch/", page("/keep-in-touch/")),
            ("/thanks/", page("/thanks/")),
            ("/care/", page("/care/")),
            ("/messages/", page("/messages/")),
            ("/messages/templates/", page("/messages/templates/")),
            ("/agreements/needs/", page("/agreements/needs/")),
            ("/people/hub/agreements/", page(f"/people/{hub}/agreements/")),
            ("/people/hub/clarifications/", page(f"/people/{hub}/clarifications/")),
            ("/people/hub/invoices/", page(f"/people/{hub}/invoices/")),
            ("/people/import/", page("/people/import/")),
            ("/settings/tokens/", page("/settings/tokens/")),
            ("/settings/care/", page("/settings/care/")),
            ("/care/hub/", page(f"/care/{case}/")),
            ("tokens", api("tokens")),
            ("contacts/duplicates", api("contacts/duplicates?limit=100")),
            ("contacts/hub/facts", api(f"contacts/{hub}/facts?limit=100")),
            ("contacts/hub/circle", api(f"contacts/{hub}/circle?limit=100")),
            ("contacts/hub/dates", api(f"contacts/{hub}/dates?limit=100")),
            ("contacts/hub/gifts", api(f"contacts/{hub}/gifts?limit=100")),
            ("contacts/hub/notes", api(f"contacts/{hub}/notes?limit=100")),
            ("contacts/hub/timeline", api(f"contacts/{hub}/timeline?limit=100")),
            ("organizations", api("organizations?limit=100")),
            ("interactions", api("interactions?limit=100")),
            ("rapport", api("rapport?limit=100")),
            ("dues", api("dues?limit=100")),
            # Each of the agenda's sources is read in chunks of 10, 20, 40 ... until a page is
            # full: a page of 5 costs the same however many rows wait behind it.
            ("agenda", api("agenda?limit=5")),
            ("reminders", api("reminders?limit=100")),
            ("message-templates", api("message-templates?limit=100")),
            ("messages", api("messages?limit=100")),
            ("cases", api("cases?limit=100")),
            ("cases/hub/entries", api(f"cases/{case}/entries?limit=100")),
            ("care/holidays", api("care/holidays?limit=100")),
            ("engagements", api("engagements?limit=100")),
            ("purchases", api("purchases?limit=100")),
            ("clients/ranking", api("clients/ranking?currency=USD&limit=100")),
            ("needs", api("needs?limit=100")),
            ("contacts/hub/agreements", api(f"contacts/{hub}/agreements?limit=100")),
            ("contacts/hub/breaches", api(f"contacts/{hub}/breaches?limit=100")),
            ("contacts/hub/clarifications", api(f"contacts/{hub}/clarifications?limit=100")),
            ("contacts/hub/invoices", api(f"contacts/{hub}/invoices?limit=100")),
            ("events/attendees", api(f"events/{event}/attendees?limit=100")),
        ]

    def measure(self) -> dict[str, tuple[int, int]]:
        """Each list's queries and how many rows it shows."""
        counts = {}
        for name, fetch in self.pages():
            with CaptureQueriesContext(connection) as queries:
                response = fetch()
            assert response.status_code == 200, (name, response.status_code)
            shown = len({row.lower() for row in MARKER.findall(response.content.decode())})
            counts[name] = (len(queries), shown)
        return counts

    def test_every_list_costs_the_same_queries_for_2_rows_or_14(self) -> None:
        self.login(self.owner)
        self.grow(2)
        self.measure()  # what a first visit records once: the token's use, the logging address
        few = self.measure()
        self.grow(12)
        many = self.measure()
        for name in few:
            with self.subTest(name):
                rows = 5 if name == "agenda" else 14
                assert (few[name][1] >= 2, many[name][1] >= rows) == (True, True), many[name]
                if name in FEWER_OR_SAME:
                    assert many[name][0] <= few[name][0], (few[name], many[name])
                else:
                    assert many[name][0] == few[name][0], (few[name], many[name])
