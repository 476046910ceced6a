"""Activities as IATI activity XML, version 2.03 (https://iatistandard.org/en/iati-standard/203/).

Each activity carries its results, one budget per year (the sum of its budget lines) and one
expenditure transaction per year (the sum of its expenses in EUR, net of refunds and corrections,
so the value can be negative: the schema's value is an xsd:decimal). Expenses are published
summed per year, not line by line: suppliers and documents are for the Secretariat only. Rows of
the illustrative sample accounts are left out of this open export.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from lxml import etree

from metroscope.accountability.activities.models import (
    Activity,
    ActivityStatus,
    DatePrecision,
    ResultIndicator,
    ResultPeriod,
    WorkPlanStatus,
)
from metroscope.accountability.ledger.models import BudgetLine, Expense
from metroscope.members.models import Member
from metroscope.plan import models as framework

VERSION = "2.03"
SCHEMA = Path(settings.DATA_DIR) / "schemas" / "iati-2.03" / "iati-activities-schema.xsd"
# Metropolis has no registered IATI organisation identifier in our data: "XX-" marks the
# placeholder until the Secretariat registers one (org-id.guide) and sets the setting.
DEFAULT_ORG_REF = "XX-METROPOLIS"
ORG_NAME = "Metropolis, World Association of the Major Metropolises"
ORG_TYPE = "21"  # IATI OrganisationType: International NGO
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# IATI ActivityStatus codes.
STATUS = {
    ActivityStatus.PLANNED: "1",
    ActivityStatus.ONGOING: "2",
    ActivityStatus.COMPLETED: "3",
    ActivityStatus.CANCELLED: "5",
}
SECTOR_VOCABULARY = "99"  # reporting organisation's own codes: the plan's orienting themes
GENDER_POLICY = "1"  # PolicyMarker code 1: gender equality
RESULT_OUTCOME = "2"
BUDGET_ORIGINAL = "1"  # BudgetType
BUDGET_INDICATIVE, BUDGET_COMMITTED = "1", "2"  # BudgetStatus: committed once the Board approved
EXPENDITURE = "4"  # TransactionType


@dataclass
class Spent:
    """An activity's expenses of one year, summed (EUR)."""

    total: Decimal
    last: dt.date
    count: int
    negative: int


@dataclass
class Money:
    budgets: dict[int, dict[int, Decimal]]  # activity → year → EUR
    spent: dict[int, dict[int, Spent]]  # activity → year → expenses


def activity_money(*, year: int | None = None) -> Money:
    """Budgets and expenses by activity and year, real rows only, of the activities of a work
    plan's year or of all (two grouped queries)."""
    money = Money(defaultdict(dict), defaultdict(dict))
    scope = {} if year is None else {"activity__work_plan__year": year}
    lines = (
        BudgetLine.objects.filter(illustrative=False, **scope)
        .order_by()
        .values_list("activity_id", "year")
        .annotate(total=Sum("amount_eur"))
    )
    for pk, budget_year, total in lines:
        money.budgets[pk][budget_year] = total
    expenses = (
        Expense.objects.filter(illustrative=False, **scope)
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values_list("activity_id", "year")
        .annotate(
            total=Sum("amount_eur"),
            last=Max("date"),
            n=Count("pk"),
            negative=Count("pk", filter=Q(amount__lt=0)),
        )
    )
    for pk, spent_year, total, last, n, negative in expenses:
        money.spent[pk][spent_year] = Spent(total, last, n, negative)
    return money


def org_ref() -> str:
    return str(getattr(settings, "IATI_REPORTING_ORG_REF", "") or DEFAULT_ORG_REF)


def export_activities(*, year: int | None = None) -> list[Activity]:
    qs = Activity.objects.select_related("work_plan", "program").prefetch_related(
        Prefetch("themes", queryset=framework.Theme.objects.order_by("order")),
        Prefetch("members", queryset=Member.objects.select_related("country")),
        Prefetch(
            "indicators",
            queryset=ResultIndicator.objects.prefetch_related(
                Prefetch("periods", queryset=ResultPeriod.objects.order_by("year"))
            ),
        ),
    )
    if year is not None:
        qs = qs.filter(work_plan__year=year)
    return list(qs.order_by("start_date", "pk"))


def export(*, year: int | None = None, now: dt.datetime | None = None) -> bytes:
    """The IATI document of all activities, or of one work plan's year."""
    stamp = (now or timezone.now()).replace(microsecond=0).isoformat()
    root = etree.Element("iati-activities", version=VERSION)
    root.set("generated-datetime", stamp)
    money = activity_money(year=year)
    for activity in export_activities(year=year):
        root.append(_activity(activity, stamp, money))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(document: bytes) -> list[str]:
    """Problems the IATI 2.03 schema finds in the document (none when it validates)."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    schema.validate(etree.fromstring(document))
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _text(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attrs)
    narrative = etree.SubElement(element, "narrative")
    narrative.text = text
    return element


def _activity(activity: Activity, stamp: str, money: Money) -> etree._Element:
    node = etree.Element("iati-activity")
    node.set("last-updated-datetime", stamp)
    node.set(XML_LANG, "en")
    node.set("default-currency", "EUR")
    etree.SubElement(node, "iati-identifier").text = f"{org_ref()}-{activity.code}"
    _text(node, "reporting-org", ORG_NAME, ref=org_ref(), type=ORG_TYPE)
    _text(node, "title", activity.title)
    if activity.description:
        _text(node, "description", activity.description, type="1")
    _text(node, "participating-org", ORG_NAME, ref=org_ref(), role="4", type=ORG_TYPE)
    for member in activity.members.all():
        _text(node, "participating-org", member.institution or member.name, role="2", type="10")
    etree.SubElement(node, "activity-status", code=STATUS[ActivityStatus(activity.status)])
    _dates(node, activity)
    countries = {m.country.iso2 for m in activity.members.all() if m.country.iso2}
    if len(countries) == 1:
        etree.SubElement(node, "recipient-country", code=countries.pop())
    for theme in activity.themes.all():
        # The plan's themes have texts in three languages: one narrative for each.
        sector = _text(
            node,
            "sector",
            str(getattr(theme, "name_en", "") or theme.name),
            vocabulary=SECTOR_VOCABULARY,
            code=theme.code,
        )
        for lang in ("fr", "es"):
            text = str(getattr(theme, f"name_{lang}", "") or "")
            if text:
                narrative = etree.SubElement(sector, "narrative")
                narrative.set(XML_LANG, lang)
                narrative.text = text
    if activity.gender_marker is not None:
        etree.SubElement(
            node,
            "policy-marker",
            vocabulary="1",
            code=GENDER_POLICY,
            significance=str(activity.gender_marker),
        )
    _budgets(node, activity, money.budgets.get(activity.pk, {}))
    _transactions(node, money.spent.get(activity.pk, {}))
    if activity.source_url:
        link = etree.SubElement(node, "document-link", url=activity.source_url, format="text/html")
        _text(link, "title", "Source")
        etree.SubElement(link, "category", code="A12")
    for indicator in activity.indicators.all():
        _result(node, indicator)
    return node


def _dates(node: etree._Element, activity: Activity) -> None:
    """Actual start and end for what happened, planned ones for what has not yet."""
    done = activity.status == ActivityStatus.COMPLETED
    start = activity.start_date or dt.date(activity.work_plan.year, 1, 1)
    etree.SubElement(
        node, "activity-date", type="2" if done else "1", **{"iso-date": start.isoformat()}
    )
    end = activity.end_date
    if end is None and activity.date_precision == DatePrecision.DAY:
        end = activity.start_date
    if end is not None:
        etree.SubElement(
            node, "activity-date", type="4" if done else "3", **{"iso-date": end.isoformat()}
        )


def _result(node: etree._Element, indicator: ResultIndicator) -> None:
    result = etree.SubElement(node, "result", type=RESULT_OUTCOME, **{"aggregation-status": "0"})
    _text(result, "title", indicator.title)
    element = etree.SubElement(
        result,
        "indicator",
        measure=indicator.measure,
        ascending="1" if indicator.ascending else "0",
    )
    _text(element, "title", indicator.title)
    periods = list(indicator.periods.all())
    first = next((p for p in periods if p.baseline is not None), None)
    if first is not None:
        etree.SubElement(element, "baseline", year=str(first.year), value=f"{first.baseline:g}")
    for period in periods:
        entry = etree.SubElement(element, "period")
        etree.SubElement(entry, "period-start", **{"iso-date": f"{period.year}-01-01"})
        etree.SubElement(entry, "period-end", **{"iso-date": f"{period.year}-12-31"})
        etree.SubElement(entry, "target", value=f"{period.target:g}")
        if period.actual is not None:
            etree.SubElement(entry, "actual", value=f"{period.actual:g}")


def _value(parent: etree._Element, amount: Decimal, day: dt.date) -> None:
    value = etree.SubElement(parent, "value", **{"value-date": day.isoformat()})
    value.text = f"{amount:.2f}"


def _budgets(node: etree._Element, activity: Activity, budgets: dict[int, Decimal]) -> None:
    """One budget per year: the year's budget lines, committed once the Board approved the
    activity's work plan."""
    draft = activity.work_plan.status == WorkPlanStatus.DRAFT
    status = BUDGET_INDICATIVE if draft else BUDGET_COMMITTED
    for year, total in sorted(budgets.items()):
        budget = etree.SubElement(node, "budget", type=BUDGET_ORIGINAL, status=status)
        start = dt.date(year, 1, 1)
        etree.SubElement(budget, "period-start", **{"iso-date": start.isoformat()})
        etree.SubElement(budget, "period-end", **{"iso-date": f"{year}-12-31"})
        _value(budget, total, start)


def _transactions(node: etree._Element, spent: dict[int, Spent]) -> None:
    """One expenditure per year, dated its last expense, net of refunds and corrections."""
    for year, row in sorted(spent.items()):
        transaction = etree.SubElement(node, "transaction")
        etree.SubElement(transaction, "transaction-type", code=EXPENDITURE)
        etree.SubElement(transaction, "transaction-date", **{"iso-date": row.last.isoformat()})
        _value(transaction, row.total, row.last)
        text = f"Expenditure of {year}: {row.count} expense(s) in EUR at the rates recorded"
        if row.negative:
            text += f", net of {row.negative} refund(s), credit note(s) or correction(s)"
        _text(transaction, "description", text + ".")
