from django.urls import path

from goodwill.core import backup_views, views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("system/", views.system, name="system"),
    path("accounts/me/test-email/", views.test_email, name="test_email"),
    path("settings/backup/", backup_views.backup, name="backup"),
    path("settings/backup/download", backup_views.backup_download, name="backup_download"),
]
