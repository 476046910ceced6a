"""The reader's number and date conventions for Vega charts, taken from Unicode's CLDR as
Babel ships it (the source Django's own formats agree with): a d3-format locale (decimal sign,
thousands separator, percent sign) and a d3-time-format locale (month and day names, date and
time patterns). Pages pass them to vega-embed as `formatLocale` and `timeFormatLocale`, so a
French axis reads "20,5" and "janv.", not "20.5" and "Jan". Built here, not copied from d3's
locale files, so every language the site speaks gets one and nothing is fetched."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from babel import Locale

# CLDR date-pattern letters → d3-time-format directives (only those CLDR's short and medium
# date and time patterns use for the site's languages).
_DIRECTIVES = {
    "yyyy": "%Y",
    "yy": "%y",
    "y": "%Y",
    "MMMM": "%B",
    "MMM": "%b",
    "MM": "%m",
    "M": "%-m",
    "dd": "%d",
    "d": "%-d",
    "HH": "%H",
    "H": "%-H",
    "hh": "%I",
    "h": "%-I",
    "mm": "%M",
    "ss": "%S",
    "a": "%p",
}
_TOKEN = re.compile(r"'[^']*'|y+|M+|d+|H+|h+|m+|s+|a")


def d3_pattern(cldr: str) -> str:
    """A CLDR date or time pattern ("dd/MM/y", "h:mm:ss a") as a d3-time-format specifier."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.strip("'").replace("%", "%%")
        return _DIRECTIVES.get(token, token)

    return _TOKEN.sub(one, cldr)


def _symbols(locale: Locale) -> Any:
    symbols = locale.number_symbols
    return symbols.get("latn", symbols)


@cache
def vega_locale(language: str) -> dict[str, Any]:
    """{"number": d3 format locale, "time": d3 time-format locale} for the language."""
    locale = Locale.parse(language)
    symbols = _symbols(locale)
    percent_pattern = next(iter(locale.percent_formats.values())).pattern
    percent = percent_pattern[percent_pattern.rfind("0") + 1 :]
    currency_pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    currency = ["€", ""] if currency_pattern.startswith("¤") else ["", "\u00a0€"]
    # Babel numbers weekdays from Monday (0); d3 wants them from Sunday.
    week = [6, 0, 1, 2, 3, 4, 5]
    days = locale.days["format"]
    months = locale.months["format"]
    periods = locale.day_periods.get("format", {}).get("abbreviated", {})
    date = d3_pattern(locale.date_formats["short"].pattern)
    time = d3_pattern(locale.time_formats["medium"].pattern)
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": currency,
            "percent": percent or "%",
            "minus": symbols.get("minusSign", "-"),
        },
        "time": {
            "dateTime": f"{date} {time}",
            "date": date,
            "time": time,
            "periods": [str(periods.get("am", "AM")), str(periods.get("pm", "PM"))],
            "days": [str(days["wide"][i]) for i in week],
            "shortDays": [str(days["abbreviated"][i]) for i in week],
            "months": [str(months["wide"][i]) for i in range(1, 13)],
            "shortMonths": [str(months["abbreviated"][i]) for i in range(1, 13)],
        },
    }
