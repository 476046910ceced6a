"""Reference rates to EUR for expenses: the European Central Bank's euro foreign exchange
reference rates, as shipped (since 1999) by the `currencyconverter` package. No network."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

# The ECB publishes no rate on weekends and TARGET holidays: an expense of such a day takes the
# last rate published at most this many days before it, else it has no rate.
LOOKBACK_DAYS = 4
RATE_PLACES = Decimal("0.00000001")  # Expense.rate_to_eur keeps 8 decimal places
RATE_RULE = (
    "Rates to EUR are the European Central Bank's euro reference rates of the expense's date "
    "(on a day without a rate, the last one published up to four days before); where the table "
    "has none (a currency the ECB does not quote, or a date past the table), the rate staff "
    "recorded with its source."
)
# What an expense converted at the ECB's rate keeps as the rate's source.
ECB_SOURCE = "European Central Bank euro foreign exchange reference rate"


class NoRate(Exception):
    """No reference rate for the currency on (or just before) the date."""


@lru_cache(maxsize=1)
def _converter() -> Any:
    from currency_converter import CurrencyConverter  # loaded on first use (about a second)

    return CurrencyConverter()  # floats load faster; ECB rates have few digits (str() is exact)


def currencies() -> set[str]:
    return {str(c) for c in _converter().currencies}


def coverage(currency: str) -> tuple[dt.date, dt.date] | None:
    """The first and last dates the shipped table has a rate for the currency (None: never)."""
    bounds = _converter().bounds.get(currency)
    return None if bounds is None else (bounds.first_date, bounds.last_date)


def rate_to_eur(currency: str, on: dt.date) -> tuple[Decimal, dt.date]:
    """EUR for one unit of the currency on the date, and the date of the rate used.
    Raises NoRate for a currency the ECB does not quote or a date it has no rate for."""
    if currency == "EUR":
        return Decimal(1), on
    converter = _converter()
    if currency not in converter.currencies:
        raise NoRate(currency)
    from currency_converter import RateNotFoundError

    for back in range(LOOKBACK_DAYS + 1):
        day = on - dt.timedelta(days=back)
        try:
            per_eur = Decimal(str(converter.convert(1, "EUR", currency, date=day)))
        except RateNotFoundError:
            continue
        return (Decimal(1) / per_eur).quantize(RATE_PLACES), day
    raise NoRate(currency)
