"""The money page of the plan: aggregates for everyone, member fees for the Board and the
Secretariat, expense lines for the Secretariat."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from metroscope.accountability import access
from metroscope.accountability.activities import selectors
from metroscope.accountability.ledger import charts
from metroscope.accountability.ledger import selectors as accounts
from metroscope.accountability.ledger.models import FundingKind
from metroscope.core import params
from metroscope.core.paging import paginate


def _year(request: HttpRequest) -> int | None:
    return params.year(request.GET)


def money_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    overview = accounts.money_overview(year=year)
    show_fees = access.can_view_member_fees(request.user)
    show_expenses = access.can_view_expense_lines(request.user)
    context = {
        "overview": overview,
        "mix_spec": charts.funding_mix_chart(overview.mix),
        "member_fees": paginate(
            request, accounts.member_fees(year=year), param="fees", per_page=200, anchor="fees"
        )
        if show_fees
        else None,
        # every line stays reachable, a page at a time; the totals above sum them all
        "expenses": paginate(
            request,
            accounts.expense_keys(year=year),
            per_page=100,
            anchor="expense-lines",
            fetch=accounts.expenses_by_key,
        )
        if show_expenses
        else None,
        "illustrative": overview.illustrative or selectors.illustrative_activities(),
        "kinds": dict(FundingKind.choices),
        "can_edit": access.can_edit_activities(request.user),
        "show_report_link": show_fees,  # the fees' readers (Board, Secretariat) are the report's
    }
    return render(request, "accountability/money.html", context)
