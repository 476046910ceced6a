"""The indicator page's charts and their embeddable pages.

Both read the same query parameters (`sex`, `all`, `metro`, `series`) through
`indicator_charts` and the same selectors, so a chart embedded elsewhere shows the numbers of
the page, the API and the downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from metroscope.core.i18n import translated
from metroscope.observatory import analytics, benchmarks, charts, national, selectors
from metroscope.observatory.models import Indicator, Metro, Observation, Scale, Sex

LATEST_LIMIT = 500
MAX_SERIES = 5
# Chart -> iframe width and height (pixels) of its embed snippet.
EMBED_SIZES = {
    "map": (720, 560),
    "ranking": (720, 720),
    "distribution": (720, 400),
    "series": (720, 600),
    "table": (720, 600),
}
CHARTS = tuple(EMBED_SIZES)


def chart_labels() -> dict[str, str]:
    return {
        "map": _("world map"),
        "ranking": _("ranking"),
        "distribution": _("distribution"),
        "series": _("time series"),
        "table": _("table"),
    }


@dataclass
class SeriesChoice:
    """The metros of the time series, as asked (`text`) and as found."""

    text: str
    metros: list[Metro]
    problems: list[str]
    observations: list[Observation]

    @property
    def missing(self) -> list[Metro]:
        """Chosen metros without a published value for this indicator and sex."""
        found = {obs.metro_id for obs in self.observations}
        return [m for m in self.metros if m.pk not in found]


def _sex(request: HttpRequest, indicator: Indicator) -> tuple[str, list[str]]:
    available = selectors.sexes_with_values(indicator) or list(indicator.sexes)
    sex = request.GET.get("sex", "")
    return (sex if sex in available else available[0]), available


def _series_choice(
    request: HttpRequest, indicator: Indicator, sex: str, marked: Metro | None
) -> SeriesChoice:
    """`?series=a,b,…` (codes or names), else the marked metro and the member metros with
    the most values."""
    text = request.GET.get("series", "").strip()[:400]
    names = [part.strip() for part in text.split(",") if part.strip()]
    problems: list[str] = []
    if len(names) > MAX_SERIES:
        problems.append(_("Showing the first %(n)s metros only.") % {"n": MAX_SERIES})
        names = names[:MAX_SERIES]
    if names:
        metros, unresolved = selectors.metros_named(names)
        problems += [_("Not shown: %(problem)s") % {"problem": p} for p in unresolved]
    else:
        first = [marked] if marked is not None else []
        metros = first + selectors.metros_with_most_values(
            indicator, sex=sex, limit=MAX_SERIES - len(first), exclude=[m.pk for m in first]
        )
    observations = selectors.indicator_series(indicator, metros, sex=sex) if metros else []
    return SeriesChoice(text, metros, problems, observations)


def _query(context: dict[str, Any], chart: str) -> dict[str, str]:
    """The query parameters that make a chart's embed show what the page shows."""
    if chart == "series":
        codes = ",".join(m.code for m in context["series"].metros)
        return {"sex": context["sex"], "series": codes}
    query = {"sex": context["sex"]}
    if not context["members_only"]:
        query["all"] = "1"
    if context["scale"] != Scale.METRO:
        query["scale"] = context["scale"]
    if context["year"] is not None:
        query["year"] = str(context["year"])
    if chart == "distribution" and context["marked"] is not None:
        query["metro"] = context["marked"].metro.code
    return query


def embed_url(indicator: Indicator, chart: str, query: dict[str, str]) -> str:
    url = reverse("observatory:embed", kwargs={"code": indicator.code, "chart": chart})
    return f"{url}?{urlencode(query)}" if query else url


def embed_snippet(request: HttpRequest, url: str, title: str, chart: str) -> str:
    """The <iframe> to paste into another page (plain text: the template escapes it)."""
    width, height = EMBED_SIZES[chart]
    return (
        f'<iframe src="{escape(request.build_absolute_uri(url))}" title="{escape(title)}" '
        f'width="{width}" height="{height}" loading="lazy"></iframe>'
    )


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and len(text) == 4 else None


def _scale(request: HttpRequest, counts: dict[str, int]) -> str:
    """The one scale the page compares: the asked one if it has values, else the default."""
    asked = request.GET.get("scale", "")
    if asked in counts:
        return asked
    return benchmarks.default_scale(counts) or Scale.METRO.value


def indicator_charts(
    request: HttpRequest, indicator: Indicator, wanted: tuple[str, ...] = CHARTS
) -> dict[str, Any]:
    """What the indicator page and its embeds show, for the `wanted` charts: the latest values
    (selectors.latest_values) of one scale, or of one year with `year`, the marked metro, the
    series' metros and values, chart specs. National proxies are a table of countries
    (`countries`) instead of metros; the ranking needs at least MIN_PEERS values."""
    sex, sexes = _sex(request, indicator)
    members_only = request.GET.get("all") != "1"
    year = _year(request)
    counts = selectors.scale_counts(indicator, members_only=members_only, sex=sex)
    scale = _scale(request, counts)
    proxies = scale == Scale.NATIONAL_PROXY
    values = (
        []
        if proxies
        else selectors.latest_values(
            indicator,
            members_only=members_only,
            sex=sex,
            limit=LATEST_LIMIT,
            scale=scale,
            year=year,
        )
    )
    code = request.GET.get("metro", "")
    marked = next((obs for obs in values if obs.metro.code == code), None) if code else None
    context: dict[str, Any] = {
        "indicator": indicator,
        "sex": sex,
        "sexes": sexes,
        "members_only": members_only,
        "values": values,
        "limit": LATEST_LIMIT,
        "marked": marked,
        "max_series": MAX_SERIES,
        "year": year,
        "scale": scale,
        "scale_label": Scale(scale).label,
        "other_scales": [(Scale(k), n) for k, n in counts.items() if k != scale],
        "min_peers": benchmarks.MIN_PEERS,
        "ranked": analytics.enough_peers(len(values)),
    }
    if proxies:
        context["countries"] = national.national_figures(
            indicator, members_only=members_only, sex=sex, year=year
        )
    elif values and not context["ranked"]:
        context["enough_year"] = selectors.newest_year_with_enough(
            indicator, members_only=members_only, sex=sex, scale=scale
        )
    if values and "map" in wanted:
        outline = static("geo/countries-110m.json")
        context["map_spec"] = charts.indicator_map(indicator, values, outline_url=outline)
    if values and context["ranked"] and "ranking" in wanted:
        context["ranking_spec"] = charts.indicator_ranking(indicator, values)
    if values and "distribution" in wanted:
        context["distribution_spec"] = charts.indicator_distribution(
            indicator, values, marked=marked, members_only=members_only
        )
        context["metro_choices"] = sorted(values, key=lambda o: (o.metro.name, o.metro.code))
    first = marked.metro if marked is not None else None
    if proxies and code and "series" in wanted:  # no metro to mark: the series still starts there
        first = Metro.objects.filter(code=code).first()
    series = _series_choice(request, indicator, sex, first) if "series" in wanted else None
    context["series"] = series
    if series is not None and series.observations:
        context["series_spec"] = charts.indicator_series(
            indicator, series.observations, series.metros, sex_label=str(Sex(sex).label)
        )
    return context


def embeds(request: HttpRequest, context: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per chart: its label, the embed page's address and the snippet to copy."""
    indicator = context["indicator"]
    name = translated(indicator, "name")[0] or indicator.code
    labels = chart_labels()
    result = {}
    for chart in CHARTS:
        url = embed_url(indicator, chart, _query(context, chart))
        title = _("%(indicator)s: %(chart)s (Metroscope)") % {
            "indicator": name,
            "chart": labels[chart],
        }
        result[chart] = {
            "chart": chart,
            "label": labels[chart],
            "url": url,
            "snippet": embed_snippet(request, url, title, chart),
        }
    return result


def _shown(context: dict[str, Any], chart: str) -> list[Observation]:
    if chart == "series":
        return list(context["series"].observations)
    return list(context["values"])


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]  # any site may frame it
def indicator_embed(request: HttpRequest, code: str, chart: str) -> HttpResponse:
    """One chart (or the table) of the indicator page, without the site's header and footer,
    for other sites to show in an <iframe>."""
    if chart not in CHARTS:
        raise Http404
    indicator = get_object_or_404(Indicator, code=code)
    context = indicator_charts(request, indicator, wanted=(chart,))
    shown = _shown(context, chart)
    sources = {obs.source_id: obs.source for obs in shown}
    years = sorted({obs.year for obs in shown})
    page = reverse("observatory:indicator", kwargs={"code": indicator.code})
    query = _query(context, chart)
    context.update(
        {
            "chart": chart,
            "chart_label": chart_labels()[chart],
            "indicator_name": translated(indicator, "name")[0] or indicator.code,
            "page_url": f"{page}?{urlencode(query)}#{chart}",
            "sources": sorted(sources.values(), key=lambda s: (s.publisher, s.title)),
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
            "synthetic": any(obs.metro.synthetic for obs in shown),
        }
    )
    return render(request, "observatory/embed.html", context)
