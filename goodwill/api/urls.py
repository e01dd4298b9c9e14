"""The one API instance with every capability's router registered on it."""

from goodwill.accounts.api import router as accounts_router
from goodwill.api.platform import api

api.add_router("/", accounts_router)

__all__ = ["api"]
