from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from metroscope.core import access, notifications, tokens
from metroscope.core.audit import audited_model, history_of
from metroscope.core.forms import ApiTokenForm
from metroscope.core.models import Notification
from metroscope.core.roles import requires


@requires(access.can_view_history)
def record_history(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    model = audited_model(app_label, model_name)
    if model is None:
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return render(
        request,
        "core/history.html",
        {"object": obj, "model_name": model._meta.verbose_name, "entries": history_of(obj)},
    )


@never_cache
def choose_language(request: HttpRequest, language: str) -> HttpResponse:
    """The header's language switcher: keeps the reader's choice in the language cookie (so an
    unprefixed page no longer follows her browser's language) and shows the page she was on
    in that language. A plain link, not Django's set_language form, so it works as one."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    # i18n_patterns resolve a path in the active language only: the one next_url is written in
    written_in = translation.get_language_from_path(next_url.split("?")[0])
    with translation.override(written_in or settings.LANGUAGE_CODE):
        target = translate_url(next_url, language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax"
    )
    return response


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and bots ask for /favicon.ico whatever the page links; send them to the SVG.
    Temporary (302) and cached a day: the static file's hashed name changes with each deploy."""
    return HttpResponseRedirect(static("metroscope/favicon.svg"))


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications.notifications_for(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "items": notifications.shown(page.object_list),
            "unread": notifications.unread_count(request.user),
        },
    )


def _back_to_list(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(wanted)
    return redirect("notifications")


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notifications.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    return _back_to_list(request)


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s notification marked as read.",
            "%(count)s notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return _back_to_list(request)


def login_locked(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a sign-in while its user name or address is locked out (django-axes),
    on the site's sign-in page and the back office's alike: 429, and when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request,
        "registration/locked.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A person's API tokens: issue one (its text shown this once), list them, revoke them."""
    form = ApiTokenForm(request.POST or None)
    plain = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, plain = tokens.issue(
                request.user,
                form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                read_only=form.cleaned_data["read_only"],
            )
            form = ApiTokenForm()
        else:
            status = 400
    return render(
        request,
        "core/tokens.html",
        {
            "form": form,
            "plain": plain,
            "tokens": tokens.tokens_of(request.user),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = tokens.token_revoke(user=request.user, pk=pk)
    except LookupError:
        raise Http404 from None
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens")
