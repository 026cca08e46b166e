"""Build the demo database from the staged open data in ``../shared/data``.

Real CBS figures for Enschede (GM0153), Almelo (GM0141) and Hengelo (GM0164) at gemeente, wijk and
buurt level, every year the files hold, with all gemeenten of NL and NL as a whole as reference.
Each observation stays on the indeling it was published in; codes that continue across indelingen
are linked.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from .analysis import aggregation
from .core.areas import shipped_area_files
from .core.errors import KansenmonitorError
from .core.model import Level, Region, Status, level_of_code
from .monitor import Monitor
from .sources import boundaries, statline, tabular, wbk
from .sources.boundaries import geometry_to_geojson
from .sources.common import ImportBatch, read_csv_checked
from .store.store import OBSERVATION_COLUMNS

DEMO_GEMEENTEN = ("GM0153", "GM0141", "GM0164")
ENV_DATA = "KANSENMONITOR_DATA"

Progress = Callable[[str, int, int], None]


class DataNotFoundError(KansenmonitorError, FileNotFoundError):
    """The staged open data directory cannot be found."""


def find_data_dir(explicit: str | Path | None = None) -> Path:
    """Where the staged data lives: ``--data``, ``$KANSENMONITOR_DATA`` or ``../shared/data``."""
    candidates = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get(ENV_DATA):
        candidates.append(Path(os.environ[ENV_DATA]))
    here = Path(__file__).resolve()
    candidates += [Path.cwd() / ".." / "shared" / "data", Path.cwd() / "shared" / "data"]
    candidates += [p / ".." / "shared" / "data" for p in here.parents]
    for c in candidates:
        if (c / "kwb_buurt").is_dir():
            return c.resolve()
    raise DataNotFoundError(
        "De open data is niet gevonden. Zet ../shared/data naast de projectmap, of geef de map op met "
        "--data of KANSENMONITOR_DATA."
    )


def _in_demo(code: str) -> bool:
    level = level_of_code(code)
    if level in (Level.GEMEENTE, Level.LAND):
        return True
    return code[2:6] in {g[2:] for g in DEMO_GEMEENTEN}


def _nl_batch(monitor: Monitor, batch: ImportBatch, boundary_year: int, label: str) -> ImportBatch:
    """Aggregate all gemeenten of a batch to NL01 (for files without an NL row)."""
    obs = batch.observations
    gms = sorted({c for c in obs["region"].unique() if level_of_code(c) == Level.GEMEENTE})
    if not gms:
        return ImportBatch(kind=batch.kind, file=batch.file, rows=0, observations=pd.DataFrame(columns=OBSERVATION_COLUMNS))
    agg = aggregation.aggregate(obs, monitor.catalogue, {"NL01": gms}, boundary_year, "gemeenten")
    agg = agg[agg["status"] == Status.MEASURED.value][OBSERVATION_COLUMNS].copy()
    agg["source_ref"] = agg["source_ref"] + f" ({label})"
    region = Region("NL01", "Nederland", Level.LAND, boundary_year, source=label)
    return ImportBatch(kind=batch.kind, file=batch.file, rows=0, observations=agg, regions=[region])


def _dissolve(monitor: Monitor, boundary_year: int, child_level: str, parent_level: str) -> int:
    """Geometry of wijken/gemeenten from their buurten (approximate, for maps only)."""
    from shapely import union_all
    from shapely.geometry import shape

    children = monitor.store.regions(level=child_level, boundary_year=boundary_year, with_geometry=True)
    groups: dict[str, list] = {}
    for c in children:
        if not c.geometry:
            continue
        parent = c.parent if parent_level == "wijk" else c.gemeente
        groups.setdefault(parent, []).append(shape(json.loads(c.geometry)))
    known = monitor.store.region_keys()
    n = 0
    with monitor.store.transaction() as w:
        for parent, geoms in groups.items():
            if (parent, boundary_year) not in known:
                continue
            merged = union_all([g.buffer(0.00005) for g in geoms]).buffer(-0.00005)
            w.set_geometry(parent, boundary_year, geometry_to_geojson(merged, simplify_m=15))
            n += 1
    return n


def _links(monitor: Monitor) -> int:
    """Link a code to the same code in the next indeling where it appears ('same' code)."""
    years_of = monitor.known_regions()
    links = []
    for code, years in years_of.items():
        ys = sorted(years)
        for a, b in zip(ys, ys[1:], strict=False):
            links.append({"code": code, "boundary_year": a, "to_code": code, "to_boundary_year": b, "relation": "same",
                          "note": "zelfde CBS-code in beide indelingen"})
    with monitor.store.transaction() as w:
        return w.upsert_links(links)


@dataclass
class DemoContext:
    """What a capability's demo step gets: the monitor, the data folder, the region filter of the scope,
    and the stats dict the builder reports (add counts under your own keys). Say which staged files a step
    reads with :meth:`use` and which it leaves out with :meth:`skip`, so that ``init --demo`` can report
    every file of the data folder."""

    monitor: Monitor
    data: Path
    keep: Callable[[str], bool]
    stats: dict
    scope: str = "twente"
    gemeenten: tuple[str, ...] = DEMO_GEMEENTEN

    def use(self, path: Path) -> None:
        self.stats.setdefault("files_used", set()).add(str(Path(path).resolve()))

    def skip(self, path: Path, reason: str) -> None:
        self.stats.setdefault("files_skipped", {})[str(Path(path).resolve())] = reason


#: Staged files the demo does not import, and why (every other file is imported by some step).
NOT_IMPORTED = {
    "raw_woonikveilig_json": "brongegevens voor controle; dezelfde cijfers staan in kwb_buurt/ en zijn ingelezen",
    "twente3_gm_wk_bu_2024_kwb85984NED_misdrijven47022NED_gezondheid50150NED.csv":
        "deel van het landelijke bestand in dezelfde map, dat is ingelezen (de synthetische enquête gebruikt het "
        "als marges)",
    "twente3_gezondheid_wijk_buurt_50090NED_2012_2016_2020.csv":
        "deel van het landelijke bestand in dezelfde map, dat is ingelezen (de synthetische enquête gebruikt het "
        "als marges)",
    "nl_wijken_2023_codelist_wijkbuurtkaart2023v0.csv": "alleen wijkcodes en namen van 2023, geen cijfers",
    "nl_wijken_2016_rd_elan.geojson": "wijkgrenzen 2016 zonder cijfers van dat jaar",
    "nl_wijken_2022_tmap_wgs84.geojson": "dezelfde grenzen als nl_wijken_2022_tmap.gpkg, dat is ingelezen",
    "enschede_buurten_opendata_enschede_2013_clickthathood.geojson":
        "buurtgrenzen 2013 zonder CBS-codes; de buurtgrenzen 2024 zijn ingelezen",
    "enschede_buurtnamen_2013_clickthathood_to_cbs_buurtcodes_2024.csv":
        "koppelt alleen namen van 2013 aan codes van 2024; er zijn geen cijfers van 2013",
    "nl_pc4_2020_certegis.gpkg": "landelijke postcodegrenzen; de demo gebruikt het deel voor de drie gemeenten",
    "twente3_po_achterstandsscores_per_vestiging_cbs_2019.csv":
        "deel van het landelijke bestand in dezelfde map, dat is ingelezen",
    "pc4_kolommen_metadata.csv": "beschrijving van de kolommen (eenheden), geen cijfers",
    "enschede_stembureaus_2012_stadsdeel_opendata_enschede.csv":
        "stembureaus met stadsdeel: een toewijzing van buurten aan stadsdelen, geen indicator",
    "nl_vo_geslaagden_gezakten_cijfers_per_vestiging_afdeling_2018-2019_duo.csv":
        "gemiddelde cijfers per afdeling; de examenuitslagen per opleiding zijn ingelezen",
    "nl_vo_examenkandidaten_geslaagden_per_vestiging_opleiding_2019-2024_duo.csv":
        "landelijk bestand; het deel voor de drie gemeenten (twente3_) is ingelezen",
}


def data_report(data: Path, stats: dict) -> list[tuple[str, str, str]]:
    """Every data file of the staged folder: (relative path, 'ingelezen' | 'overgeslagen', why)."""
    from .schools.demo_steps import FILES as SCHOOL_FILES

    used = set(stats.get("files_used", set()))
    used |= {str((data / folder / name).resolve()) for folder, name, _ in SCHOOL_FILES}
    skipped = dict(stats.get("files_skipped", {}))
    rows = []
    for path in sorted(p for p in data.rglob("*") if p.is_file() and p.name not in ("README.md", "PROVENANCE.md")):
        rel = str(path.relative_to(data))
        key = str(path.resolve())
        if key in used:
            rows.append((rel, "ingelezen", ""))
            continue
        reason = skipped.get(key) or NOT_IMPORTED.get(path.name) or NOT_IMPORTED.get(path.parent.name) or \
            "geen stap van de demo leest dit bestand"
        rows.append((rel, "overgeslagen", reason))
    return rows


#: a capability's demo step: ``(order, label, fn(context))``. The core steps have orders 100, 200, …, 1200
#: (1200: focus areas and links, last); pick an order between them to say where a step belongs.
DemoStep = tuple[int, str, Callable[[DemoContext], object]]


def capability_steps() -> list[DemoStep]:
    """Demo steps declared by capability packages: ``kansenmonitor.<package>.demo_steps.STEPS``."""
    import importlib
    import importlib.util
    import pkgutil

    steps: list[DemoStep] = []
    package_dir = Path(__file__).parent
    for mod in sorted(pkgutil.iter_modules([str(package_dir)]), key=lambda m: m.name):
        if not mod.ispkg:
            continue
        name = f"{__package__}.{mod.name}.demo_steps"
        if importlib.util.find_spec(name) is None:
            continue
        steps.extend(importlib.import_module(name).STEPS)
    return steps


def build_demo(monitor: Monitor, data_dir: str | Path | None = None, scope: str = "twente",
               progress: Progress | None = None) -> dict:
    """Build the demo database. ``scope='twente'``: the three gemeenten in detail plus all gemeenten
    and NL; ``scope='nl'``: every wijk and buurt of NL as well (larger, slower)."""
    data = find_data_dir(data_dir)
    cat = monitor.catalogue
    keep = (lambda code: True) if scope == "nl" else _in_demo
    steps: list[tuple[int, str, Callable[[], object]]] = []
    stats: dict = {}
    context = DemoContext(monitor=monitor, data=data, keep=keep, stats=stats, scope=scope)

    def add(label: str, order: int | None = None):
        def deco(fn):
            steps.append((order if order is not None else 100 * (len(steps) + 1), label, fn))
            return fn
        return deco

    def apply(batch: ImportBatch) -> None:
        context.use(Path(batch.file))
        res = monitor.apply(batch, create_regions=True)  # the demo defines its indelingen from the KWB files
        stats["observations"] = stats.get("observations", 0) + res["observations"]

    @add("Indicatorcatalogus")
    def _catalogue():
        monitor.sync_catalogue()
        # the first user: maps and pickers open on Enschede, not on the first gemeente alphabetically
        monitor.store.put_document("setting", "gemeente", {"code": DEMO_GEMEENTEN[0]})

    @add("Kerncijfers wijken en buurten 2024 (buurten, wijken, gemeenten)")
    def _kwb2024():
        path = data / "kwb_buurt" / "nl_gm_wk_bu_2024_kwb85984NED_misdrijven47022NED_gezondheid50150NED.csv"
        frame, _ = read_csv_checked(path)
        batch = wbk.parse_attribute_table(frame, str(path), cat, 2024, table=None, region_filter=keep)
        apply(batch)
        apply(_nl_batch(monitor, batch, 2024, "som van alle gemeenten in het bestand"))

    @add("Kerncijfers 2024 aanvulling wijken en gemeenten (85984NED)")
    def _kwb2024_wk():
        path = data / "kwb" / "nl_gemeenten_wijken_2024_kwb85984NED_subset.csv"
        batch = wbk.read_wbk(path, cat, 2024, table="85984NED", region_filter=None, known_names=monitor.known_names())
        nl = _nl_batch(monitor, batch, 2024, "som van alle gemeenten in het bestand")
        have = set(monitor.store.observations(regions=["NL01"], boundary_year=2024)["indicator"])
        nl.observations = nl.observations[~nl.observations["indicator"].isin(have)]
        batch.observations = batch.observations[batch.observations["region"].map(keep)]
        batch.regions = [r for r in batch.regions if keep(r.code)]
        apply(batch)
        apply(nl)

    @add("Gezondheid per wijk en buurt 2012-2020 (50090NED, indeling 2020)")
    def _health():
        path = data / "health" / "nl_gezondheid_wijk_buurt_50090NED_2012_2016_2020.parquet"
        frame = pd.read_parquet(path)
        frame = frame[frame["regio_code"].astype(str).str.strip().map(keep)]
        batch = statline.parse_statline(frame, str(path), cat, "50090NED", 2020, known_names=monitor.known_names())
        apply(batch)

    @add("Wijk- en buurtkaart 2017 (wijken)")
    def _wbk2017():
        path = data / "kwb" / "nl_wijken_2017_wijkbuurtkaart2017_attrs.csv"
        frame, _ = read_csv_checked(path)
        batch_all = wbk.parse_attribute_table(frame, str(path), cat, 2017, table="WBK2017")
        members = {}
        for code in batch_all.observations["region"].unique():
            members.setdefault("GM" + code[2:6], []).append(code)
        gm_names = dict(zip(frame["GM_CODE"], frame["GM_NAAM"], strict=False))
        agg = aggregation.aggregate(batch_all.observations, cat, members, 2017, "wijken")
        agg = agg[agg["status"] == Status.MEASURED.value]
        nl = aggregation.aggregate(batch_all.observations, cat, {"NL01": sorted(batch_all.observations["region"].unique())},
                                   2017, "wijken")
        nl = nl[nl["status"] == Status.MEASURED.value]
        keep_gm = agg[agg["region"].map(keep)]
        regions = [r for r in batch_all.regions if keep(r.code)]
        regions += [Region(g, gm_names.get(g, g), Level.GEMEENTE, 2017, parent="NL01", source="WBK2017 (wijken opgeteld)")
                    for g in keep_gm["region"].unique()]
        regions.append(Region("NL01", "Nederland", Level.LAND, 2017))
        obs = pd.concat([batch_all.observations[batch_all.observations["region"].map(keep)],
                         keep_gm[OBSERVATION_COLUMNS], nl[OBSERVATION_COLUMNS]], ignore_index=True)
        apply(ImportBatch("wbk", str(path), len(frame), obs, regions))

    @add("Kerncijfers 2022 (wijken en gemeenten, via tmap)")
    def _kwb2022():
        gm_path = data / "kwb" / "nl_gemeenten_2022_tmap_kwb2022.csv"
        batch = wbk.read_wbk(gm_path, cat, 2022, table="KWB2022")
        apply(batch)
        apply(_nl_batch(monitor, batch, 2022, "som van alle gemeenten"))
        wk_path = data / "kwb" / "nl_wijken_2022_tmap_kwb2022.csv"
        apply(wbk.read_wbk(wk_path, cat, 2022, table="KWB2022", region_filter=keep))

    @add("Kerncijfers 2019 (gemeenten)")
    def _kwb2019():
        path = data / "kwb" / "nl_gemeenten_2019_kwb_subset_dsa2022.csv"
        batch = wbk.read_wbk(path, cat, 2019, table="84583NED")
        apply(batch)
        apply(_nl_batch(monitor, batch, 2019, "som van alle gemeenten"))
        monitor.derive_ratios(2019)

    @add("Wijk- en buurtkaart 2020 (gemeenten, brede tabel met mapping)")
    def _wbk2020():
        path = data / "kwb" / "nl_gemeenten_2020_wijkbuurtkaart_attrs_buurtvergelijker.csv"
        mapping = Path(str(resources.files("kansenmonitor") / "mappings" / "wbk2020_gemeenten.yaml"))
        apply(tabular.read_wide(path, mapping, cat, monitor.known_regions(), boundary_year=2020, region_filter=keep))

    @add("Grenzen: buurten 2024, wijken 2022, gemeenten 2022")
    def _geo():
        bu = data / "geo" / "twente3_buurten_2024_cbs_gegeneraliseerd_approx_wgs84.geojson"
        apply(boundaries.read_boundaries(bu, 2024, region_filter=keep, known_names=monitor.known_names()))
        wk = data / "geo" / "twente3_wijken_2022_tmap.geojson"
        apply(boundaries.read_boundaries(wk, 2022, code_field="code", name_field="name", region_filter=keep))
        gm = data / "geo" / "nl_wijken_2022_tmap.gpkg"
        apply(boundaries.read_boundaries(gm, 2022, code_field="code", name_field="name", layer="gemeenten_2022",
                                         region_filter=lambda c: c in DEMO_GEMEENTEN))
        _dissolve(monitor, 2024, "buurt", "wijk")
        _dissolve(monitor, 2024, "buurt", "gemeente")

    @add("Afgeleide verhoudingen (% 0-14 jaar, % 65+, misdrijven per 1.000)")
    def _derived():
        for year in (2024, 2022, 2020, 2019, 2017):
            monitor.derive_ratios(year)

    @add("Optellen van buurten naar wijken waar CBS geen wijkcijfer geeft")
    def _fill():
        monitor.fill_aggregates(2024, "buurt", "wijk")
        monitor.derive_ratios(2024)  # ratios of wijken from the counts just added (e.g. crime per 1.000)

    @add("Koppelingen tussen indelingen, stadsdelen en focusgebieden (Regio Deal)")
    def _areas():
        _links(monitor)  # first: an area follows its members into the indelingen they continue in
        for f in shipped_area_files():
            stats["areas"] = stats.get("areas", 0) + len(monitor.load_areas(f))
        stats["links"] = _links(monitor)

    # capability packages add their own steps (see :func:`capability_steps`), slotted in by order
    for order, label, fn in capability_steps():
        steps.append((order, label, (lambda f=fn: f(context))))
    steps.sort(key=lambda s: s[0])
    total = len(steps)
    seconds: dict[str, float] = {}
    for i, (_order, label, fn) in enumerate(steps, start=1):
        if progress:
            progress(label, i, total)
        started = time.perf_counter()
        fn()
        seconds[label] = round(time.perf_counter() - started, 2)
    monitor.store.set_meta("demo", f"scope={scope}; data={data}")
    stats["files"] = data_report(data, stats)
    # kept in the store, so that what the demo read (and left out, and why) can be shown and checked later
    monitor.store.put_document("demo", "files", [{"file": f, "status": st, "reason": why}
                                                 for f, st, why in stats["files"]])
    monitor.store.put_document("demo", "step_seconds", seconds)
    stats.pop("_pc4", None)
    stats.update(monitor.store.counts())
    return stats
