from django.urls import path

from goodwill.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/me/", views.account, name="account"),
    path("workspaces/new/", views.workspace_new, name="workspace_new"),
    path("workspaces/switch/", views.workspace_switch, name="workspace_switch"),
    path("settings/", views.workspace_settings, name="workspace_settings"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/add/", views.member_add, name="member_add"),
    path("settings/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
