from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from metroscope.accountability import moved as accountability_moved
from metroscope.api import api
from metroscope.core import health, job_views
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
    path("health/", health.health, name="health"),
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
    # Django's own password views, in the house's templates (core/templates/registration/).
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(template_name="registration/change_password.html"),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/change_password_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/reset_password.html",
            email_template_name="registration/reset_password_email.txt",
            subject_template_name="registration/reset_password_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/reset_password_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/reset_password_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/reset_password_done.html"
        ),
        name="password_reset_complete",
    ),
    path("me/", portal_views.me, name="me"),
    path("me/notifications/", core_views.notification_list, name="notifications"),
    path("me/notifications/<int:pk>/read/", core_views.notification_read, name="notification_read"),
    path(
        "me/notifications/read/", core_views.notifications_read_all, name="notifications_read_all"
    ),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<uuid:pk>/", job_views.job_page, name="job"),
    path("jobs/<uuid:pk>/file/", job_views.job_file, name="job_file"),
    path("jobs/<uuid:pk>/retry/", job_views.job_retry, name="job_retry"),
    path("accounts/tokens/", core_views.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", core_views.api_token_revoke, name="api_token_revoke"),
    prefix_default_language=False,
)
