from django.urls import path

from goodwill.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "accounts/password/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("accounts/me/sessions/<int:pk>/revoke/", views.session_revoke, name="session_revoke"),
    path(
        "accounts/me/sessions/revoke-others/",
        views.sessions_revoke_others,
        name="sessions_revoke_others",
    ),
    path("accounts/me/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/me/two-factor/codes/", views.recovery_codes, name="recovery_codes"),
    path("accounts/me/two-factor/off/", views.two_factor_disable, name="two_factor_disable"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/me/", views.account, name="account"),
    path("workspaces/new/", views.workspace_new, name="workspace_new"),
    path("workspaces/switch/", views.workspace_switch, name="workspace_switch"),
    path("settings/", views.workspace_settings, name="workspace_settings"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/add/", views.member_add, name="member_add"),
    path("settings/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("settings/members/invite/", views.member_invite, name="member_invite"),
    path(
        "settings/members/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
