from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from metroscope.accountability import moved as accountability_moved
from metroscope.api import api
from metroscope.core import views as core_views
from metroscope.events import moved as events_moved
from metroscope.members import views as member_views
from metroscope.portal import views as portal_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/programs/", include(events_moved.admin_patterns)),  # now admin/events/
    path("admin/plan/", include(accountability_moved.admin_patterns)),  # admin/accountability/
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/choose/<str:language>/", core_views.choose_language, name="choose_language"),
    path("favicon.ico", core_views.favicon, name="favicon"),
]
urlpatterns += i18n_patterns(
    path("", portal_views.home, name="home"),
    path("about/", portal_views.about, name="about"),
    path("search/", portal_views.site_search, name="search"),
    path("members/", include("metroscope.members.urls")),
    path("bodies/", member_views.statutory_bodies, name="bodies"),
    path("plan/", include("metroscope.plan.urls")),
    path("plan/", include("metroscope.accountability.urls")),
    path("observatory/", include("metroscope.observatory.urls")),
    path("exchange/", include("metroscope.exchange.urls")),
    path("listening/", include("metroscope.listening.urls")),
    path("events/", include("metroscope.events.urls")),
    path("programs/", include(events_moved.page_patterns)),  # now events/ (issue 16)
    path("community/", include("metroscope.community.urls")),
    path("awards/", include("metroscope.awards.urls")),
    path(
        "history/<str:app_label>/<str:model_name>/<int:pk>/",
        core_views.record_history,
        name="history",
    ),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    prefix_default_language=False,
)
