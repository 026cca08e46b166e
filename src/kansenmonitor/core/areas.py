"""Custom areas (stadsdelen, focus areas, school catchments) defined as sets of wijken/buurten.

An areas file is YAML::

    boundary_year: 2024
    areas:
      - code: SD-ZUID            # prefix, dash, name; not a CBS code
        name: Stadsdeel Zuid
        level: stadsdeel         # stadsdeel | gebied
        gemeente: GM0153
        members: [WK015306, WK015305]
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .catalogue import load_yaml_with_lines
from .errors import DefinitionError, Issue
from .model import Level, Region, is_valid_custom_code, level_of_code


def parse_areas_file(path: Path, known_regions: set[tuple[str, int]] | None = None) -> list[Region]:
    """Parse and validate an areas file; members must be known regions of the stated indeling."""
    doc = load_yaml_with_lines(Path(path))
    name = str(path)
    issues: list[Issue] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("areas"), list):
        raise DefinitionError([Issue(name, 1, "areas", "het bestand heeft geen lijst 'areas'")])
    default_year = doc.get("boundary_year")
    out: list[Region] = []
    seen: set[str] = set()
    for entry in doc["areas"]:
        line = entry.get("__line__") if isinstance(entry, dict) else None
        for key in ("code", "name", "members"):
            if not isinstance(entry, dict) or key not in entry:
                issues.append(Issue(name, line, key, "verplicht veld ontbreekt"))
        if not isinstance(entry, dict) or any(k not in entry for k in ("code", "name", "members")):
            continue
        code = str(entry["code"])
        year = entry.get("boundary_year", default_year)
        if not is_valid_custom_code(code):
            issues.append(Issue(name, line, "code", f"'{code}' is geen geldige code voor een eigen gebied",
                                "gebruik een voorvoegsel, een streepje en een naam, zoals SD-ZUID of FG-WESSELERBRINK"))
        if code in seen:
            issues.append(Issue(name, line, "code", f"gebied '{code}' staat twee keer in het bestand"))
        seen.add(code)
        if not isinstance(year, int):
            issues.append(Issue(name, line, "boundary_year", "geef de indeling (jaar) van de leden op"))
            continue
        try:
            level = Level(entry.get("level", "gebied"))
        except ValueError:
            issues.append(Issue(name, line, "level", f"'{entry.get('level')}' is geen niveau", "gebruik stadsdeel of gebied"))
            continue
        if not level.is_custom:
            issues.append(Issue(name, line, "level", f"een eigen gebied kan geen {level.value} zijn",
                                "gebruik stadsdeel of gebied"))
        members = [str(m) for m in entry["members"] or []]
        if not members:
            issues.append(Issue(name, line, "members", "een gebied heeft minstens één wijk of buurt nodig"))
        levels = {level_of_code(m) for m in members}
        if levels - {Level.WIJK, Level.BUURT}:
            issues.append(Issue(name, line, "members", "leden moeten CBS-wijk- of buurtcodes zijn"))
        if len(levels) > 1:
            issues.append(Issue(name, line, "members", "meng geen wijken en buurten in één gebied",
                                "kies de buurten van een wijk als u een wijk gedeeltelijk wilt opnemen"))
        if known_regions is not None:
            unknown = [m for m in members if (m, year) not in known_regions]
            if unknown:
                issues.append(Issue(name, line, "members",
                                    f"onbekende gebieden in de indeling {year}: {', '.join(unknown[:8])}"))
        gemeente = entry.get("gemeente") or ("GM" + members[0][2:6] if members else None)
        out.append(
            Region(
                code=code,
                name=str(entry["name"]),
                level=level,
                boundary_year=year,
                parent=gemeente,
                members=tuple(members),
                source=str(entry.get("source") or Path(path).name),
                note=entry.get("note"),
            )
        )
    if issues:
        raise DefinitionError(issues, f"Het gebiedenbestand {Path(path).name} is niet geldig; er is niets geladen.")
    return out


def shipped_area_files() -> list[Path]:
    root = resources.files("kansenmonitor") / "areas"
    return sorted(Path(str(p)) for p in root.iterdir() if str(p).endswith(".yaml"))
