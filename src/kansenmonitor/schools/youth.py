"""Youth indicators for ages −9 months to 27 (the LEA's age phases) and the links of the Kansrijk Enschede /
LEA programme indicators to them.

For each age phase: which indicators the store has from open data, and for the ones without an open source
the organisation that delivers them and the template to supply them (a long CSV for ``kansenmonitor import
long``). A programme indicator is linked only where the definitions agree; where they only approximate, the
link says so and the programme keeps its own 0-meting.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

#: (phase, label nl, label en, indicator ids)
PHASES = [
    ("0-4", "Het jonge kind (−9 maanden tot 4 jaar)", "The young child (−9 months to 4)",
     ["inwoners_0_14", "pct_0_14", "jeugd_vve_geindiceerd", "jeugd_vve_deelnemers", "jeugd_vve_bereik"]),
    ("4-12", "Basisschool (4-12 jaar)", "Primary school (4-12)",
     ["scholen_leerlingen", "scholen_achterstandsscore_per_100", "scholen_eindtoets_cito_gem",
      "jeugd_onderadvisering_pct", "jeugd_jeugdhulp_pct", "jeugd_schoolverzuim_per_1000"]),
    ("12-18", "Voortgezet onderwijs (12-18 jaar)", "Secondary school (12-18)",
     ["scholen_slaagpercentage", "scholen_vsv_pct", "jeugd_vsv_woonplaats_pct"]),
    ("16-27", "Naar werk (16-27 jaar)", "Into work (16-27)",
     ["pct_15_24", "jeugd_zonder_startkwalificatie_pct", "jeugd_werkloosheid_15_27_pct"]),
]


@dataclass(frozen=True)
class ProgrammeLink:
    programme_indicator: str
    indicator: str | None
    agreement: str  # gelijk | benadering | geen_bron
    note_nl: str
    note_en: str


LINKS = [
    ProgrammeLink("ind-vve-bereik", "jeugd_vve_bereik", "gelijk",
                  "Zelfde definitie (ingeschreven peuters met een VVE-indicatie). Geen open bron: GGD en gemeente "
                  "leveren het met het jeugdsjabloon; dan komen 0-meting en latere waarden uit de database.",
                  "Same definition. No open source: GGD and municipality supply it with the youth template."),
    ProgrammeLink("ind-onderadvisering", "jeugd_onderadvisering_pct", "gelijk",
                  "Onderadvisering = schooladvies lager dan het toetsniveau. DUO publiceert schooladviezen per "
                  "school; dat bestand zit niet in de open data van dit project.",
                  "Under-advice = school advice below test level. DUO publishes it per school; not staged."),
    ProgrammeLink("ind-vsv", "scholen_vsv_pct", "benadering",
                  "De LEA bedoelt jongeren uit Enschede; de open DUO-telling gaat over de vo-scholen in Enschede "
                  "(scholen in deze gemeente, bestand 2015). Voor de jongeren zelf: voortijdig schoolverlaters naar "
                  "woonplaats (RMC).",
                  "The LEA means young people of Enschede; the open DUO count is about the schools in Enschede."),
    ProgrammeLink("ind-vsv", "jeugd_vsv_woonplaats_pct", "gelijk",
                  "Voortijdig schoolverlaten naar woonplaats; DUO/RMC levert het.",
                  "Early school leaving by residence; delivered by DUO/RMC."),
    ProgrammeLink("ind-onderwijsachterstanden", "scholen_achterstandsscore_per_100", "benadering",
                  "De LEA noemt het risico op een onderwijsachterstand (% leerlingen, CBS Onderwijskansen 2020). De "
                  "open achterstandsscore 2019 per school is een andere maat (score per 100 leerlingen), wel van "
                  "dezelfde CBS-methode.", "A different measure from the same CBS method."),
    ProgrammeLink("ind-regulier-onderwijs", "scholen_leerlingen", "benadering",
                  "Leerlingen per soort school (bo, sbo, so, vso) staan per school in de database; het aandeel "
                  "regulier is daaruit te halen voor de scholen in de gemeente.",
                  "Pupils per school type are in the store per school."),
    ProgrammeLink("ind-jeugdzorg", "jeugd_jeugdhulp_pct", "gelijk",
                  "Jongeren met jeugdhulp; CBS publiceert het per wijk (niet in deze open data), de gemeente levert "
                  "het via de Jeugdwet-registratie.", "Young people receiving youth care."),
    ProgrammeLink("ind-schoolaanwezigheid", "jeugd_schoolverzuim_per_1000", "benadering",
                  "Gemeld verzuim is het spiegelbeeld van schoolaanwezigheid; leerplicht levert het.",
                  "Reported truancy mirrors attendance; delivered by the leerplicht office."),
    ProgrammeLink("ind-terugkeer-onderwijs", "jeugd_zonder_startkwalificatie_pct", "benadering",
                  "Het RMC volgt jongeren zonder startkwalificatie; terugkeer staat in dezelfde registratie.",
                  "The RMC follows young people without a basic qualification."),
]


def links_for(programme_indicator: str) -> list[ProgrammeLink]:
    return [link for link in LINKS if link.programme_indicator == programme_indicator]


def deliverer(indicator) -> str | None:
    """The organisation that delivers an indicator without open source (from its catalogue source)."""
    for s in indicator.sources:
        if s.note and ("aanleveren" in s.note or "niet aanwezig" in s.note or "geen open bron" in s.note):
            return s.publisher
    return None


def youth_template(catalogue, region: str = "GM0153", period: int = 2025, boundary_year: int = 2024) -> str:
    """A long CSV (``;``) with one row per youth indicator without open data, ready for ``import long``.

    The region's indeling (``boundary_year``) is a column, because a gemeente code exists in several
    indelingen and the importer refuses to guess."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["region", "boundary_year", "indicator", "period", "value", "numerator", "denominator", "source"])
    for _phase, _nl, _en, ids in PHASES:
        for iid in ids:
            if iid in catalogue and deliverer(catalogue[iid]):
                w.writerow([region, boundary_year, iid, period, "", "", "", deliverer(catalogue[iid])])
    return buf.getvalue()


def overview(monitor, region: str = "GM0153", lang: str = "nl") -> list[dict]:
    """Per age phase: each indicator with its latest public value in ``region`` or who delivers it."""
    region_obj = monitor.region(region)
    ids = [i for _p, _n, _e, ids in PHASES for i in ids if i in monitor.catalogue]
    obs = monitor.observations(public=True, regions=[region_obj.code], indicators=ids)
    obs = obs[obs["value"].notna()].sort_values(["period", "boundary_year"])
    latest = {r.indicator: r for r in obs.itertuples()}
    out = []
    for phase, nl, en, ids in PHASES:
        rows = []
        for iid in ids:
            if iid not in monitor.catalogue:
                continue
            ind = monitor.catalogue[iid]
            r = latest.get(iid)
            rows.append({"indicator": iid, "label": ind.label(lang), "unit": ind.unit,
                         "value": float(r.value) if r is not None else None,
                         "period": int(r.period) if r is not None else None,
                         "source_ref": r.source_ref if r is not None else None,
                         "delivered_by": deliverer(ind) if r is None else None,
                         "decimals": ind.decimals})
        out.append({"phase": phase, "label": en if lang == "en" else nl, "indicators": rows})
    return out
