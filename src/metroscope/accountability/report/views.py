"""Staff pages of the accountability: the Board report (page and PDF) and the auditors' export."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from metroscope.accountability import access
from metroscope.accountability.activities.models import WorkPlan
from metroscope.accountability.report import auditors as auditor_export
from metroscope.accountability.report import jobs as report_jobs
from metroscope.accountability.report import render as report
from metroscope.core import exports, params
from metroscope.core.downloads import TABLE_FORMATS, excel_csv_stream
from metroscope.core.models import Job


def _refuse(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def report_page(request: HttpRequest) -> HttpResponse:
    if not access.can_view_board_report(request.user):
        return _refuse(request)
    years = list(WorkPlan.objects.order_by("year").values_list("year", flat=True))
    context = {
        "years": years,
        "report_languages": settings.LANGUAGES,
        "language": (get_language() or "en")[:2],
        "can_export": access.can_export_accounts(request.user),
        "tables": list(auditor_export.TABLES),
        "formats": {fmt: TABLE_FORMATS[fmt] for fmt in auditor_export.FORMATS},
        "show_report_link": True,
    }
    return render(request, "accountability/report_page.html", context)


def report_pdf(request: HttpRequest) -> HttpResponse:
    if not access.can_view_board_report(request.user):
        return _refuse(request)
    language = request.GET.get("lang", "en")
    if language not in dict(settings.LANGUAGES):
        language = "en"
    try:
        mandate = request.GET.get("mandate", "").strip()
        if mandate:
            years = report.parse_mandate(mandate)
            scope = report.scope_for(years=years, language=language, mandate=True)
        else:
            year = params.year(request.GET)
            if year is None:
                raise report.ReportError("Choose a year or a mandate.")
            scope = report.scope_for(years=[year], language=language)
    except report.ReportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    # 8–14 s of charts and pages: the task queue writes it; its page follows it and hands
    # over the file (straight away when the queue ran it already, as in a one-process trial).
    job = report_jobs.start(scope, request.user)
    if job.state == Job.State.DONE:
        return redirect("job_file", pk=job.pk)
    return redirect("job", pk=job.pk)


def accounts_export(
    request: HttpRequest, table: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    if not access.can_export_accounts(request.user):
        return _refuse(request)
    chosen = auditor_export.TABLES.get(table)
    if chosen is None or fmt not in auditor_export.FORMATS:
        raise Http404
    year = params.year(request.GET)
    stem = exports.safe_stem("metropolis", chosen.name, year or "")
    name = {"csv": f"{stem}.csv", "csv-excel": f"{stem}-excel.csv", "xlsx": f"{stem}.xlsx"}[fmt]
    response: HttpResponse | StreamingHttpResponse
    if fmt in ("csv", "csv-excel"):
        stream = exports.csv_stream if fmt == "csv" else excel_csv_stream
        response = StreamingHttpResponse(
            stream(chosen.fields, chosen.rows(year)),
            content_type=exports.MEDIA_TYPES["csv"],
        )
    else:
        buffer = io.BytesIO()
        exports.write_xlsx(
            chosen.fields,
            chosen.rows(year),
            buffer,
            sheet_title=chosen.name,
            about=auditor_export.about(chosen, year),
        )
        response = HttpResponse(buffer.getvalue(), content_type=exports.MEDIA_TYPES["xlsx"])
    return exports.attachment(response, name)
