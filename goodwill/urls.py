from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from goodwill.api.urls import api
from goodwill.core import views as core_views

admin.site.site_header = "Goodwill operations"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    # The admin signs in through Goodwill's own, throttled, login page.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("", include("goodwill.accounts.urls")),
    path("", include("goodwill.people.urls")),
    path("", include("goodwill.touchpoints.urls")),
    path("", include("goodwill.agenda.urls")),
    path("", include("goodwill.messaging.urls")),
    path("", include("goodwill.care.urls")),
    path("", include("goodwill.clients.urls")),
    path("", include("goodwill.agreements.urls")),
    path("", include("goodwill.events.urls")),
    path("", include("goodwill.dav.urls")),
    path("", include("goodwill.core.urls")),
]

handler400 = "goodwill.core.views.bad_request"
handler403 = "goodwill.core.views.permission_denied"
handler404 = "goodwill.core.views.page_not_found"
handler500 = "goodwill.core.views.server_error"
