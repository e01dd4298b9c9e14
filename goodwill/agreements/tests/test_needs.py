"""Your needs (G1): every kind's terms in words (worked examples), the rules they are checked by,
the catalogue page (owners change it, assistants read it) and the API."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from goodwill.agreements import services
from goodwill.agreements.models import Need
from goodwill.agreements.needs import check_terms, in_words
from goodwill.core.testing import GoodwillTestCase

WHY = "Good for both of us."


@pytest.mark.parametrize(
    ("kind", "terms", "words"),
    [
        ("calling_hours", {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"},
         "Calls are welcome Monday to Friday, 09:00 to 17:00."),
        ("calling_hours", {"days": [4, 0, 2], "start": "8:30", "end": "12:00"},
         None),  # 8:30 is not HH:MM
        ("calling_hours", {"days": [0, 2, 4], "start": "08:30", "end": "12:00"},
         "Calls are welcome Monday, Wednesday, Friday, 08:30 to 12:00."),
        ("calling_hours", {"days": [5], "start": "10:00", "end": "11:00"},
         "Calls are welcome Saturday to Saturday, 10:00 to 11:00."),
        ("channels", {"allowed": ["phone", "email"]}, "Reach me by e-mail or phone calls."),
        ("channels", {"allowed": ["meeting"]}, "Reach me by meetings."),
        ("response_window", {"times": ["16:00", "09:00"]}, "I answer messages at 09:00, 16:00."),
        ("turnaround", {"days": 1}, "Please answer my questions within 1 business day."),
        ("turnaround", {"days": 3}, "Please answer my questions within 3 business days."),
        ("payment_terms", {"days": 14}, "Invoices are paid within 14 days."),
        ("retainer", {"text": "  50% up   front "}, "50% up front"),
        ("free", {"anything": "ignored"}, ""),
    ],
)  # fmt: skip
def test_every_kind_in_words(kind, terms, words):
    if words is None:
        with pytest.raises(ValidationError, match="HH:MM"):
            check_terms(kind, terms)
        return
    assert in_words(kind, check_terms(kind, terms)) == words


@pytest.mark.parametrize(
    ("kind", "terms", "field", "message"),
    [
        ("calling_hours", {"days": [0], "start": "17:00", "end": "09:00"}, "end",
         "must end after they start"),
        ("calling_hours", {"days": [0], "start": "09:00", "end": "09:00"}, "end",
         "must end after they start"),
        ("calling_hours", {"days": [], "start": "09:00", "end": "17:00"}, "days", "at least one"),
        ("calling_hours", {"days": [7], "start": "09:00", "end": "17:00"}, "days", "at least one"),
        ("calling_hours", {"days": [0], "start": "", "end": "17:00"}, "start", "HH:MM"),
        ("channels", {"allowed": []}, "allowed", "Choose from"),
        ("channels", {"allowed": ["carrier pigeon"]}, "allowed", "Choose from"),
        ("response_window", {"times": []}, "times", "one to eight"),
        ("response_window", {"times": ["noon"]}, "times", "HH:MM"),
        ("turnaround", {"days": 0}, "days", "from 1 to 90"),
        ("turnaround", {"days": "2"}, "days", "from 1 to 90"),
        ("payment_terms", {"days": 91}, "days", "from 1 to 90"),
        ("retainer", {"text": "   "}, "text", "up to 200"),
        ("nonsense", {}, "kind", "Choose a kind"),
        ("free", [], "terms", "Give the terms"),
    ],
)  # fmt: skip
def test_bad_terms_get_a_clear_error(kind, terms, field, message):
    with pytest.raises(ValidationError) as raised:
        check_terms(kind, terms)
    assert message in " ".join(raised.value.message_dict[field])


class NeedServiceTests(GoodwillTestCase):
    def test_needs_are_added_last_and_moved_one_place_at_a_time(self):
        a, b, c = (
            services.need_create(self.workspace, kind="free", title=t, why=WHY) for t in "ABC"
        )
        services.need_move(c, up=True)
        services.need_move(a, up=True)  # already first: stays
        order = list(Need.objects.order_by("position").values_list("title", flat=True))
        assert order == ["A", "C", "B"]
        services.need_move(a, up=False)
        assert list(Need.objects.order_by("position").values_list("title", "position")) == [
            ("C", 1), ("A", 2), ("B", 3),
        ]  # fmt: skip
        services.need_archive(b)
        with pytest.raises(ValidationError, match="archived"):
            services.need_move(b, up=True)

    def test_title_and_why_are_required(self):
        with pytest.raises(ValidationError) as raised:
            services.need_create(self.workspace, kind="free", title=" ", why=WHY)
        assert "title" in raised.value.message_dict
        with pytest.raises(ValidationError) as raised:
            services.need_create(self.workspace, kind="free", title="Calm", why="  ")
        assert "why" in raised.value.message_dict
        assert not Need.objects.exists()

    def test_examples_only_start_an_empty_catalogue(self):
        assert len(services.needs_from_examples(self.workspace)) == 5
        assert services.needs_from_examples(self.workspace) == []
        assert Need.objects.filter(workspace=self.workspace).count() == 5


class CataloguePageTests(GoodwillTestCase):
    url = "/agreements/needs/"

    def test_an_owner_starts_from_examples_and_changes_them(self):
        self.login(self.owner)
        page = self.client.get(self.url)
        self.assertContains(page, "Start from examples")
        self.assertContains(page, 'href="/agreements/needs/"')  # the navigation entry
        self.assertRedirects(self.client.post(self.url + "examples/"), self.url)
        page = self.client.get(self.url)
        self.assertNotContains(page, "Start from examples")
        self.assertContains(page, "Calls are welcome Monday to Friday, 09:00 to 17:00.")
        self.assertContains(page, "Keeping our conversation in one or two places")
        calls = Need.objects.get(kind="calling_hours")
        edit = f"{self.url}{calls.pk}/edit/"
        self.assertContains(self.client.get(edit), 'value="09:00"')
        data = {"title": "Mornings", "why": WHY, "days": ["1", "3"], "start": "08:00",
                "end": "11:30"}  # fmt: skip
        self.assertRedirects(self.client.post(edit, data), self.url)
        calls.refresh_from_db()
        assert calls.terms == {"days": [1, 3], "start": "08:00", "end": "11:30"}
        self.client.post(f"{self.url}{calls.pk}/move/", {"direction": "down"})
        assert Need.objects.get(position=2) == calls
        self.client.post(f"{self.url}{calls.pk}/archive/")
        calls.refresh_from_db()
        assert calls.archived
        self.assertContains(self.client.get(self.url), "Archived")

    def test_an_owner_adds_a_need_of_every_kind(self):
        self.login(self.owner)
        cases: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
            "calling_hours": ({"days": ["0", "1"], "start": "09:00", "end": "12:00"},
                              {"days": [0, 1], "start": "09:00", "end": "12:00"}),
            "channels": ({"allowed": ["email", "phone"]}, {"allowed": ["email", "phone"]}),
            "response_window": ({"times": "16:00, 9:00"}, {"times": ["09:00", "16:00"]}),
            "turnaround": ({"number": "2"}, {"days": 2}),
            "payment_terms": ({"number": "30"}, {"days": 30}),
            "retainer": ({"text": "50% up front"}, {"text": "50% up front"}),
            "free": ({}, {}),
        }  # fmt: skip
        for kind, (fields, terms) in cases.items():
            url = f"{self.url}new/?kind={kind}"
            self.assertContains(self.client.get(url), "Add the need")
            response = self.client.post(url, {"title": kind, "why": WHY, **fields})
            self.assertRedirects(response, self.url, msg_prefix=kind)
            assert Need.objects.get(title=kind).terms == terms
        assert self.client.get(f"{self.url}new/?kind=astrology").status_code == 404
        page = self.client.get(f"{self.url}new/?kind=calling_hours")
        self.assertContains(page, 'name="start" value="09:00"')  # a start, to change

    def test_bad_input_gets_a_clear_error_and_nothing_is_stored(self):
        self.login(self.owner)
        bad: list[tuple[str, dict[str, Any], str]] = [
            ("calling_hours", {"days": ["0"], "start": "17:00", "end": "09:00"},
             "The calling hours must end after they start."),
            ("calling_hours", {"start": "09:00", "end": "17:00"}, "Choose at least one day"),
            ("turnaround", {"number": "0"}, "Give a whole number of days from 1 to 90."),
            ("turnaround", {"number": ""}, "Give a whole number of days from 1 to 90."),
            ("channels", {}, "Choose from"),
            ("response_window", {"times": "soon"}, "Give the times as HH:MM"),
            ("response_window", {"times": ""}, "Give one to eight times"),
            ("free", {"why": ""}, "This field is required."),
        ]  # fmt: skip
        for kind, fields, message in bad:
            data = {"title": "A need", "why": WHY, **fields}
            response = self.client.post(f"{self.url}new/?kind={kind}", data)
            self.assertContains(response, message, status_code=400, msg_prefix=kind)
        assert not Need.objects.exists()

    def test_assistants_read_the_catalogue_but_cannot_change_it(self):
        need = services.need_create(self.workspace, kind="free", title="Calm", why=WHY)
        self.login(self.assistant)
        page = self.client.get(self.url)
        self.assertContains(page, "Calm")
        self.assertContains(page, "Only the workspace's owners can change the needs.")
        self.assertNotContains(page, "/edit/")
        for method, url in [
            ("get", f"{self.url}new/?kind=free"),
            ("get", f"{self.url}{need.pk}/edit/"),
            ("post", f"{self.url}{need.pk}/archive/"),
            ("post", f"{self.url}{need.pk}/move/"),
            ("post", f"{self.url}examples/"),
        ]:
            assert getattr(self.client, method)(url).status_code == 403, url
        need.refresh_from_db()
        assert not need.archived

    def test_an_outsider_gets_404_for_every_need(self):
        need = services.need_create(self.workspace, kind="free", title="Calm", why=WHY)
        self.login(self.outsider)
        self.assertNotContains(self.client.get(self.url), "Calm")
        for method, url in [
            ("get", f"{self.url}{need.pk}/edit/"),
            ("post", f"{self.url}{need.pk}/edit/"),
            ("post", f"{self.url}{need.pk}/archive/"),
            ("post", f"{self.url}{need.pk}/move/"),
        ]:
            assert getattr(self.client, method)(url).status_code == 404, url
        need.refresh_from_db()
        assert (need.title, need.archived) == ("Calm", False)


class NeedApiTests(GoodwillTestCase):
    def test_needs_crud_and_archive(self):
        body = {"kind": "calling_hours", "title": "Calls 9 to 5", "why": WHY,
                "terms": {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}}  # fmt: skip
        response = self.api("post", "/needs", body=body)
        assert response.status_code == 201, response.json()
        need = response.json()
        assert need["in_words"] == "Calls are welcome Monday to Friday, 09:00 to 17:00."
        assert need["position"] == 1
        listed = self.api("get", "/needs", token=self.assistant_token).json()
        assert (listed["count"], listed["items"][0]["id"]) == (1, need["id"])
        path = f"/needs/{need['id']}"
        changed = self.api("patch", path, body={"terms": {"days": [5], "start": "10:00",
                                                          "end": "12:00"}})  # fmt: skip
        assert (
            changed.json()["in_words"] == "Calls are welcome Saturday to Saturday, 10:00 to 12:00."
        )
        assert self.api("get", path).json()["terms"]["start"] == "10:00"
        assert self.api("post", f"{path}/archive").json()["archived"] is True
        assert self.api("get", "/needs").json()["count"] == 0
        assert self.api("get", "/needs?archived=true").json()["count"] == 1

    def test_bad_input_is_422_with_a_clear_error_and_nothing_stored(self):
        bad: list[tuple[dict[str, Any], str]] = [
            ({"kind": "calling_hours", "terms": {"days": [0], "start": "18:00", "end": "08:00"}},
             "The calling hours must end after they start."),
            ({"kind": "turnaround", "terms": {"days": 0}},
             "Give a whole number of days from 1 to 90."),
            ({"kind": "telepathy"}, "The request is not valid"),
            ({"kind": "free", "why": ""}, "Say why it is good for both of you"),
        ]  # fmt: skip
        for fields, detail in bad:
            body = {"title": "A need", "why": WHY, **fields}
            response = self.api("post", "/needs", body=body)
            assert response.status_code == 422, fields
            assert detail in response.json()["detail"], response.json()
        assert not Need.objects.exists()
        need = services.need_create(self.workspace, kind="turnaround", title="T", why=WHY,
                                    terms={"days": 1})  # fmt: skip
        response = self.api("patch", f"/needs/{need.pk}", body={"terms": {"days": 0}})
        assert response.status_code == 422
        need.refresh_from_db()
        assert need.terms == {"days": 1}

    def test_assistants_cannot_change_the_catalogue(self):
        need = services.need_create(self.workspace, kind="free", title="Calm", why=WHY)
        token = self.assistant_token
        body = {"kind": "free", "title": "Quiet", "why": WHY}
        assert self.api("post", "/needs", body=body, token=token).status_code == 403
        path = f"/needs/{need.pk}"
        assert self.api("patch", path, body={"title": "X"}, token=token).status_code == 403
        assert self.api("post", f"{path}/archive", token=token).status_code == 403
        assert self.api("get", path, token=token).status_code == 200
        need.refresh_from_db()
        assert (need.title, need.archived, Need.objects.count()) == ("Calm", False, 1)

    def test_an_outsider_gets_404(self):
        need = services.need_create(self.workspace, kind="free", title="Calm", why=WHY)
        token = self.outsider_token
        path = f"/needs/{need.pk}"
        assert self.api("get", path, token=token).status_code == 404
        assert self.api("patch", path, body={"title": "X"}, token=token).status_code == 404
        assert self.api("post", f"{path}/archive", token=token).status_code == 404
        assert self.api("get", "/needs", token=token).json()["count"] == 0
        need.refresh_from_db()
        assert (need.title, need.archived) == ("Calm", False)
