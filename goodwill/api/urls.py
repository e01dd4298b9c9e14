"""Registers every capability's router on the one API instance. Imported once, by goodwill.urls."""

from goodwill.accounts.api import router as accounts_router
from goodwill.api.platform import api

api.add_router("/", accounts_router)
