from goodwill.care.insight_views import urlpatterns as insight_urlpatterns
from goodwill.care.views import app_name
from goodwill.care.views import urlpatterns as views_urlpatterns

urlpatterns = [*views_urlpatterns, *insight_urlpatterns]

__all__ = ["app_name", "urlpatterns"]
