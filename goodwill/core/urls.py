from django.urls import path

from goodwill.core import audit_views, backup_views, views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("system/", views.system, name="system"),
    path("accounts/me/test-email/", views.test_email, name="test_email"),
    path("settings/backup/", backup_views.backup, name="backup"),
    path("settings/audit/", audit_views.audit_page, name="audit"),
    path("settings/backup/download", backup_views.backup_download, name="backup_download"),
]
