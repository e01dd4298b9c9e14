"""The contact page (A1 to A8, A11 and A12 in the browser): the person at a glance, the quick
actions on it, presentation mode, the timeline and erasure."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import contact_views, search, services
from goodwill.people.models import (
    CircleMember,
    Contact,
    Fact,
    Gift,
    ImportantDate,
    Note,
    TimelineEntry,
)
from goodwill.people.services import AddressInput, Labelled

HTMX = {"HX-Request": "true"}


def today_is(day: date):
    """The workspace's today, fixed, for dates and ages."""
    return mock.patch.object(contact_views, "workspace_today", return_value=day)


class ContactPageCase(GoodwillTestCase):
    def setUp(self) -> None:
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz",
        )  # fmt: skip
        self.url = f"/people/{self.dan.pk}/"
        self.login(self.owner)

    def post(self, suffix, data=None, **kwargs):
        return self.client.post(self.url + suffix, data or {}, **kwargs)


class AtAGlanceTests(ContactPageCase):
    def test_it_shows_the_person_their_details_and_who_introduced_whom(self) -> None:
        carla = services.contact_create(
            self.workspace, actor=self.owner, kind="friend", first_name="Carla", last_name="Reyes"
        )
        ben = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Ben", last_name="Hale",
            nickname="Benny", organization="Hale Hardware", role="President",
            emails=[Labelled("work", "ben@hale.example")],
            phones=[Labelled("mobile", "+14155550100")],
            links=[Labelled("LinkedIn", "https://linkedin.example/ben")],
            addresses=[AddressInput(street="1 Main St", city="Springfield")],
            tags=["vip", "golf"], preferred_channel="phone", contact_hours="mornings",
            how_we_met="At the hardware fair", met_at="Expo 2024", introduced_by=carla.pk,
        )  # fmt: skip
        services.contact_update(self.dan, actor=self.owner, introduced_by=ben.pk)
        page = self.client.get(f"/people/{ben.pk}/")
        assert ben.organization is not None
        for text in [
            "Ben Hale",
            "“Benny”",
            '<span class="badge kind-client">Client</span>',
            f'President at <a href="/orgs/{ben.organization.pk}/">Hale Hardware</a>',
            'href="/people/?tag=vip"',
            f'href="/people/{ben.pk}/edit/"',
            'href="mailto:ben@hale.example"',
            '<a href="tel:+14155550100">+1 415-555-0100</a>',
            "1 Main St, Springfield",
            'href="https://linkedin.example/ben"',
            "<dt>Prefers</dt><dd>Phone</dd>",
            "<dt>Best time</dt><dd>mornings</dd>",
            "At the hardware fair",
            "Met at Expo 2024.",
            f'Introduced by <a href="/people/{carla.pk}/">Carla Reyes</a>',
            f'<a href="/people/{self.dan.pk}/">Dan Ortiz</a>',
        ]:
            self.assertContains(page, text, msg_prefix=text)

    def test_it_adapts_to_the_kind(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, '<span class="badge kind-client">Client</span>')
        self.assertNotContains(page, 'id="met"')
        prospect = services.contact_create(
            self.workspace, actor=self.owner, kind="prospect", first_name="Priya"
        )
        page = self.client.get(f"/people/{prospect.pk}/")
        self.assertContains(page, '<span class="badge kind-prospect">Prospect</span>')
        # Prospects are met and kept in touch with: where you met comes first, even when empty.
        content = page.content.decode()
        assert content.index('id="met"') < content.index('id="touch"')
        self.assertContains(page, "Where you met and who introduced you")

    def test_a_page_of_another_kinds_sections_is_included(self) -> None:
        with mock.patch.dict(
            contact_views.KIND_SECTIONS, {"client": ["people/timeline/_default.html"]}
        ):
            page = self.client.get(self.url, {"x": 1})
        assert "people/timeline/_default.html" in [t.name for t in page.templates]

    def test_assistants_see_no_export_or_erase_and_are_told_why(self) -> None:
        self.login(self.assistant)
        page = self.client.get(self.url)
        self.assertNotContains(page, f"/people/{self.dan.pk}/erase/")
        self.assertNotContains(page, "export.json")
        self.assertContains(page, "Only the workspace\u2019s owners can export or erase")

    def test_owners_get_the_export_links_when_those_pages_exist(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, f'href="/people/{self.dan.pk}/erase/"')
        with mock.patch.object(contact_views, "_url_or_none", return_value=None):
            self.assertNotContains(self.client.get(self.url), "Export:")

    def test_an_anonymous_visitor_is_sent_to_login(self) -> None:
        self.client.logout()
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/accounts/login/?next={self.url}")

    def test_the_page_costs_the_same_few_queries_however_much_there_is(self) -> None:
        def fill(contact: Contact, count: int) -> None:
            for n in range(count):
                services.fact_add(contact, category="like", text=f"Thing {n}", private=n % 2 == 0)
                member = services.circle_add(
                    contact, name=f"Kid {n}", relation="child", birthday="2015-05-01",
                    linked_contact=self.dan.pk,
                )  # fmt: skip
                services.date_add(contact, kind="anniversary", date=f"2001-06-{n + 1:02d}")
                services.gift_add(contact, description=f"Gift {n}", for_member=member.pk)
                services.note_add(contact, author=self.owner, body=f"Note **{n}**")
                services.timeline_add(contact, kind="gift", title=f"Entry {n}")
                services.timeline_add(contact, kind=f"unknown{n}", title=f"Other {n}")
                services.contact_create(
                    self.workspace, actor=self.owner, kind="friend", first_name=f"Friend {n}",
                    introduced_by=contact.pk,
                )  # fmt: skip

        small = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Sam", last_name="Small"
        )
        fill(small, 1)
        fill(self.dan, 10)
        # 24 for the page and one for each capability's panel (reminders, messages, cases,
        # events, fit), two for work and purchases (spend, open engagements) and two for
        # working agreements (the current agreements, the next need to propose).
        with today_is(date(2026, 4, 20)):
            with self.assertNumQueries(33):
                self.client.get(f"/people/{small.pk}/")
            with self.assertNumQueries(33):
                response = self.client.get(self.url)
        assert len(response.context["timeline"]) == 20
        self.assertContains(response, "Kid 9")


class FactTests(ContactPageCase):
    def test_a_fact_added_with_htmx_answers_with_the_facts_section(self) -> None:
        response = self.post(
            "facts/add/", {"category": "like", "text": "Jazz", "private": "on"}, headers=HTMX
        )
        assert response.status_code == 200
        self.assertContains(response, 'id="facts-list"')
        self.assertContains(response, "Jazz")
        self.assertContains(response, "Private")
        self.assertNotContains(response, "<html")
        fact = Fact.objects.get()
        assert (fact.contact, fact.category, fact.private) == (self.dan, "like", True)

    def test_without_scripts_a_fact_is_added_and_the_page_comes_back(self) -> None:
        response = self.post("facts/add/", {"category": "hobby", "text": "Sailing"})
        self.assertRedirects(response, self.url + "#facts", fetch_redirect_response=False)
        page = self.client.get(self.url)
        self.assertContains(page, "<h3>Hobby</h3>")
        self.assertContains(page, "Sailing")

    def test_bad_facts_are_refused_with_the_reason_and_nothing_is_stored(self) -> None:
        cases = [
            ({"category": "like", "text": ""}, "This field is required."),
            ({"category": "like", "text": "   "}, "This field is required."),
            ({"category": "like", "text": "x" * 501}, "at most 500 characters"),
            ({"category": "enemy", "text": "Jazz"}, "Select a valid choice"),
        ]
        for data, message in cases:
            page = self.post("facts/add/", data)
            self.assertContains(page, message, status_code=400, msg_prefix=str(data))
            self.assertContains(page, "<html", status_code=400)
            partial = self.post("facts/add/", data, headers=HTMX)
            self.assertContains(partial, message, status_code=400, msg_prefix=str(data))
            self.assertNotContains(partial, "<html", status_code=400)
        assert not Fact.objects.exists()

    def test_a_fact_is_made_private_shareable_and_removed(self) -> None:
        fact = services.fact_add(self.dan, category="food", text="No shellfish")
        response = self.post(f"facts/{fact.pk}/private/")
        self.assertRedirects(response, self.url + "#facts", fetch_redirect_response=False)
        assert Fact.objects.get().private is True
        partial = self.post(f"facts/{fact.pk}/private/", headers=HTMX)
        self.assertContains(partial, "Make private")
        assert Fact.objects.get().private is False
        partial = self.post(f"facts/{fact.pk}/remove/", headers=HTMX)
        self.assertNotContains(partial, "No shellfish")
        assert not Fact.objects.exists()

    def test_the_buttons_only_take_a_post(self) -> None:
        fact = services.fact_add(self.dan, category="food", text="No shellfish")
        assert self.client.get(f"{self.url}facts/{fact.pk}/remove/").status_code == 405
        assert self.client.get(f"{self.url}facts/add/").status_code == 405
        assert Fact.objects.exists()


class PresentationModeTests(ContactPageCase):
    def test_it_hides_every_private_fact_until_turned_off(self) -> None:
        services.fact_add(self.dan, category="other", text="Knee surgery", private=True)
        services.fact_add(self.dan, category="like", text="Jazz")
        self.assertContains(self.client.get(self.url), "Knee surgery")

        response = self.client.post("/people/presentation/", {"next": self.url})
        self.assertRedirects(response, self.url)
        page = self.client.get(self.url)
        self.assertNotContains(page, "Knee surgery")
        self.assertContains(page, "Jazz")
        self.assertContains(page, "Presentation mode: private facts are hidden")
        self.assertContains(page, 'aria-pressed="true"')
        # The section htmx swaps in honours it too, also right after adding a private fact.
        partial = self.post(
            "facts/add/", {"category": "other", "text": "Divorce", "private": "on"}, headers=HTMX
        )
        self.assertNotContains(partial, "Divorce")
        self.assertNotContains(partial, "Knee surgery")
        self.assertContains(partial, "Private facts are hidden")
        # It holds on other pages too.
        self.assertContains(self.client.get("/people/"), "Presentation mode: private facts")

        self.client.post("/people/presentation/", {"next": self.url})
        page = self.client.get(self.url)
        self.assertContains(page, "Knee surgery")
        self.assertContains(page, "Divorce")
        self.assertNotContains(page, "Presentation mode: private facts are hidden")

    def test_the_toggle_goes_back_only_to_this_site(self) -> None:
        response = self.client.post("/people/presentation/", {"next": "https://evil.example/"})
        self.assertRedirects(response, "/people/", fetch_redirect_response=False)
        assert self.client.get("/people/presentation/").status_code == 405


class CircleTests(ContactPageCase):
    def test_a_child_with_a_birthday_and_interests_is_added(self) -> None:
        response = self.post(
            "circle/add/",
            {
                "name": "Leo",
                "relation": "child",
                "birthday": "2017-11-27",
                "interests": "collects baseball cards",
                "notes": "Plays shortstop",
            },
        )
        self.assertRedirects(response, self.url + "#circle", fetch_redirect_response=False)
        with today_is(date(2026, 4, 20)):
            page = self.client.get(self.url)
        self.assertContains(page, "Birthday 27 November 2017 · turns 9 on 27 November 2026")
        self.assertContains(page, "collects baseball cards")
        self.assertContains(page, "Plays shortstop")
        member = CircleMember.objects.get()
        assert (member.year, member.month, member.day) == (2017, 11, 27)

    def test_a_birthday_without_a_year_says_when_it_comes(self) -> None:
        services.circle_add(self.dan, name="Mia", relation="spouse", birthday="--03-14")
        with today_is(date(2026, 4, 20)):
            self.assertContains(
                self.client.get(self.url), "Birthday 14 March · next on 14 March 2027"
            )

    def test_bad_members_are_refused_and_nothing_is_stored(self) -> None:
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="S"
        )
        cases = [
            ({"name": "Leo", "relation": "child", "birthday": "2023-02-30"}, "has no day 30"),
            ({"name": "Leo", "relation": "child", "birthday": "27/11"}, "is not a date"),
            ({"name": "", "relation": "child"}, "This field is required."),
            ({"name": "x" * 121, "relation": "child"}, "at most 120 characters"),
            ({"name": "Leo", "relation": "cousin"}, "Select a valid choice"),
            (
                {"name": "S", "relation": "spouse", "linked_contact": stranger.pk},
                "No such record in this workspace",
            ),
        ]
        for data, message in cases:
            response = self.post("circle/add/", data)
            self.assertContains(response, message, status_code=400, msg_prefix=str(data))
        assert not CircleMember.objects.exists()

    def test_a_member_is_edited_linked_to_their_own_contact_and_removed(self) -> None:
        maria = services.contact_create(
            self.workspace, actor=self.owner, kind="friend", first_name="Maria"
        )
        leo = services.circle_add(self.dan, name="Leo", relation="child", birthday="--11-27")
        form = self.client.get(f"{self.url}circle/{leo.pk}/edit/")
        self.assertContains(form, 'value="--11-27"')
        response = self.post(
            f"circle/{leo.pk}/edit/", {"name": "Leo", "relation": "child", "birthday": "2019-02-29"}
        )
        self.assertContains(response, "February 2019 has no day 29", status_code=400)
        response = self.post(
            f"circle/{leo.pk}/edit/",
            {"name": "Maria", "relation": "spouse", "birthday": "", "linked_contact": maria.pk},
        )
        self.assertRedirects(response, self.url + "#circle", fetch_redirect_response=False)
        member = CircleMember.objects.get()
        assert (member.name, member.relation, member.month, member.linked_contact) == (
            "Maria", "spouse", None, maria,
        )  # fmt: skip
        self.assertContains(self.client.get(self.url), f'<a href="/people/{maria.pk}/">Maria</a>')
        self.post(f"circle/{leo.pk}/remove/")
        assert not CircleMember.objects.exists()


class DateTests(ContactPageCase):
    def test_it_says_the_next_occurrence_and_the_years_then(self) -> None:
        for kind, value, label in [
            ("birthday", "1984-04-22", ""),
            ("client_since", "2018-09-01", ""),
            ("anniversary", "2016-06-11", "Wedding"),
            ("custom", "--12-24", "Christmas party"),
        ]:
            response = self.post("dates/add/", {"kind": kind, "date": value, "label": label})
            self.assertRedirects(response, self.url + "#dates", fetch_redirect_response=False)
        with today_is(date(2026, 4, 20)):
            page = self.client.get(self.url)
        for text in [
            "Birthday: 22 April 1984 — turns 42 on 22 April 2026",
            "Client since: 1 September 2018 — 8 years as a client on 1 September 2026",
            "Wedding: 11 June 2016 — 10 years on 11 June 2026",
            "Christmas party: 24 December — next on 24 December 2026",
        ]:
            self.assertContains(page, text)
        content = page.content.decode()
        assert content.index("Birthday: 22 April") < content.index("Wedding: 11 June")

    def test_a_customer_counts_years_as_a_customer(self) -> None:
        services.contact_update(self.dan, actor=self.owner, kind="customer")
        services.date_add(self.dan, kind="client_since", date="2025-01-10")
        with today_is(date(2026, 4, 20)):
            self.assertContains(self.client.get(self.url), "2 years as a customer on 10 January")

    def test_29_february_follows_the_workspace_setting(self) -> None:
        services.date_add(self.dan, kind="birthday", date="2000-02-29")
        with today_is(date(2027, 2, 1)):
            self.assertContains(self.client.get(self.url), "turns 27 on 28 February 2027")
            Workspace.objects.filter(pk=self.workspace.pk).update(leap_day="mar1")
            self.assertContains(self.client.get(self.url), "turns 27 on 1 March 2027")
        with today_is(date(2028, 2, 1)):
            self.assertContains(self.client.get(self.url), "turns 28 on 29 February 2028")

    def test_today_is_the_workspaces_today(self) -> None:
        # 03:00 UTC on 1 March is still 28 February in Chicago.
        moment = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            assert contact_views.workspace_today(self.workspace) == date(2027, 2, 28)
            assert contact_views.workspace_today(self.other_workspace) == date(2027, 3, 1)

    def test_bad_dates_are_refused_and_nothing_is_stored(self) -> None:
        for data, message in [
            ({"kind": "birthday", "date": "2023-02-30"}, "February 2023 has no day 30"),
            ({"kind": "birthday", "date": "--13-01"}, "There is no month 13"),
            ({"kind": "birthday", "date": "tomorrow"}, "is not a date"),
            ({"kind": "birthday", "date": ""}, "This field is required."),
            ({"kind": "birthday", "date": "2020-01-01", "label": "x" * 121}, "at most 120"),
            ({"kind": "wedding", "date": "2020-01-01"}, "Select a valid choice"),
        ]:
            response = self.post("dates/add/", data)
            self.assertContains(response, message, status_code=400, msg_prefix=str(data))
        assert not ImportantDate.objects.exists()

    def test_a_date_is_removed(self) -> None:
        day = services.date_add(self.dan, kind="birthday", date="--04-12")
        self.post(f"dates/{day.pk}/remove/")
        assert not ImportantDate.objects.exists()


class GiftTests(ContactPageCase):
    def setUp(self) -> None:
        super().setUp()
        self.leo = services.circle_add(
            self.dan, name="Leo", relation="child", birthday="2017-04-24",
            interests="collects baseball cards",
        )  # fmt: skip

    def test_an_idea_for_someone_in_the_circle_is_bought_then_given(self) -> None:
        response = self.post(
            "gifts/add/",
            {"description": "Rookie card", "for_member": self.leo.pk, "occasion": "birthday",
             "status": "idea", "cost": "12.50"},
        )  # fmt: skip
        self.assertRedirects(response, self.url + "#gifts", fetch_redirect_response=False)
        gift = Gift.objects.get()
        assert (gift.for_member, gift.cost, gift.status) == (self.leo, Decimal("12.50"), "idea")
        page = self.client.get(self.url)
        self.assertContains(page, "<h3>Ideas</h3>")
        self.assertContains(page, 'Rookie card <span class="muted">for Leo</span> · birthday')
        self.assertContains(page, "Mark bought")

        self.post(f"gifts/{gift.pk}/advance/")
        assert Gift.objects.get().status == "bought"
        self.assertContains(self.client.get(self.url), "Mark given")
        self.post(f"gifts/{gift.pk}/advance/")
        gift.refresh_from_db()
        assert gift.status == "given"
        assert gift.given_on == contact_views.workspace_today(self.workspace)
        assert TimelineEntry.objects.filter(kind="gift", title="Gave Rookie card for Leo").exists()
        self.post(f"gifts/{gift.pk}/advance/")
        assert Gift.objects.get().status == "given"
        self.assertContains(self.client.get(self.url), "Gave Rookie card for Leo")

    def test_a_gift_for_a_member_of_another_circle_or_workspace_is_refused(self) -> None:
        eve = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Eve"
        )
        mia = services.circle_add(eve, name="Mia", relation="child")
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="S"
        )
        kid = services.circle_add(stranger, name="Kid", relation="child")
        for member in (mia, kid):
            response = self.post(
                "gifts/add/", {"description": "Doll", "for_member": member.pk, "status": "idea"}
            )
            self.assertContains(
                response, "Choose them or someone in their circle.", status_code=400
            )
        for data, message in [
            ({"description": "", "status": "idea"}, "This field is required."),
            ({"description": "x" * 301, "status": "idea"}, "at most 300 characters"),
            ({"description": "Doll", "status": "idea", "cost": "-1"}, "greater than or equal"),
            ({"description": "Doll", "status": "stolen"}, "Select a valid choice"),
            ({"description": "Doll", "status": "given", "given_on": "2023-02-30"}, "valid date"),
        ]:
            response = self.post("gifts/add/", data)
            self.assertContains(response, message, status_code=400, msg_prefix=str(data))
        assert not Gift.objects.exists()

    def test_a_gift_is_edited_and_removed(self) -> None:
        gift = services.gift_add(self.dan, description="Wine")
        self.assertContains(self.client.get(f"{self.url}gifts/{gift.pk}/edit/"), 'value="Wine"')
        response = self.post(
            f"gifts/{gift.pk}/edit/",
            {"description": "Red wine", "status": "given", "given_on": "2025-12-24", "cost": "30"},
        )
        self.assertRedirects(response, self.url + "#gifts", fetch_redirect_response=False)
        gift.refresh_from_db()
        assert (gift.description, gift.status, gift.given_on) == (
            "Red wine", "given", date(2025, 12, 24),
        )  # fmt: skip
        response = self.post(
            f"gifts/{gift.pk}/edit/", {"description": "Red wine", "status": "given", "cost": "-5"}
        )
        assert response.status_code == 400
        assert Gift.objects.get().cost == Decimal("30")
        self.post(f"gifts/{gift.pk}/remove/")
        assert not Gift.objects.exists()

    def test_a_birthday_within_30_days_shows_that_persons_gift_ideas(self) -> None:
        services.gift_add(self.dan, description="baseball cards", for_member=self.leo.pk)
        services.gift_add(self.dan, description="a cigar")
        services.gift_add(self.dan, description="a glove", for_member=self.leo.pk, status="given")
        # 24 April 2026 is a Friday.
        with today_is(date(2026, 4, 20)):
            page = self.client.get(self.url)
        self.assertContains(page, "<strong>Leo turns 9 on Friday</strong>")
        self.assertContains(page, "— gift ideas: baseball cards.")
        self.assertNotContains(page, "gift ideas: a cigar")
        self.assertNotContains(page, "a glove.")
        with today_is(date(2026, 4, 24)):
            self.assertContains(self.client.get(self.url), "Leo turns 9 today")
        with today_is(date(2026, 3, 20)):
            self.assertNotContains(self.client.get(self.url), "Leo turns 9")

    def test_the_contacts_own_birthday_shows_the_ideas_for_them(self) -> None:
        services.date_add(self.dan, kind="birthday", date="--05-10")
        services.gift_add(self.dan, description="a cigar")
        with today_is(date(2026, 5, 1)):
            page = self.client.get(self.url)
        self.assertContains(page, "Dan Ortiz has a birthday on Sunday 10 May")
        self.assertContains(page, "gift ideas: a cigar.")


class NoteTests(ContactPageCase):
    def test_a_note_is_added_with_htmx_or_without_and_shown_as_safe_markdown(self) -> None:
        partial = self.post(
            "notes/add/", {"body": "Likes **golf** <script>alert(1)</script>"}, headers=HTMX
        )
        assert partial.status_code == 200
        self.assertContains(partial, 'id="notes-list"')
        self.assertContains(partial, "<strong>golf</strong>")
        self.assertNotContains(partial, "<script>alert")
        self.assertNotContains(partial, "<html")
        response = self.post("notes/add/", {"body": "[x](javascript:alert(1))", "pinned": "on"})
        self.assertRedirects(response, self.url + "#notes", fetch_redirect_response=False)
        page = self.client.get(self.url)
        self.assertNotContains(page, 'href="javascript:')
        assert Note.objects.filter(author=self.owner).count() == 2

    def test_pinned_notes_come_first(self) -> None:
        services.note_add(self.dan, author=self.owner, body="Pinned one", pinned=True)
        services.note_add(self.dan, author=self.owner, body="Newest one")
        content = self.client.get(self.url).content.decode()
        assert content.index("Pinned one") < content.index("Newest one")

    def test_bad_notes_are_refused_and_nothing_is_stored(self) -> None:
        for data, message in [
            ({"body": ""}, "This field is required."),
            ({"body": "   "}, "This field is required."),
            ({"body": "x" * 20001}, "at most 20000 characters"),
        ]:
            self.assertContains(self.post("notes/add/", data), message, status_code=400)
            partial = self.post("notes/add/", data, headers=HTMX)
            self.assertContains(partial, message, status_code=400)
            self.assertNotContains(partial, "<html", status_code=400)
        assert not Note.objects.exists()

    def test_a_note_is_edited_pinned_unpinned_and_deleted(self) -> None:
        note = services.note_add(self.dan, author=self.owner, body="First draft")
        self.assertContains(self.client.get(f"{self.url}notes/{note.pk}/edit/"), "First draft")
        self.assertContains(
            self.post(f"notes/{note.pk}/edit/", {"body": ""}), "required", status_code=400
        )
        response = self.post(f"notes/{note.pk}/edit/", {"body": "Second *draft*"})
        self.assertRedirects(response, self.url + "#notes", fetch_redirect_response=False)
        self.assertContains(self.client.get(self.url), "Second <em>draft</em>")
        self.post(f"notes/{note.pk}/pin/")
        assert Note.objects.get().pinned is True
        partial = self.post(f"notes/{note.pk}/pin/", headers=HTMX)
        self.assertContains(partial, ">Pin<")
        assert Note.objects.get().pinned is False
        self.post(f"notes/{note.pk}/remove/", headers=HTMX)
        assert not Note.objects.exists()
        assert not TimelineEntry.objects.filter(kind="note").exists()


class TimelineTests(ContactPageCase):
    def setUp(self) -> None:
        super().setUp()
        TimelineEntry.objects.all().delete()
        start = timezone.now() - timedelta(days=100)
        for n in range(45):
            # Pairs of entries at the same moment: the id breaks the tie.
            services.timeline_add(
                self.dan,
                kind="gift",
                title=f"Entry {n}",
                occurred_at=start + timedelta(days=n // 2),
            )

    def titles(self, response):
        return [entry.title for entry in response.context["timeline"]]

    def test_it_pages_newest_first_by_keyset_without_gaps_or_repeats(self) -> None:
        page = self.client.get(self.url)
        seen = self.titles(page)
        assert seen[:3] == ["Entry 44", "Entry 43", "Entry 42"]
        cursor = page.context["older_cursor"]
        self.assertContains(page, "Show older")
        while cursor:
            older = self.client.get(f"{self.url}timeline/", {"before": cursor}, headers=HTMX)
            self.assertNotContains(older, "<html")
            seen += self.titles(older)
            cursor = older.context["older_cursor"]
        assert seen == [f"Entry {n}" for n in reversed(range(45))]

    def test_without_scripts_show_older_opens_the_page_at_older_entries(self) -> None:
        cursor = self.client.get(self.url).context["older_cursor"]
        page = self.client.get(self.url, {"before": cursor})
        assert self.titles(page)[0] == "Entry 24"
        self.assertContains(page, "Back to the newest")

    def test_a_cursor_that_does_not_parse_starts_from_the_newest(self) -> None:
        for garbage in ["garbage", "2026-01-01T00:00:00,x", "2026-01-01T00:00:00,5", ","]:
            response = self.client.get(self.url, {"before": garbage})
            assert response.status_code == 200
            assert self.titles(response)[0] == "Entry 44"

    def test_each_kind_has_its_template_and_unknown_kinds_a_plain_one(self) -> None:
        services.timeline_add(self.dan, kind="mystery", title="Something happened")
        services.timeline_add(self.dan, kind="../../base", title="Sneaky")
        page = self.client.get(self.url)
        self.assertContains(page, "Something happened")
        self.assertContains(page, "Sneaky")
        self.assertContains(page, "🎁")
        names = {t.name for t in page.templates}
        assert {"people/timeline/gift.html", "people/timeline/_default.html"} <= names
        assert contact_views.timeline_templates("../x") == ("people/timeline/_default.html",)

    def test_a_page_of_entries_is_one_query(self) -> None:
        cursor = self.client.get(self.url).context["older_cursor"]
        # Session, user, membership, the contact, the one page of entries, the other
        # workspaces of the user (for every page's workspace switcher) and the worker's last
        # heartbeat (for every page's warning when no worker runs).
        with self.assertNumQueries(7):
            response = self.client.get(f"{self.url}timeline/", {"before": cursor})
        assert len(response.context["timeline"]) == 20


class EraseTests(ContactPageCase):
    def setUp(self) -> None:
        super().setUp()
        services.fact_add(self.dan, category="like", text="Jazz")
        services.fact_add(self.dan, category="like", text="Golf")
        services.circle_add(self.dan, name="Leo", relation="child")
        services.note_add(self.dan, author=self.owner, body="Secret plans")

    def test_it_shows_what_will_be_erased(self) -> None:
        page = self.client.get(self.url + "erase/")
        for text in ["2 facts", "1 person in their circle", "0 important dates", "1 note"]:
            self.assertContains(page, text)
        self.assertContains(page, "Only the workspace\u2019s owners can erase")

    def test_assistants_may_not_erase(self) -> None:
        self.login(self.assistant)
        assert self.client.get(self.url + "erase/").status_code == 403
        assert self.post("erase/", {"confirm": "Dan Ortiz"}).status_code == 403
        assert Contact.objects.filter(pk=self.dan.pk).exists()

    def test_the_wrong_name_erases_nothing(self) -> None:
        for typed in ["", "Dan", "Dan Ortiz2"]:
            response = self.post("erase/", {"confirm": typed})
            self.assertContains(response, "exactly to confirm; nothing erased", status_code=400)
        assert Contact.objects.filter(pk=self.dan.pk).exists()
        assert Fact.objects.count() == 2

    def test_the_typed_name_erases_everything_and_leaves_only_an_audit_line(self) -> None:
        response = self.post("erase/", {"confirm": "  dan   ortiz "})
        self.assertRedirects(response, "/people/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/people/"), "Dan Ortiz and everything about them")
        for model in (Contact, Fact, CircleMember, Note, TimelineEntry):
            assert not model.objects.exists(), model
        assert search.search(self.workspace, "jazz") == ([], 0)
        event = AuditEvent.objects.get()
        assert (event.action, event.object_id, event.actor) == (
            "erase",
            str(self.dan.pk),
            self.owner,
        )


class OutsiderTests(GoodwillTestCase):
    def test_every_contact_page_address_is_404_for_another_workspace(self) -> None:
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        fact = services.fact_add(dan, category="like", text="Jazz")
        leo = services.circle_add(dan, name="Leo", relation="child")
        day = services.date_add(dan, kind="birthday", date="--03-01")
        gift = services.gift_add(dan, description="Card")
        note = services.note_add(dan, author=self.owner, body="Hello")
        base = f"/people/{dan.pk}/"
        gets = [
            base, base + "timeline/", base + "erase/", f"{base}circle/{leo.pk}/edit/",
            f"{base}gifts/{gift.pk}/edit/", f"{base}notes/{note.pk}/edit/",
        ]  # fmt: skip
        posts = [
            base + "facts/add/", f"{base}facts/{fact.pk}/private/",
            f"{base}facts/{fact.pk}/remove/", base + "circle/add/",
            f"{base}circle/{leo.pk}/edit/", f"{base}circle/{leo.pk}/remove/",
            base + "dates/add/", f"{base}dates/{day.pk}/remove/", base + "gifts/add/",
            f"{base}gifts/{gift.pk}/edit/", f"{base}gifts/{gift.pk}/advance/",
            f"{base}gifts/{gift.pk}/remove/", base + "notes/add/", f"{base}notes/{note.pk}/edit/",
            f"{base}notes/{note.pk}/pin/", f"{base}notes/{note.pk}/remove/", base + "erase/",
        ]  # fmt: skip
        valid = {
            "confirm": "Dan", "category": "like", "text": "x", "name": "X", "relation": "child",
            "kind": "birthday", "date": "--01-01", "description": "x", "status": "idea",
            "body": "x",
        }  # fmt: skip
        self.login(self.outsider)
        for url in gets:
            assert self.client.get(url).status_code == 404, url
        for url in posts:
            assert self.client.post(url, valid).status_code == 404, url
            assert self.client.post(url, valid, headers=HTMX).status_code == 404, url
        assert Contact.objects.filter(pk=dan.pk).exists()
        assert Fact.objects.get().private is False
        assert (Fact.objects.count(), CircleMember.objects.count()) == (1, 1)
        assert (ImportantDate.objects.count(), Gift.objects.count(), Note.objects.count()) == (
            1, 1, 1,
        )  # fmt: skip
        assert Gift.objects.get().status == "idea"

    def test_an_item_of_another_contact_is_404_on_this_contacts_addresses(self) -> None:
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        eve = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Eve"
        )
        fact = services.fact_add(eve, category="like", text="Jazz")
        note = services.note_add(eve, author=self.owner, body="Hello")
        self.login(self.owner)
        assert self.client.post(f"/people/{dan.pk}/facts/{fact.pk}/remove/").status_code == 404
        assert self.client.get(f"/people/{dan.pk}/notes/{note.pk}/edit/").status_code == 404
        assert Fact.objects.exists()
