from django.urls import path, re_path

from goodwill.dav import views

app_name = "dav"

# Collections answer with and without their trailing slash: clients differ, and a redirect
# would turn a PROPFIND or REPORT into a GET in some of them.
urlpatterns = [
    path(".well-known/carddav", views.well_known, name="well_known"),
    re_path(r"^dav/?$", views.root, name="root"),
    re_path(r"^dav/principals/(?P<user>[^/]+)/?$", views.principal, name="principal"),
    re_path(r"^dav/addressbooks/(?P<user>[^/]+)/?$", views.home, name="home"),
    re_path(r"^dav/addressbooks/(?P<user>[^/]+)/(?P<workspace>[^/]+)/?$", views.book, name="book"),
    re_path(
        r"^dav/addressbooks/(?P<user>[^/]+)/(?P<workspace>[^/]+)/(?P<name>[^/]+)$",
        views.card_resource,
        name="card",
    ),
]
