"""Demo steps of the postcode-4 capability: CBS Kerncijfers per postcode 2023 and 2024, the Leefbaarometer 2022
and the EP-Online energy labels per PC4, their totals per gemeente and for NL, the estimates per buurt, and
Enschede's buurt figures of 2009 as an early point of the buurt trends."""

from __future__ import annotations

import pandas as pd

from ..core.model import Level, Region, Status
from ..demo import DemoContext
from ..sources.boundaries import geometry_to_geojson
from ..sources.common import ImportBatch
from ..store.store import OBSERVATION_COLUMNS
from . import interpolate as ip
from . import read

BOUNDARY_YEAR = 2024
KERNCIJFERS = {2023: "nl_pc4_2023_cbs_kerncijfers_postcode4_v2.csv", 2024: "nl_pc4_2024_cbs_kerncijfers_postcode4_v1.csv"}
LOOKUP = ("other", "nl_pc4_gemeente_ggdregio_lookup.csv")
LBM = ("other", "nl_pc4_leefbaarometer_2022.csv")
LABELS = ("klimaat", "twente3_energielabels_adres_2021-2025_ep-online_via_where-to-live-nl.parquet")
PC4_GEO = {"twente": ("geo", "twente3_pc4_2020_certegis.geojson"), "nl": ("geo", "nl_pc4_2020_certegis.gpkg")}
BUURT_GEO = ("geo", "twente3_buurten_2024_cbs_gegeneraliseerd_approx_rd.gpkg")
KWB2009 = ("kwb_buurt_jaren", "enschede_buurten_2009_kwb_statline_opendata_stembureaus.csv")

#: indicators CBS does not publish per gemeente or buurt in the staged data: these get gemeente/NL totals from
#: the PC4 areas and estimates per buurt. Counts that CBS does publish (inwoners, huishoudens, ...) never do.
NEW = ["eenouderhuishoudens", "pct_eenouderhuishoudens", "uitkeringsontvangers", "pct_uitkeringsontvangers",
       "corporatiewoningen", "pct_corporatiewoningen", "pct_herkomst_buiten_europa", "aardgasverbruik_woningen",
       "elektriciteitsverbruik_woningen"]
LABEL_IDS = ["energielabels_geregistreerd", "energielabels_efg", "pct_woningen_energielabel_efg",
             "pct_dekking_energielabels"]
GM_NOTE = ("geschat: som van de postcodegebieden die CBS aan de gemeente toewijst (een postcode op de grens telt "
           "helemaal mee; geheime cellen van 0-4 tellen als 0)")
NL_NOTE = "som van alle postcodegebieden (geheime cellen van 0-4 tellen als 0)"


def _state(context: DemoContext) -> dict:
    return context.stats.setdefault("_pc4", {})


def _pc4_regions(context: DemoContext, lookup: pd.Series) -> tuple[list[Region], object]:
    import geopandas as gpd

    folder, name = PC4_GEO["nl" if context.scope == "nl" else "twente"]
    path = context.data / folder / name
    context.use(path)
    gdf = gpd.read_file(path).to_crs(4326)
    gdf["code"] = "PC" + gdf["postcode"].astype(str).str.zfill(4)
    gdf["gm"] = gdf["code"].map(lookup)
    if context.scope != "nl":
        gdf = gdf[gdf["gm"].isin(context.gemeenten)]
    names = context.monitor.known_names()
    regions = [Region(code=c, name=f"{c[2:]} {names.get(g, '')}".strip(), level=Level.PC4,
                      boundary_year=BOUNDARY_YEAR, parent=g, geometry=geometry_to_geojson(geom.buffer(0), simplify_m=10),
                      source=f"grenzen: {name} (postcodegebieden 2020; postcodes veranderen zelden)")
               for c, g, geom in zip(gdf["code"], gdf["gm"], gdf.geometry, strict=True)]
    return regions, gdf[["code", "gm", "geometry"]]


def _with_year(obs: pd.DataFrame) -> pd.DataFrame:
    obs = obs.copy()
    obs["boundary_year"] = BOUNDARY_YEAR
    return obs.reindex(columns=OBSERVATION_COLUMNS)


def _totals(context: DemoContext, obs: pd.DataFrame, lookup: pd.Series, only: list[str]) -> pd.DataFrame:
    """Gemeente totals (estimated) for the gemeenten the store knows, and the NL total, of ``only``."""
    known = {c for c, years in context.monitor.known_regions().items() if BOUNDARY_YEAR in years and c.startswith("GM")}
    groups = lookup[lookup.isin(known)]
    cat = context.monitor.catalogue
    gm = read.aggregate_to(obs, groups, cat, Status.ESTIMATED, GM_NOTE)
    nl = read.aggregate_to(obs, pd.Series("NL01", index=obs["region"].unique()), cat, Status.ESTIMATED, NL_NOTE)
    out = pd.concat([gm, nl], ignore_index=True)
    return _with_year(out[out["indicator"].isin(only)])


def load_pc4(context: DemoContext) -> None:
    """PC4 regions with their figures, and gemeente and NL totals of what CBS does not publish per gemeente."""
    state = _state(context)
    lookup_path = context.data.joinpath(*LOOKUP)
    context.use(lookup_path)
    lookup = read.read_lookup(lookup_path)
    regions, gdf = _pc4_regions(context, lookup)
    keep = {r.code for r in regions}
    state["gdf"] = gdf
    state["obs"] = {}
    def apply(batch: ImportBatch) -> dict:  # the demo defines the PC4 areas from these files
        return context.monitor.apply(batch, create_regions=True)
    first = True
    national = {}
    for year, name in KERNCIJFERS.items():
        path = context.data / "pc4" / name
        if not path.exists():
            context.skip(path, "bestand ontbreekt")
            continue
        context.use(path)
        obs = national[year] = read.read_kerncijfers(path, year)
        state["obs"][year] = obs[obs["region"].isin(keep)]
        batch = ImportBatch("pc4", str(path), len(obs), _with_year(state["obs"][year]), regions if first else [])
        apply(batch)
        first = False
        apply(ImportBatch("pc4", str(path), 0, _totals(context, obs, lookup, NEW)))
    households = {y: o[o["indicator"] == "huishoudens"] for y, o in state["obs"].items()}
    # Leefbaarometer 2022: per PC4, and per gemeente weighted by the households of 2023 (the nearest year)
    path = context.data.joinpath(*LBM)
    if path.exists():
        context.use(path)
        lbm = read.read_leefbaarometer(path)
        nat = national[2023]
        weights = nat[nat["indicator"] == "huishoudens"].assign(period=2022)
        state["obs"]["lbm"] = pd.concat([lbm[lbm["region"].isin(keep)],
                                         households[2023].assign(period=2022)], ignore_index=True)
        apply(ImportBatch("pc4", str(path), len(lbm), _with_year(lbm[lbm["region"].isin(keep)])))
        apply(ImportBatch("pc4", str(path), 0, _totals(context, pd.concat([lbm, weights]), lookup,
                                                       ["leefbaarometer_score"])))
    # energy labels: counted per PC4 at once; only the counts go on
    path = context.data.joinpath(*LABELS)
    if path.exists():
        context.use(path)
        counts, last = read.count_energy_labels(path)
        label = f"RVO EP-Online, labels geregistreerd januari 2021 t/m {last} (per adres het laatste label)"
        dw24 = state["obs"][2024].set_index("region")
        dw24 = dw24[dw24["indicator"] == "woningvoorraad"]["value"]
        pc = read.energy_label_observations(counts[counts.index.isin(keep)], dw24, last, label)
        gm_counts = counts.groupby(lookup.reindex(counts.index)).sum()
        gm_counts = gm_counts[gm_counts.index.isin(context.gemeenten)]
        gm_dw = context.monitor.store.observations(regions=list(gm_counts.index), indicators=["woningvoorraad"],
                                                    boundary_year=BOUNDARY_YEAR)
        gm_dw = gm_dw.sort_values("period").groupby("region")["value"].last()
        gm = read.energy_label_observations(gm_counts, gm_dw, last, label)
        gm["status"] = Status.ESTIMATED.value
        gm["source_ref"] = gm["source_ref"] + "; " + GM_NOTE
        state["obs"]["labels"] = pd.concat([pc, state["obs"][2024][state["obs"][2024]["indicator"] == "woningvoorraad"]
                                            .assign(period=last)], ignore_index=True)
        apply(ImportBatch("pc4", str(path), int(counts["energielabels_geregistreerd"].sum()),
                          _with_year(pd.concat([pc, gm], ignore_index=True))))
    context.stats["pc4_gebieden"] = len(regions)


def interpolate_to_buurten(context: DemoContext) -> None:
    """Estimates per buurt of what CBS publishes only per PC4 (household-weighted overlay)."""
    import geopandas as gpd

    state = _state(context)
    if not state.get("obs"):
        return
    path = context.data.joinpath(*BUURT_GEO)
    context.use(path)
    bu = gpd.read_file(path).rename(columns={"bu_code": "code"})
    bu = bu[bu["code"].map(context.keep)]
    hh = context.monitor.store.observations(indicators=["huishoudens"], boundary_year=BOUNDARY_YEAR,
                                            regions=list(bu["code"]))
    hh = hh[hh["period"] == BOUNDARY_YEAR].set_index("region")["value"]
    pc4_hh = state["obs"][2024]
    pc4_hh = pc4_hh[pc4_hh["indicator"] == "huishoudens"].set_index("region")["value"]
    w = ip.weights(state["gdf"], bu, "huishoudens", households=hh, pc4_households=pc4_hh)
    cat = context.monitor.catalogue
    parts = []
    for key, obs in state["obs"].items():
        ids = {"lbm": ["leefbaarometer_score"], "labels": LABEL_IDS}.get(key, NEW)
        parts.append(ip.interpolate(obs, w, cat, ids))
    est = _with_year(pd.concat(parts, ignore_index=True))
    context.monitor.apply(ImportBatch("pc4-interpolatie", str(path), len(w.table), est))
    context.stats["pc4_buurtschattingen"] = len(est)


def _decode_spreadsheet_date(text: pd.Series) -> pd.Series:
    """'22-01-12' (a spreadsheet turned 22.1 into a date; '12' is the year it added) → 22.1; '34.3' stays."""
    s = text.astype(str).str.strip()
    m = s.str.extract(r"^(\d{1,2})-(\d{2})-\d{2}$")
    decoded = pd.to_numeric(m[0], errors="coerce") + pd.to_numeric(m[1], errors="coerce") / 10
    return decoded.where(m[0].notna(), pd.to_numeric(s, errors="coerce"))


KWB2009_COLUMNS = {
    "Aantal inwoners": "inwoners", "0 tot 15 jaar": "pct_0_14", "15 tot 25 jaar": "pct_15_24",
    "25 tot 45 jaar": "pct_25_44", "45 tot 65 jaar": "pct_45_64", "65 jaar en ouder": "pct_65plus",
    "Westers totaal": "pct_westerse_migratieachtergrond", "Niet-westers totaal": "pct_niet_westerse_migratieachtergrond",
    "Personen met laag inkomen": "pct_laag_inkomen", "Personen met hoog inkomen": "pct_hoog_inkomen",
}


def load_kwb2009(context: DemoContext) -> None:
    """Enschede's 70 buurten in 2009 (KWB 2009, CBS StatLine) on their own indeling, linked to 2024 by code."""
    path = context.data.joinpath(*KWB2009)
    if not path.exists():
        context.skip(path, "bestand ontbreekt")
        return
    if not context.keep("BU01530000"):
        return
    context.use(path)
    raw = pd.read_csv(path, dtype=str)
    raw = raw[raw["bu_code_constructed"].str.fullmatch(r"BU0153\d{4}")].set_index("bu_code_constructed")
    wide = raw[list(KWB2009_COLUMNS)].apply(pd.to_numeric, errors="coerce").rename(columns=KWB2009_COLUMNS)
    wide["inkomen_per_inwoner"] = _decode_spreadsheet_date(raw["Gemiddeld inkomen per inwoner"])
    obs = wide.stack(future_stack=True).rename("value").reset_index()
    obs.columns = ["region", "indicator", "value"]
    obs["status"] = obs["value"].notna().map({True: Status.MEASURED.value, False: Status.MISSING.value})
    obs["period"] = 2009
    obs["boundary_year"] = 2009
    src = {v: k for k, v in KWB2009_COLUMNS.items()}
    src["inkomen_per_inwoner"] = ("Gemiddeld inkomen per inwoner (x 1.000 euro; waarden die een spreadsheet tot datum "
                                  "had gemaakt, zoals 22-01-12, teruggezet naar 22,1)")
    obs["source_ref"] = "CBS Kerncijfers wijken en buurten 2009, " + obs["indicator"].map(src) + f"; {path.name}"
    obs = obs.reindex(columns=OBSERVATION_COLUMNS)
    regions = [Region(code, str(name).strip(), Level.BUURT, 2009, parent="WK" + code[2:8],
                      source=f"{path.name} (buurtcode 2009 = 2024; grenzen kunnen verschoven zijn)")
               for code, name in zip(raw.index, raw["Regio's"], strict=True)]
    context.monitor.apply(ImportBatch("kwb2009", str(path), len(raw), obs, regions), create_regions=True)
    context.stats["buurten_2009"] = len(raw)


STEPS = [
    (950, "Postcode-4: CBS-kerncijfers 2023 en 2024, Leefbaarometer 2022, energielabels (EP-Online)", load_pc4),
    (960, "Postcode-4 naar buurten: schattingen, verdeeld naar huishoudens", interpolate_to_buurten),
    (970, "Kerncijfers 2009 van de buurten van Enschede (begin van de buurtreeksen)", load_kwb2009),
]
