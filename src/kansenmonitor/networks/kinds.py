"""Words for the kinds of nodes (organisation kinds of the demo and common ones); other kinds show as given."""

from __future__ import annotations

KIND_LABELS = {"school": ("school", "school"), "wijkteam": ("wijkteam", "neighbourhood team"),
               "sportclub": ("sportclub", "sports club"), "bibliotheek": ("bibliotheek", "library"),
               "buurthuis": ("buurthuis", "community centre"), "kinderopvang": ("kinderopvang", "childcare"),
               "huisarts": ("huisartsenpraktijk", "GP practice"), "welzijn": ("welzijnsorganisatie", "welfare organisation"),
               "woningcorporatie": ("woningcorporatie", "housing association"),
               "jeugdgezondheid": ("jeugdgezondheidszorg", "youth health care")}


def kind_label(kind: str | None, lang: str = "nl") -> str:
    if not kind:
        return "—"
    return KIND_LABELS.get(kind, (kind, kind))[1 if lang == "en" else 0]
