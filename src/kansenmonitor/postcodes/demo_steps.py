"""Demo step of the postcodes capability: the PC4 areas of Enschede, Almelo and Hengelo (CertEgis, 2020) against
the demo's buurten of 2024, so the search finds buurten by postcode."""

from __future__ import annotations

from ..demo import DemoContext


def load_postcodes(context: DemoContext) -> None:
    from .lookup import load_pc4_file

    path = context.data / "geo" / ("nl_pc4_2020_certegis.gpkg" if context.scope == "nl"
                                   else "twente3_pc4_2020_certegis.geojson")
    if path.exists():
        context.stats["postcodes"] = load_pc4_file(
            context.monitor, path, source="CBS, postcodegebieden (PC4) 2020, bewerkt door Certe")


#: after the boundaries (900), before the derived ratios (1000)
STEPS = [(950, "Postcodegebieden (PC4) en de buurten waarin ze liggen", load_postcodes)]
