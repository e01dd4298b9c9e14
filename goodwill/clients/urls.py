from goodwill.clients.fit_views import urlpatterns as fit_urlpatterns
from goodwill.clients.views import app_name
from goodwill.clients.views import urlpatterns as views_urlpatterns

urlpatterns = [*views_urlpatterns, *fit_urlpatterns]

__all__ = ["app_name", "urlpatterns"]
