from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import JavaScriptCatalog, set_language

from negotiation import views

urlpatterns = [
    path("", views.lobby, name="lobby"),
    path("games/new/", views.create, name="create"),
    path("games/<str:code>/archive/", views.archive, name="archive"),
    path("games/<str:code>/delete/", views.delete_game, name="delete_game"),
    path("help/", views.help_page, name="help"),
    # The consoles' strings in the page's language (gettext() in the scripts), and the
    # language switch every page offers (a POST; the choice is kept in a cookie).
    path("i18n/js/", JavaScriptCatalog.as_view(packages=["negotiation"]), name="jsi18n"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("join/", views.join, name="join"),
    path("api/join/", views.api_join, name="api_join"),
    path("g/<str:code>/play/", views.play, name="play"),
    path("g/<str:code>/watch/", views.watch, name="watch"),
    path("g/<str:code>/facilitate/", views.facilitate, name="facilitate"),
    path("g/<str:code>/export/<str:kind>", views.export, name="export"),
    # django.contrib.auth's pages, less the password reset ones: this server sends no mail.
    # Logging in is throttled (views.login), the admin's log-in page too.
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
]

# Friendly pages (JSON under /api/), never a traceback or the URL patterns.
handler400 = "negotiation.views.bad_request"
handler403 = "negotiation.views.permission_denied"
handler404 = "negotiation.views.page_not_found"
handler500 = "negotiation.views.server_error"
