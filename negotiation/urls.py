from django.contrib import admin
from django.urls import include, path

from negotiation import views

urlpatterns = [
    path("", views.lobby, name="lobby"),
    path("games/new/", views.create, name="create"),
    path("join/", views.join, name="join"),
    path("api/join/", views.api_join, name="api_join"),
    path("g/<str:code>/play/", views.play, name="play"),
    path("g/<str:code>/watch/", views.watch, name="watch"),
    path("g/<str:code>/facilitate/", views.facilitate, name="facilitate"),
    path("g/<str:code>/export/<str:kind>", views.export, name="export"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
