"""The Board report as HTML (Django templates) and as a PDF (WeasyPrint), in one language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from metroscope.accountability.activities.models import WorkPlan
from metroscope.accountability.report.sections import SECTIONS, Scope
from metroscope.plan import selectors as plan_selectors


class ReportError(ValueError):
    """The report cannot be made as asked (no plan, years outside it)."""


def parse_mandate(text: str) -> list[int]:
    """ "2021-2023" → [2021, 2022, 2023]; a clear error otherwise."""
    first, sep, last = text.partition("-")
    if not sep or not first.strip().isdigit() or not last.strip().isdigit():
        raise ReportError(_("A mandate is two years like 2021-2023."))
    start, end = int(first), int(last)
    if end < start:
        raise ReportError(_("A mandate's last year comes after its first."))
    return list(range(start, end + 1))


def scope_for(*, years: list[int], language: str, mandate: bool = False) -> Scope:
    plan = plan_selectors.current_plan()
    if plan is None:
        raise ReportError(_("No strategic plan is loaded."))
    known = set(WorkPlan.objects.values_list("year", flat=True))
    missing = [year for year in years if year not in known]
    if missing:
        raise ReportError(
            _("There is no work plan for %(years)s (work plans: %(known)s).")
            % {
                "years": ", ".join(str(y) for y in missing),
                "known": ", ".join(str(y) for y in sorted(known)) or "—",
            }
        )
    last_day = dt.date(years[-1], 12, 31)
    return Scope(
        plan=plan,
        years=years,
        language=language,
        on=min(timezone.localdate(), last_day),
        mandate=mandate,
    )


Progress = Callable[[int, int], None]  # (sections written, sections in all)


def report_html(scope: Scope, progress: Progress | None = None) -> str:
    """Every section in order (mandate-only ones in a mandate report), in scope.language."""
    with translation.override(scope.language):
        parts = []
        illustrative = False  # a section's own sample rows (people, risks) flag it too
        chosen = [s for s in SECTIONS if scope.mandate or not s.mandate_only]
        for done, section in enumerate(chosen):
            if progress is not None:
                progress(done, len(chosen) + 1)  # the last step writes the PDF's pages
            context: dict[str, Any] = {"section": section, "scope": scope, **section.build(scope)}
            illustrative = illustrative or bool(context.get("illustrative"))
            parts.append({"section": section, "html": render_to_string(section.template, context)})
        cached = scope.cache
        illustrative = (
            illustrative
            or any(
                getattr(cached.get(key), "illustrative", False)
                for key in ("finances", "funding", "carbon")
            )
            or any(a.illustrative for a in cached.get("activities", []))
        )
        return render_to_string(
            "accountability/report/report.html",
            {"scope": scope, "parts": parts, "illustrative": illustrative, "made_on": scope.on},
        )


def report_pdf(scope: Scope, progress: Progress | None = None) -> bytes:
    """The PDF; the HTML embeds its charts, so the fetcher allows data: URLs only.
    `progress` hears of each section drawn, then of the pages being written."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    html = report_html(scope, progress)
    if progress is not None:
        steps = sum(1 for s in SECTIONS if scope.mandate or not s.mandate_only) + 1
        progress(steps - 1, steps)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())
