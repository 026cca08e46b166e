"""CLI: ``kansenmonitor privacy`` — what disclosure control withholds, and why (never the values)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

REASON_LABEL = {
    "source": "de bron houdt het geheim",
    "min_count": "te weinig waarnemingen",
    "complement": "anders terug te rekenen uit een ander cijfer van hetzelfde gebied",
    "secondary": "anders terug te rekenen uit de cijfers van omliggende gebieden",
}


def register(app: typer.Typer) -> None:
    @app.command("privacy")
    def privacy(
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Schrijf de lijst van afgeschermde cijfers (zonder waarden) naar dit CSV-bestand.")]
        = None,
    ) -> None:
        """Toon hoeveel cijfers de privacyregels afschermen, en waarom."""
        from .base import fail, open_monitor, out

        monitor = open_monitor()
        try:
            ledger = monitor.disclosure_ledger()
        except Exception as exc:  # a store that cannot be read
            fail(exc)
        summary = ledger.summary()
        table = Table(title="Afgeschermde cijfers")
        table.add_column("Waarom")
        table.add_column("Aantal", justify="right")
        for reason, label in REASON_LABEL.items():
            table.add_row(label, f"{summary.get(reason, 0):,}".replace(",", "."))
        out.print(table)
        if output is not None:
            names = {(r.code, r.boundary_year): r.name for r in monitor.regions()}
            w = ledger.withheld.sort_values(["boundary_year", "region", "indicator", "period"])
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["gebied", "naam", "indeling", "indicator", "omschrijving", "jaar", "reden"])
                for rec in w.itertuples(index=False):
                    ind = monitor.catalogue[rec.indicator] if rec.indicator in monitor.catalogue else None
                    writer.writerow([rec.region, names.get((rec.region, int(rec.boundary_year)), rec.region),
                                     int(rec.boundary_year), rec.indicator, ind.label() if ind else rec.indicator,
                                     int(rec.period), REASON_LABEL.get(rec.reason, rec.reason)])
            out.print(f"{len(w)} afgeschermde cijfers geschreven naar {output} (zonder waarden).")
