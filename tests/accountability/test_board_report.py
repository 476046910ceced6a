"""The Board report: made in each language (headings read back from the PDF), totals equal to
sums recomputed from the raw rows, the command, who may download it, and the auditors' export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader

from metroscope.accountability.ledger import sample as sample_accounts
from metroscope.accountability.ledger.models import BudgetLine, Expense, FundingSource
from metroscope.accountability.report import render
from metroscope.plan.models import Outcome
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
YEAR = 2022


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Thousands separators come out as (narrow) no-break spaces in French.
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def eur(value: Decimal, language: str) -> str:
    with translation.override(language):
        return " ".join(
            str(floatformat(value, "2g")).replace("\u202f", " ").replace("\xa0", " ").split()
        )


@pytest.fixture
def sample(db):
    sample_accounts.sample_accounts_load()


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("en", ["Summary", "Finances", "Members engaged", "Funding mix and diversification"]),
        ("fr", ["Résumé", "Finances", "Membres mobilisés", "Diversification des financements"]),
        (
            "es",
            ["Resumen", "Finanzas", "Miembros implicados", "Diversificación de la financiación"],
        ),
    ],
)
def test_report_in_each_language_has_translated_headings_and_recomputed_totals(
    sample, language, headings
):
    pdf = render.report_pdf(render.scope_for(years=[YEAR], language=language))
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for heading in headings:
        assert heading in text
    budget = sum(BudgetLine.objects.filter(year=YEAR).values_list("amount_eur", flat=True))
    spent = sum(Expense.objects.filter(date__year=YEAR).values_list("amount_eur", flat=True))
    funding = sum(FundingSource.objects.filter(year=YEAR).values_list("amount_eur", flat=True))
    assert budget > 0
    assert spent > 0
    for total in (budget, spent, funding):
        assert eur(total, language) in text
    assert "Illustrative" in text or "illustrati" in text.lower()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_report_lists_every_outcome_by_its_title_in_the_report_language(language):
    """Issue 19: "Progress against the plan" had a row per outcome and no title in it."""
    text = text_of(render.report_pdf(render.scope_for(years=[YEAR], language=language)))
    with translation.override(language):
        heading = translation.gettext("Progress against the plan")
    progress = text[text.index(heading) :]
    outcomes = list(Outcome.objects.all())
    assert len(outcomes) >= 20
    missing = [
        (o.code, title)
        for o in outcomes
        if (title := " ".join(getattr(o, f"text_{language}").split())) not in progress
        or o.code not in progress
    ]
    assert missing == []


def test_mandate_report_compares_years(sample):
    scope = render.scope_for(years=render.parse_mandate("2021-2023"), language="en", mandate=True)
    text = text_of(render.report_pdf(scope))
    assert "Final evaluation of the mandate 2021–2023" in text
    assert "Year on year" in text


def test_mandate_and_year_errors_are_clear():
    with pytest.raises(render.ReportError, match="two years"):
        render.parse_mandate("2021")
    with pytest.raises(render.ReportError, match="after its first"):
        render.parse_mandate("2023-2021")
    with pytest.raises(render.ReportError, match="no work plan for 1999"):
        render.scope_for(years=[1999], language="en")


def test_command_writes_the_pdf(tmp_path):
    out = tmp_path / "report.pdf"
    call_command("board_report", "--year", str(YEAR), "--lang", "fr", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert "Résumé" in text_of(out.read_bytes())
    with pytest.raises(CommandError, match="no work plan"):
        call_command("board_report", "--year", "1999", "--out", str(out))


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("board_member", 200), ("officer_barcelona", 403), ("anonymous", 302)],
)
def test_only_secretariat_and_board_get_the_report(request, persona, status):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get("/plan/report/").status_code == status
    response = client.get(f"/plan/report/board-report.pdf?year={YEAR}&lang=es")
    if status == 200:  # a job of the task queue, which here ran at once: sent to its file
        assert response.status_code == 302
        response = client.get(response["Location"])
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    else:
        assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("board_member", 403), ("officer_barcelona", 403), ("anonymous", 302)],
)
def test_only_the_secretariat_exports_the_accounts(request, persona, status):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get("/plan/accounts-export/expenses.csv")
    assert response.status_code == status


def test_accounts_export_neutralises_formulas_and_sums_like_the_rows(staff, sample):
    expense = Expense.objects.first()
    Expense.objects.filter(pk=expense.pk).update(supplier="=HYPERLINK(1)")
    response = client_for(staff).get(f"/plan/accounts-export/expenses.csv?year={YEAR}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == Expense.objects.filter(date__year=YEAR).count()
    total = sum(Decimal(r["amount_eur"]) for r in rows)
    assert total == sum(
        Expense.objects.filter(date__year=YEAR).values_list("amount_eur", flat=True)
    )
    all_rows = client_for(staff).get("/plan/accounts-export/expenses.csv")
    assert b"'=HYPERLINK(1)" in b"".join(all_rows.streaming_content)
    xlsx = client_for(staff).get("/plan/accounts-export/funding.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert client_for(staff).get("/plan/accounts-export/nothing.csv").status_code == 404


def test_export_accounts_command_writes_csv_and_refuses_other_suffixes(tmp_path, sample):
    out = tmp_path / "budget.csv"
    call_command("export_accounts", "budget_lines", "--out", str(out), "--year", str(YEAR))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == BudgetLine.objects.filter(year=YEAR).count()
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("export_accounts", "funding", "--out", str(tmp_path / "x.pdf"))


def test_report_gender_and_risks_sections_equal_the_raw_rows(sample):
    from metroscope.accountability.people.models import Participant, ParticipantCount
    from metroscope.accountability.risks.models import Risk, RiskStatus

    year = 2023  # the sample has no participants in 2022: its activities were online
    html = render.report_html(render.scope_for(years=[year], language="en"))
    women = (
        sum(
            ParticipantCount.objects.filter(
                activity__work_plan__year=year, gender="female"
            ).values_list("count", flat=True)
        )
        + Participant.objects.filter(activity__work_plan__year=year, gender="female").count()
    )
    assert women > 0
    gender = html[html.index('data-testid="report-gender-balance"') :]
    body = gender[gender.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert f">{year}<" in first_row
    assert f'class="num">{women}<' in first_row  # participants of the year: women column
    risks = html[html.index('data-testid="report-risks"') :]
    register = list(Risk.objects.all())
    assert register
    for risk in register:
        assert escape(risk.title) in risks
    open_risks = sum(1 for r in register if r.status != RiskStatus.CLOSED)
    assert f"{open_risks} open risk" in html
    assert "participants and risks in this report were made up" in html
