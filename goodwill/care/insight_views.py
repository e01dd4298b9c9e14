"""The care insight page (E6): response and resolution times, open cases by age, what the
cases are about and who files them, and the last 12 months month by month."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.care.insight import insight


@member_required
def insight_page(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request, "care/insight.html", {"insight": insight(request.workspace, timezone.now())}
    )


urlpatterns = [
    path("care/insight/", insight_page, name="insight"),
]
