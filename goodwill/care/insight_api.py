"""/api/v1/care/insight: the figures of the care insight page (E6)."""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from goodwill.api.platform import workspace_of
from goodwill.care.insight import Insight, insight

router = Router(tags=["care"])


class TallyOut(Schema):
    label: str
    count: int


class ClientOut(Schema):
    contact: int = Field(alias="contact_id")
    name: str
    count: int


class InsightMonthOut(Schema):
    month: date = Field(description="Its first day, in the workspace's time zone")
    opened: int
    resolved: int


class MedianOut(Schema):
    hours: float | None = Field(description="Business hours, less waiting on the customer")
    count: int = Field(description="The cases it is the median of")


class ResolvedOut(Schema):
    count: int
    within_target: int = Field(description="Resolved by their due date")
    within_target_share: float | None
    resolution: MedianOut
    rating: float | None = Field(description="The customers' average rating, 1 to 5")
    ratings: int


class InsightOut(Schema):
    start: datetime = Field(description="The period's start; it runs until now")
    end: datetime
    filed: int = Field(description="Cases filed in the period")
    open: int = Field(description="Cases open now")
    first_response: MedianOut
    resolved: ResolvedOut
    open_by_age: list[TallyOut]
    by_type: list[TallyOut]
    by_category: list[TallyOut]
    to_improve: list[TallyOut] = Field(description="The complaints' categories, most first")
    by_client: list[ClientOut] = Field(description="The 10 contacts who filed the most")
    trend: list[InsightMonthOut]


@router.get(
    "/care/insight",
    response=InsightOut,
    summary="Care figures for the last 12 months",
    description=(
        "Median business hours to first response and to resolution, the share resolved within "
        "target, the average rating, open cases by age, cases by type, category and client, "
        "and cases opened and resolved each month. Spam and duplicates are left out."
    ),
)
def insight_get(request: HttpRequest) -> Insight:
    return insight(workspace_of(request), timezone.now())
