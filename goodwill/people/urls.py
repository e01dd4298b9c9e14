"""The people capability's pages: lists, forms, the contact page, duplicates, merge, exports."""

from goodwill.people import contact_views, export_views, import_views, list_views, merge_views

app_name = "people"

urlpatterns = [
    *list_views.urlpatterns,
    *contact_views.urlpatterns,
    *merge_views.urlpatterns,
    *export_views.urlpatterns,
    *import_views.urlpatterns,
]
