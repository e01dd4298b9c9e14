"""What every app's tests build on: named users in two workspaces, and API and login helpers.

- owner: owns the "Ortiz Consulting" workspace
- assistant: an assistant in the same workspace
- outsider: owns "Outside Bakery", another workspace, and must never see Ortiz's data
"""

import json
from typing import Any

from django.test import Client, TestCase

from goodwill.accounts import services
from goodwill.accounts.models import Membership, Role, User, Workspace

PASSWORD = "correct horse battery staple"


class GoodwillTestCase(TestCase):
    owner: User
    assistant: User
    outsider: User
    workspace: Workspace
    other_workspace: Workspace
    owner_token: str
    assistant_token: str
    outsider_token: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = services.user_create(
            email="dan@ortiz.example", password=PASSWORD, name="Dan Ortiz"
        )
        cls.assistant = services.user_create(
            email="ava@ortiz.example", password=PASSWORD, name="Ava Brook"
        )
        cls.outsider = services.user_create(
            email="olga@bakery.example", password=PASSWORD, name="Olga Baker"
        )
        cls.workspace = services.workspace_create(
            owner=cls.owner, name="Ortiz Consulting", time_zone="America/Chicago"
        )
        services.member_add(workspace=cls.workspace, user=cls.assistant, role=Role.ASSISTANT)
        cls.other_workspace = services.workspace_create(
            owner=cls.outsider, name="Outside Bakery", time_zone="Europe/Berlin"
        )
        cls.owner_token = services.token_create(
            workspace=cls.workspace, user=cls.owner, name="owner"
        )[1]
        cls.assistant_token = services.token_create(
            workspace=cls.workspace, user=cls.assistant, name="assistant"
        )[1]
        cls.outsider_token = services.token_create(
            workspace=cls.other_workspace, user=cls.outsider, name="outsider"
        )[1]

    def login(self, user: User) -> Client:
        self.client.force_login(user)
        return self.client

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(
            user=user, workspace__in=[self.workspace, self.other_workspace]
        )

    def api(
        self, method: str, path: str, *, token: str | None = None, body: Any = None, **extra: Any
    ) -> Any:
        """Call /api/v1/{path} with a bearer token (the owner's unless told otherwise)."""
        headers = {"Authorization": f"Bearer {token or self.owner_token}"} if token != "" else {}
        kwargs: dict[str, Any] = {"headers": headers, **extra}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(f"/api/v1/{path.lstrip('/')}", **kwargs)
