"""Derive data/countries.csv (country names in English, French and Spanish) from data/members.csv.

English names are members.csv's own; French and Spanish names are the Debian iso-codes
translations of ISO 3166-1 shipped in the PyPI package pycountry. Run once by a developer:
    python -m venv /tmp/pyc && /tmp/pyc/bin/pip install pycountry
    /tmp/pyc/bin/python scripts/make_countries.py
"""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent

# Where iso-codes gives a formal or misspelt form, the usual short name instead.
OVERRIDES = {
    ("CIV", "es"): "Costa de Marfil",
    ("TUN", "es"): "Túnez",
    ("RUS", "fr"): "Russie",
    ("RUS", "es"): "Rusia",
    ("PSE", "fr"): "Palestine",
    ("PSE", "es"): "Palestina",
    ("MDV", "es"): "Maldivas",
}


def main() -> None:
    tr = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("fr", "es")
    }
    seen: dict[str, dict[str, str]] = {}
    with (ROOT / "data" / "members.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            iso3 = row["country_iso3"]
            if iso3 in seen:
                continue
            country = pycountry.countries.get(alpha_3=iso3)
            assert country is not None, iso3
            label = getattr(country, "common_name", None) or country.name
            seen[iso3] = {
                "iso3": iso3,
                "iso2": row["country_iso2"],
                "name_en": row["country_name"],
                "name_fr": OVERRIDES.get((iso3, "fr"), tr["fr"].gettext(label)),
                "name_es": OVERRIDES.get((iso3, "es"), tr["es"].gettext(label)),
                "region": row["region"],
            }
    with (ROOT / "data" / "countries.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(next(iter(seen.values()))))
        writer.writeheader()
        for iso3 in sorted(seen):
            writer.writerow(seen[iso3])


if __name__ == "__main__":
    main()
