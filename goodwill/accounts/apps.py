from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goodwill.accounts"
    label = "accounts"
    verbose_name = "Accounts and workspaces"

    def ready(self) -> None:
        from goodwill.accounts import receivers  # noqa: F401  (connects the sign-in receivers)
