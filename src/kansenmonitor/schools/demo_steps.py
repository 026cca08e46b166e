"""Demo steps of the schools capability: the DUO/CBS school files of ../shared/data.

The register keeps every school location of the national lists (cheap, and needed to recognise codes); the
figures and the buurt of each school are kept for the demo's gemeenten (Enschede, Almelo, Hengelo).
"""

from __future__ import annotations

from ..demo import DEMO_GEMEENTEN, DemoContext

#: (folder, file, skip codes the register does not know — national files with closed/new VO schools)
FILES = [
    ("scholen", "nl_po_vestigingen_adressen_duo_2020.csv", False),
    ("scholen", "nl_vo_vestigingen_adressen_duo_2020.csv", False),
    ("scholen", "nl_po_vestigingen_adressen_duo_2026.csv", False),
    ("scholen", "nl_po_leerlingen_per_vestiging_historisch_1996-2025_duo.csv", False),
    ("scholen", "nl_po_achterstandsscores_per_vestiging_cbs_2019.csv", False),
    ("scholen", "nl_po_gemiddelde_eindscores_per_vestiging_2018-2019_duo.csv", False),
    ("scholen", "nl_po_so_leerlingen_gemiddelde_afstand_per_vestiging_2019-2020_duo.csv", False),
    ("scholen", "nl_vo_leerlingen_per_vestiging_onderwijstype_2019_duo.csv", True),
    ("scholen", "nl_vo_vsv_per_swv_vestiging_2015_duo.csv", True),
    ("onderwijs", "nl_vo_examenkandidaten_geslaagden_per_vestiging_opleiding_2014-2019_duo.csv", True),
    ("onderwijs", "twente3_vo_examenkandidaten_geslaagden_per_vestiging_opleiding_2019-2024_duo.csv", True),
]


def load_schools(context: DemoContext) -> None:
    from . import repository as repo

    scope = None if context.scope == "nl" else list(DEMO_GEMEENTEN)
    for folder, name, skip in FILES:
        path = context.data / folder / name
        if not path.exists():
            continue
        repo.import_file(context.monitor, path, gemeenten=scope, skip_unknown=skip, data_dir=context.data)
    context.stats.update(repo.counts(context.monitor))


STEPS = [(1150, "Scholen: DUO-adressen, leerlingen, achterstandsscores, eindtoets, examens, vsv", load_schools)]
