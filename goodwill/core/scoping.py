"""The one way to reach workspace-owned records.

Every model that holds a workspace's data inherits `WorkspaceOwned`. Views, API operations and
commands load such records only through `scoped()` and `get_scoped_or_404()`, which take the
workspace as a required argument, so no code path can read across workspaces by forgetting a
filter. A record of another workspace is indistinguishable from one that does not exist (404).
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404

from goodwill.core import acting

if TYPE_CHECKING:
    from goodwill.accounts.models import Workspace


class WorkspaceOwned(models.Model):
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    # Saving or deleting one record through the model (not a bulk query) while a person acts
    # writes the audit trail; see goodwill.core.audit for what is left out and why.
    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if acting.current() is not None:
            from goodwill.core import audit

            audit.record_write(self, "create" if adding else "change", self.pk)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        pk = self.pk
        result = super().delete(*args, **kwargs)
        if acting.current() is not None:
            from goodwill.core import audit

            audit.record_write(self, "delete", pk)
        return result


def scoped[M: models.Model](model: type[M], workspace: "Workspace") -> models.QuerySet[M]:
    """All records of *model* (any model with a workspace field) in *workspace*, and only those."""
    if workspace is None or workspace.pk is None:
        raise ValueError("scoped() needs a saved workspace.")
    return model._default_manager.filter(workspace=workspace)


def get_scoped_or_404[M: models.Model](model: type[M], workspace: "Workspace", **lookup: Any) -> M:
    """One record of *model* in *workspace* matching *lookup*, or Http404.

    A malformed key (say, letters where an id goes) is also a 404, never a 500.
    """
    try:
        return scoped(model, workspace).get(**lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from None
