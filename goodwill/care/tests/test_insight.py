from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodwill.care import insight, services
from goodwill.care.insight import Median, Tally
from goodwill.care.models import Status
from goodwill.care.templatetags.care_chart import business_hours, care_trend_chart
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=STOCKHOLM)  # business hours are 09:00 to 17:00
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=STOCKHOLM)


class InsightTests(GoodwillTestCase):
    def setUp(self):
        # Neither UTC nor the server's time zone, so months must be the workspace's.
        self.workspace.time_zone = "Europe/Stockholm"
        self.workspace.save()
        self.dan = self.contact("Dan")

    def contact(self, name, workspace=None):
        workspace = workspace or self.workspace
        actor = self.owner if workspace == self.workspace else self.outsider
        return people.contact_create(workspace, actor=actor, kind="customer", first_name=name)

    def open(self, at, *, contact=None, type="complaint", category=""):
        case = services.case_open(
            contact or self.dan, actor=self.owner, type=type, subject="Broken", filed_at=at
        )
        if category:
            services.case_update(case, category=category)
        return case

    def reply(self, case, at):
        services.case_reply(case, actor=self.owner, body="On it", public=True, now=at)

    def resolve(self, case, at, reason=""):
        status = Status.CLOSED if reason else Status.RESOLVED
        services.case_set_status(
            case, status, actor=self.owner, reason=reason, now=at, inform=False
        )

    def figures(self, now=NOW):
        return insight.insight(self.workspace, now)

    def test_medians_of_an_odd_and_an_even_number_of_cases(self):
        cases = [self.open(MONDAY) for _ in range(4)]
        for case, hours in zip(cases[:3], [4, 1, 2], strict=True):
            self.reply(case, MONDAY + timedelta(hours=hours))
        assert self.figures().first_response == Median(2.0, 3)
        self.reply(cases[3], MONDAY + timedelta(hours=7))
        assert self.figures().first_response == Median(3.0, 4)  # (2 + 4) / 2

        self.resolve(cases[0], MONDAY + timedelta(hours=5))
        self.resolve(cases[1], MONDAY + timedelta(hours=3))
        resolved = self.figures().resolved
        assert resolved.resolution == Median(4.0, 2)
        self.resolve(cases[2], MONDAY + timedelta(days=1, hours=2))  # 8 + 2 business hours
        assert self.figures().resolved.resolution == Median(5.0, 3)

    def test_spam_and_duplicates_are_left_out(self):
        real = self.open(MONDAY)
        self.resolve(real, MONDAY + timedelta(hours=2))
        for reason in ("spam", "duplicate"):
            self.resolve(self.open(MONDAY, category="Late"), MONDAY + timedelta(hours=1), reason)
        figures = self.figures()
        assert figures.filed == 1
        assert figures.resolved.resolution == Median(2.0, 1)
        assert figures.to_improve == [Tally("(no category yet)", 1)]
        assert sum(month.opened for month in figures.trend) == 1

    def test_no_cases_no_figures(self):
        figures = self.figures()
        assert (figures.filed, figures.open) == (0, 0)
        assert figures.first_response == Median(None, 0)
        assert figures.resolved.resolution == Median(None, 0)
        assert (figures.resolved.rating, figures.resolved.within_target_share) == (None, None)
        assert [t.count for t in figures.by_type] == [0, 0, 0, 0]
        assert (figures.by_category, figures.to_improve, figures.by_client) == ([], [], [])
        assert len(figures.trend) == 12

    def test_open_cases_by_age(self):
        for age in (
            timedelta(hours=2),
            timedelta(days=1),  # exactly a day: no longer under a day
            timedelta(days=2),
            timedelta(days=5),
            timedelta(days=10),
            timedelta(days=27),
            timedelta(days=40),
        ):
            self.open(NOW - age)
        self.resolve(self.open(NOW - timedelta(hours=3)), NOW)
        self.open(NOW + timedelta(minutes=5))  # a clock ahead: still under a day
        assert [bucket.count for bucket in self.figures().open_by_age] == [2, 2, 1, 2, 1]
        assert self.figures().open == 8

    def test_categories_are_things_to_improve(self):
        self.open(MONDAY, category="Late delivery")
        self.open(MONDAY, category="late  delivery")  # the same, whatever the capitals
        self.open(MONDAY, category="Broken on arrival")
        self.open(MONDAY)
        self.open(MONDAY, type="question", category="Invoices")
        self.open(MONDAY, type="question", category="Invoices")
        self.open(MONDAY, type="question", category="Invoices")
        improve = self.figures().to_improve
        assert [(t.label.lower(), t.count) for t in improve] == [
            ("late delivery", 2),
            ("(no category yet)", 1),
            ("broken on arrival", 1),
        ]
        by_category = [(t.label.lower(), t.count) for t in self.figures().by_category]
        assert by_category[:2] == [("invoices", 3), ("late delivery", 2)]
        by_type = {t.label: t.count for t in self.figures().by_type}
        assert by_type == {"Complaint": 4, "Return": 0, "Change request": 0, "Question": 3}

    def test_cases_per_client_top_ten_with_names(self):
        ann = self.contact("Ann")
        for _ in range(3):
            self.open(MONDAY, contact=ann)
        self.open(MONDAY)
        for i in range(11):
            self.open(MONDAY, contact=self.contact(f"Zed{i:02}"))
        clients = self.figures().by_client
        assert len(clients) == 10
        assert [(c.contact_id, c.name, c.count) for c in clients[:2]] == [
            (ann.pk, "Ann", 3),
            (self.dan.pk, "Dan", 1),
        ]

    def test_months_are_the_workspaces_and_cross_summer_time(self):
        # Month boundaries are local midnights, at the offset of that day: +1 in winter, +2 in
        # summer. UTC (and the server's Chicago) would put some of these in other months.
        case = self.open(datetime(2026, 2, 28, 23, 30, tzinfo=STOCKHOLM))
        self.resolve(case, datetime(2026, 3, 1, 0, 15, tzinfo=STOCKHOLM))  # 23:15 UTC on 28 Feb
        self.open(datetime(2025, 10, 31, 23, 30, tzinfo=STOCKHOLM))  # summer time ended 26 Oct
        self.open(datetime(2025, 11, 1, 0, 10, tzinfo=STOCKHOLM))  # 23:10 UTC on 31 Oct
        self.open(datetime(2025, 4, 1, 0, 0, tzinfo=STOCKHOLM))  # 22:00 UTC on 31 Mar
        self.open(datetime(2025, 3, 31, 23, 59, tzinfo=STOCKHOLM))  # before the period
        trend = {m.month: (m.opened, m.resolved) for m in self.figures().trend}
        months = list(trend)
        assert (months[0], months[-1]) == (date(2025, 4, 1), date(2026, 3, 1))
        assert trend[date(2026, 2, 1)] == (1, 0)
        assert trend[date(2026, 3, 1)] == (0, 1)
        assert trend[date(2025, 10, 1)] == (1, 0)
        assert trend[date(2025, 11, 1)] == (1, 0)
        assert trend[date(2025, 4, 1)] == (1, 0)
        assert sum(opened for opened, _ in trend.values()) == 4
        assert self.figures().filed == 4

    def test_rating_and_resolution_within_target(self):
        quick, slow, unrated = (self.open(MONDAY) for _ in range(3))
        self.resolve(quick, MONDAY + timedelta(hours=2))
        self.resolve(slow, MONDAY + timedelta(days=16))  # 40 business hours were its target
        self.resolve(unrated, MONDAY + timedelta(hours=3))
        services.case_rate(quick, rating=5, now=NOW)
        services.case_rate(slow, rating=2, now=NOW)
        resolved = self.figures().resolved
        assert (resolved.count, resolved.within_target) == (3, 2)
        assert resolved.within_target_share == 2 / 3
        assert (resolved.rating, resolved.ratings) == (3.5, 2)

    def test_the_figures_say_hours_in_words(self):
        assert business_hours(None) == "—"
        assert business_hours(0.5) == "30 business minutes"
        assert business_hours(1.0) == "1 business hour"
        assert business_hours(5.46) == "5.5 business hours"
        assert business_hours(40.0) == "40 business hours"

    def test_the_chart_is_an_accessible_svg_without_style(self):
        trend = self.figures().trend
        svg = care_trend_chart(trend)
        assert svg.startswith("<svg")
        assert 'role="img"' in svg
        assert "aria-label=" in svg
        assert "style=" not in svg
        assert "<script" not in svg

    def test_the_page_shows_the_figures_in_a_fixed_number_of_queries(self):
        now = timezone.now()
        people_ = [self.dan, self.contact("Ann"), self.contact("Bea")]

        def add(count):
            for i in range(count):
                case = self.open(
                    now - timedelta(days=i % 40), contact=people_[i % 3], category=f"C{i % 4}"
                )
                if i % 2:
                    self.reply(case, now)
                    self.resolve(case, now)

        add(3)
        client = self.login(self.owner)
        client.get("/care/insight/")  # warm up what the site caches once
        with CaptureQueriesContext(connection) as three:
            response = client.get("/care/insight/")
        assert response.status_code == 200
        add(27)
        with self.assertNumQueries(len(three.captured_queries)):
            response = client.get("/care/insight/")
        html = response.content.decode()
        assert 'role="img"' in html
        assert "Things to improve" in html
        assert "Ann" in html
        assert "style=" not in html

    def test_an_outsider_sees_only_their_own_workspace(self):
        self.open(MONDAY, category="Late delivery")
        response = self.login(self.outsider).get("/care/insight/")
        assert response.status_code == 200
        assert response.context["insight"].filed == 0
        assert "Late delivery" not in response.content.decode()
        assert f"/people/{self.dan.pk}/" not in response.content.decode()  # (a bare "Dan" may
        # turn up inside a random CSRF token)

    def test_the_page_needs_a_member(self):
        response = self.client.get("/care/insight/")
        assert response.status_code == 302

    def test_the_api_gives_the_same_figures_to_its_own_workspace_only(self):
        case = self.open(timezone.now() - timedelta(days=1), category="Late delivery")
        self.resolve(case, timezone.now())
        body = self.api("GET", "/care/insight").json()
        assert body["filed"] == 1
        assert body["resolved"]["count"] == 1
        assert body["to_improve"] == [{"label": "Late delivery", "count": 1}]
        assert body["by_client"] == [{"contact": self.dan.pk, "name": "Dan", "count": 1}]
        assert len(body["trend"]) == 12
        assert len(body["open_by_age"]) == 5

        other = self.contact("Zoe", workspace=self.other_workspace)
        services.case_open(other, actor=self.outsider, type="question", subject="Hours?")
        theirs = self.api("GET", "/care/insight", token=self.outsider_token).json()
        assert theirs["filed"] == 1
        assert theirs["to_improve"] == []
        assert theirs["by_client"] == [{"contact": other.pk, "name": "Zoe", "count": 1}]
        assert self.api("GET", "/care/insight", token="").status_code == 401
