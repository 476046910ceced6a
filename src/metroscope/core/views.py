from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from metroscope.core import access
from metroscope.core.audit import audited_model, history_of
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
