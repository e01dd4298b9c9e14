"""The one API instance with every capability's router registered on it."""

from goodwill.accounts.api import router as accounts_router
from goodwill.agenda.api import router as agenda_router
from goodwill.agreements.api import router as agreements_router
from goodwill.agreements.breach_api import router as agreements_breach_router
from goodwill.agreements.health_api import router as agreements_health_router
from goodwill.api.platform import api
from goodwill.care.api import router as care_router
from goodwill.care.insight_api import router as care_insight_router
from goodwill.clients.api import router as clients_router
from goodwill.clients.fit_api import router as fit_router
from goodwill.core.audit_api import router as audit_router
from goodwill.events.api import router as events_router
from goodwill.messaging.api import router as messaging_router
from goodwill.people.api import router as people_router
from goodwill.people.import_api import router as imports_router
from goodwill.touchpoints.api import router as touchpoints_router

api.add_router("/", accounts_router)
api.add_router("/", people_router)
api.add_router("/", imports_router)
api.add_router("/", touchpoints_router)
api.add_router("/", agenda_router)
api.add_router("/", messaging_router)
api.add_router("/", care_router)
api.add_router("/", care_insight_router)
api.add_router("/", fit_router)
api.add_router("/", clients_router)
api.add_router("/", agreements_router)
api.add_router("/", agreements_breach_router)
api.add_router("/", agreements_health_router)
api.add_router("/", events_router)
api.add_router("/", audit_router)

__all__ = ["api"]
