"""The people capability's pages: lists and forms, the contact page, duplicates and merge."""

from goodwill.people import contact_views, list_views, merge_views

app_name = "people"

urlpatterns = [*list_views.urlpatterns, *contact_views.urlpatterns, *merge_views.urlpatterns]
