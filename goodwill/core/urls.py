from django.urls import path

from goodwill.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("system/", views.system, name="system"),
    path("accounts/me/test-email/", views.test_email, name="test_email"),
]
