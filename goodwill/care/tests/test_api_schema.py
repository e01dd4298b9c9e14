"""The OpenAPI schema describes what /api/v1/care/insight answers (a finding of the API fuzz)."""

from goodwill.core.testing import GoodwillTestCase


class InsightSchemaTests(GoodwillTestCase):
    def test_the_trend_months_are_documented_with_the_fields_they_have(self):
        """Two schemas named MonthOut (care's and the agreements' health) were one in the
        OpenAPI document, so the insight's trend was documented with the other's fields."""
        spec = self.client.get("/api/v1/openapi.json").json()
        insight = spec["components"]["schemas"]["InsightOut"]
        month_ref = insight["properties"]["trend"]["items"]["$ref"]
        month = spec["components"]["schemas"][month_ref.rsplit("/", 1)[1]]
        trend = self.api("GET", "/care/insight").json()["trend"]
        assert set(month["properties"]) == set(trend[0]) == {"month", "opened", "resolved"}
