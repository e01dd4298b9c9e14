from goodwill.agreements import breach_views, health_views, views

app_name = "agreements"

urlpatterns = [*views.urlpatterns, *breach_views.urlpatterns, *health_views.urlpatterns]
