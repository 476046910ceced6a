from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from metroscope.core.audit import audited_model, history_of


@login_required
def record_history(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    if not request.user.has_perm("core.view_history"):
        raise PermissionDenied
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
