"""The SYNTHETIC demo network: cooperation between organisations in Enschede-Zuid (wijk WK015306).

Nobody collected these links: :func:`generate` makes them up with a seeded random generator, so that the pages
can show how a network analysis works. The organisations are kinds that exist in a Dutch wijk (schools, the
wijkteam, sports clubs, the library, community centres, …) with made-up names per part of the wijk; there is
no person data. How the links are drawn:

1. every organisation belongs to a part of the wijk (Stroinkslanden, Wesselerbrink, Helmerhoek, het Brunink)
   and a buurt of that part;
2. two organisations cooperate with probability ``base[kind_a, kind_b] × nearness``, where nearness is 1 in
   the same part and 0.15 between parts; the wijkteam, the library and the welfare organisation work across
   the whole wijk (nearness 0.6);
3. the weight (how often they work together: 1 = now and then, 2 = monthly, 3 = weekly) is drawn from 1–3.

Run ``python -m kansenmonitor.networks.demo <folder>`` to write the two files again; the same seed gives the
same files.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

SEED = 20240915
NAME = "samenwerking-enschede-zuid"
TITLE = "Samenwerking tussen organisaties in Enschede-Zuid"
DESCRIPTION = ("Synthetisch: verzonnen samenwerkingen tussen verzonnen organisaties in Enschede-Zuid, om te laten "
               "zien hoe een netwerkanalyse werkt. Gebruik het niet voor besluiten.")
WIJK = "WK015306"
PARTS = {"Stroinkslanden": ["BU01530600", "BU01530601", "BU01530602"],
         "Wesselerbrink": ["BU01530603", "BU01530604", "BU01530605", "BU01530606"],
         "Helmerhoek": ["BU01530607", "BU01530608"], "het Brunink": ["BU01530609"]}
#: kind → (label pattern, number per part, works across the wijk)
KINDS = {"school": ("Basisschool {i} {part}", 2, False), "buurthuis": ("Buurthuis {part}", 1, False),
         "sportclub": ("Sportclub {i} {part}", 1, False), "kinderopvang": ("Kinderopvang {part}", 1, False),
         "huisarts": ("Huisartsenpraktijk {part}", 1, False)}
WIJK_WIDE = [("wijkteam", "Wijkteam Zuid-Oost"), ("wijkteam", "Wijkteam Zuid-West"),
             ("bibliotheek", "Bibliotheek Wesselerbrink"), ("welzijn", "Welzijnsorganisatie Zuid"),
             ("woningcorporatie", "Woningcorporatie Zuid"), ("jeugdgezondheid", "Jeugdgezondheidszorg Zuid"),
             ("school", "Voortgezet onderwijs Zuid")]
#: base probability of cooperation between kinds (symmetric; missing pairs use DEFAULT)
BASE = {("school", "kinderopvang"): 0.7, ("school", "jeugdgezondheid"): 0.8, ("school", "wijkteam"): 0.7,
        ("school", "bibliotheek"): 0.6, ("school", "sportclub"): 0.45, ("school", "school"): 0.35,
        ("buurthuis", "welzijn"): 0.9, ("buurthuis", "wijkteam"): 0.6, ("buurthuis", "sportclub"): 0.4,
        ("buurthuis", "woningcorporatie"): 0.5, ("huisarts", "wijkteam"): 0.8, ("huisarts", "welzijn"): 0.4,
        ("wijkteam", "welzijn"): 0.9, ("wijkteam", "woningcorporatie"): 0.6, ("wijkteam", "jeugdgezondheid"): 0.7,
        ("wijkteam", "wijkteam"): 0.9, ("bibliotheek", "welzijn"): 0.6, ("bibliotheek", "kinderopvang"): 0.5,
        ("kinderopvang", "jeugdgezondheid"): 0.7, ("sportclub", "welzijn"): 0.35}
DEFAULT = 0.08


def organisations() -> list[dict]:
    out = []
    for part, buurten in PARTS.items():
        slug = part.lower().replace(" ", "-")
        for kind, (pattern, count, _) in KINDS.items():
            if part == "het Brunink" and kind in ("kinderopvang", "huisarts"):
                continue
            for i in range(1, (1 if part == "het Brunink" else count) + 1):
                label = pattern.format(i=i, part=part).replace("  ", " ")
                if count == 1:
                    label = label.replace(" 1 ", " ")
                out.append({"id": f"{kind}-{slug}-{i}", "label": label, "kind": kind,
                            "area": buurten[(i - 1) % len(buurten)], "part": part})
    for j, (kind, label) in enumerate(WIJK_WIDE, start=1):
        out.append({"id": f"{kind}-zuid-{j}", "label": label, "kind": kind, "area": WIJK, "part": None})
    return out


def _base(a: str, b: str) -> float:
    return BASE.get((a, b), BASE.get((b, a), DEFAULT))


def generate(seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """The organisations and their cooperation links (synthetic)."""
    rng = np.random.default_rng(seed)
    orgs = organisations()
    edges = []
    for i, a in enumerate(orgs):
        for b in orgs[i + 1:]:
            if a["part"] is None or b["part"] is None:
                near = 0.6
            else:
                near = 1.0 if a["part"] == b["part"] else 0.15
            if rng.random() < _base(a["kind"], b["kind"]) * near:
                edges.append({"source": a["id"], "target": b["id"], "weight": int(rng.integers(1, 4)),
                              "type": "samenwerking"})
    return orgs, edges


def write(folder: Path, seed: int = SEED) -> tuple[Path, Path]:
    """Write ``<NAME>_verbindingen.csv`` and ``<NAME>_organisaties.csv`` (``;``-separated) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    orgs, edges = generate(seed)
    ep = folder / f"{NAME}_verbindingen.csv"
    npth = folder / f"{NAME}_organisaties.csv"
    with ep.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["source", "target", "weight", "type"])
        for e in edges:
            w.writerow([e["source"], e["target"], e["weight"], e["type"]])
    with npth.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["id", "label", "kind", "area"])
        for o in orgs:
            w.writerow([o["id"], o["label"], o["kind"], o["area"]])
    return ep, npth


if __name__ == "__main__":  # pragma: no cover
    print(*write(Path(sys.argv[1] if len(sys.argv) > 1 else ".")), sep="\n")
