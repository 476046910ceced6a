"""Survey results: for staff, response rates by region, role and language, counts split by
region, role or gender, and the answers as CSV or XLSX; for everyone, once staff publish
them, the aggregates only, with small cells suppressed."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from metroscope.core import exports
from metroscope.core.downloads import excel_csv_stream
from metroscope.listening import access, analytics, charts, selectors

EXPORT_FIELDS = [
    exports.Field("member", "string"),
    exports.Field("member_name", "string"),
    exports.Field("region", "string"),
    exports.Field("language", "string"),
    exports.Field("submitted_at", "datetime"),
    exports.Field("question_number", "integer"),
    exports.Field("question", "string"),
    exports.Field("kind", "string"),
    exports.Field("answer", "string"),
    exports.Field("contact", "string"),
]


def _split(request: HttpRequest) -> str:
    by = request.GET.get("by", "region")
    return by if by in selectors.SPLITS else "region"


def split_titles() -> dict[str, str]:
    return {"region": _("Region"), "role": _("Role"), "gender": _("Gender")}


def _chart(result: selectors.QuestionResult, rows: list[dict[str, Any]], by: str) -> Any:
    if not rows:
        return None
    return charts.option_counts_by(
        rows,
        options=[k for k, _n in result.totals],
        groups=selectors.group_order(by),
        option_title=_("Answer"),
        group_title=split_titles()[by],
        description=_("Answers to “%(question)s” by %(split)s")
        % {"question": result.question.text, "split": split_titles()[by].lower()},
    )


def staff_blocks(results: list[selectors.QuestionResult], by: str) -> list[dict[str, Any]]:
    return [
        {"result": r, "spec": _chart(r, r.counts, by), "chart_id": f"q-chart-{i}"}
        for i, r in enumerate(results)
    ]


def public_blocks(results: list[selectors.QuestionResult], by: str) -> list[dict[str, Any]]:
    """What may be published of each question: nothing below SMALL_CELL answers; totals
    and split cells with 1 or 2 as None; groups with too few respondents left out."""
    blocks = []
    for i, r in enumerate(results):
        block: dict[str, Any] = {"result": r, "chart_id": f"q-chart-{i}"}
        block["suppressed"] = r.answered < analytics.SMALL_CELL
        if not block["suppressed"]:
            rows, hidden = analytics.public_counts(r.counts, r.respondents)
            block["totals"] = [(k, analytics.suppressed(n)) for k, n in r.totals]
            block["counts"], block["hidden"] = rows, hidden
            block["spec"] = _chart(r, [row for row in rows if row["count"] is not None], by)
        blocks.append(block)
    return blocks


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey_for_staff(request.user, pk)
    by = _split(request)
    return render(
        request,
        "listening/survey_results.html",
        {
            "survey": survey,
            "by": by,
            "splits": split_titles(),
            "split_title": split_titles()[by],
            "rates": selectors.response_rates(survey),
            "rates_by_role": selectors.response_rates(survey, "role"),
            "rates_by_language": selectors.response_rates(survey, "language"),
            "blocks": staff_blocks(selectors.survey_results(survey, by), by),
            "invitations": selectors.sending_counts(survey),
        },
    )


def published_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "listening/published_list.html",
        {
            "surveys": selectors.published_surveys(),
            "staff": access.can_manage_surveys(request.user),
        },
    )


def published_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(selectors.published_surveys(), pk=pk)
    by = _split(request)
    rates = [
        {"group": r.group, "audience": r.members, "responded": analytics.suppressed(r.responded)}
        for r in selectors.response_rates(survey) or []
    ]
    return render(
        request,
        "listening/published_results.html",
        {
            "survey": survey,
            "by": by,
            "splits": split_titles(),
            "split_title": split_titles()[by],
            "rates": rates,
            "threshold": analytics.SMALL_CELL,
            "blocks": public_blocks(selectors.survey_results(survey, by), by),
        },
    )


@login_required
def survey_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    survey = access.access_survey_for_staff(request.user, pk)
    response = StreamingHttpResponse(
        exports.csv_stream(EXPORT_FIELDS, selectors.export_rows(survey)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.csv"'
    return response


@login_required
def survey_csv_excel(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The same answers as a CSV that Excel opens right in the reader's language."""
    survey = access.access_survey_for_staff(request.user, pk)
    response = StreamingHttpResponse(
        excel_csv_stream(EXPORT_FIELDS, selectors.export_rows(survey)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"survey-{survey.pk}-answers-excel.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def survey_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey_for_staff(request.user, pk)
    target = io.BytesIO()
    exports.write_xlsx(
        EXPORT_FIELDS,
        selectors.export_rows(survey),
        target,
        sheet_title="answers",
        about=[
            ("survey", survey.title),
            ("note", "Individual answers: personal data, for the Secretariat only."),
        ],
    )
    response = HttpResponse(
        target.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.xlsx"'
    return response
