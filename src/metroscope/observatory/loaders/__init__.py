"""Open-data loader of the Observatory: sources, the indicator catalogue, metros and values.

Files live in data/observatory/ (copied from the project's shared seed data; see
data/PROVENANCE.md). Values are written through `writing.write_observations`, so a second
load changes nothing. Country-level figures are attached, flagged `national_proxy`, to the
metros where members operate; nothing is derived across datasets with different boundaries.

The loader, by source: `catalogue` (sources.csv and indicators.yaml), `metros` (GHSL urban
centres, UN agglomerations and the member crosswalk), `values` (city datasets, WHO air
quality and national figures) and `third_drop` (CDP-ICLEI city inventories, CEADs CO2, GHSL
2025 hospital access and SDG 5.5.1b, through their reviewed crosswalk; called by `values`).
"""

from __future__ import annotations

from pathlib import Path

from metroscope.core.loading import LoadReport
from metroscope.observatory.loaders.catalogue import load_indicators, load_sources
from metroscope.observatory.loaders.metros import load_metros
from metroscope.observatory.loaders.values import load_values

DIR = "observatory"


def load_observatory_data(data_dir: Path, report: LoadReport) -> None:
    folder = data_dir / DIR
    report.step("sources and indicator catalogue")
    sources = load_sources(folder / "sources.csv", report)
    indicators = load_indicators(data_dir / "indicators.yaml", report)
    report.step("13,000 metros: matching GHSL centres and UN agglomerations")
    metros = load_metros(folder, report)
    report.step("values: reading and checking")
    load_values(folder, sources, indicators, metros, report)
