import ast
from pathlib import Path

from django.apps import apps
from django.http import Http404

from goodwill.accounts.models import ApiToken, Membership
from goodwill.core.scoping import WorkspaceOwned, get_scoped_or_404, scoped
from goodwill.core.testing import GoodwillTestCase

# Installation-wide rows: they describe users, the installation or the worker, not a workspace's
# data. Every other model of Goodwill must carry a workspace and be reached through scoping.
NOT_WORKSPACE_DATA = {
    "accounts.User",
    "accounts.Workspace",
    "accounts.LoginFailure",
    "accounts.UserSession",
    "accounts.TwoFactor",
    "accounts.RecoveryCode",
    "core.WorkerHeartbeat",
    "core.SweepState",
    "core.RateLimitHit",
}


class ScopingTests(GoodwillTestCase):
    def test_it_finds_a_record_in_its_own_workspace(self):
        token = ApiToken.objects.get(user=self.owner)
        assert get_scoped_or_404(ApiToken, self.workspace, pk=token.pk) == token

    def test_it_hides_another_workspaces_record(self):
        token = ApiToken.objects.get(user=self.outsider)
        with self.assertRaises(Http404):
            get_scoped_or_404(ApiToken, self.workspace, pk=token.pk)

    def test_it_answers_404_for_a_malformed_key(self):
        with self.assertRaises(Http404):
            get_scoped_or_404(ApiToken, self.workspace, pk="not-a-number")

    def test_it_lists_only_the_workspaces_records(self):
        emails = set(scoped(Membership, self.workspace).values_list("user__email", flat=True))
        assert emails == {self.owner.email, self.assistant.email}

    def test_it_refuses_to_scope_without_a_saved_workspace(self):
        with self.assertRaises(ValueError):
            scoped(ApiToken, None)  # type: ignore[arg-type]

    def test_every_goodwill_model_belongs_to_a_workspace(self):
        unscoped = []
        for model in apps.get_models():
            if not model.__module__.startswith("goodwill."):
                continue
            label = model._meta.label
            has_workspace = any(f.name == "workspace" for f in model._meta.fields)
            if label not in NOT_WORKSPACE_DATA and not has_workspace:
                unscoped.append(label)
        assert unscoped == [], f"Models without a workspace: {unscoped}"

    def test_workspace_owned_models_cascade_with_their_workspace(self):
        assert issubclass(ApiToken, WorkspaceOwned)
        self.other_workspace.delete()
        assert not ApiToken.objects.filter(user=self.outsider).exists()


def workspace_owned_model_names() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if issubclass(model, WorkspaceOwned) and model.__module__.startswith("goodwill.")
    }


def test_views_and_api_never_query_workspace_data_around_the_scoping_helpers():
    """Pages and API operations must reach workspace data through scoped()/get_scoped_or_404(),
    never through Model.objects, where forgetting the workspace filter would go unnoticed."""
    names = workspace_owned_model_names()
    offenders = []
    for path in sorted(Path(__file__).resolve().parents[2].glob("*/*.py")):
        if path.stem not in {"views", "api"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"objects", "_default_manager"}
                and isinstance(node.value, ast.Name)
                and node.value.id in names
            ):
                offenders.append(f"{path.parent.name}/{path.name}:{node.lineno} {node.value.id}")
    assert offenders == []
