"""PC4 → buurt interpolation: error against the buurt figures CBS publishes, and speed against tobler.

1. Error: the CBS Kerncijfers per postcode 2024 (counts of inhabitants, 0-14, 65+, households, and the share of
   owner-occupied dwellings) carried to the 203 buurten of Enschede, Almelo and Hengelo by the household-weighted
   and by the areal method, compared with CBS's own buurt figures of the same year (KWB 2024, 85984NED).
2. Speed: the overlay weights and the interpolation of one count, ours against ``tobler.area_weighted``.

Run:  PYTHONPATH=src .venv/bin/python bench/bench_pc4.py
Ratios are ours / theirs: below 1 means kansenmonitor is faster. Not part of the test suite.
"""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd

from kansenmonitor.core.catalogue import load_catalogue
from kansenmonitor.demo import find_data_dir
from kansenmonitor.pc4 import interpolate as ip
from kansenmonitor.pc4 import read

TRUTH = {"inwoners": "AantalInwoners_5", "inwoners_0_14": "k_0Tot15Jaar_8", "inwoners_65plus": "k_65JaarOfOuder_12",
         "huishoudens": "HuishoudensTotaal_29"}


def main() -> None:
    data = find_data_dir()
    cat = load_catalogue()
    obs = read.read_kerncijfers(data / "pc4" / "nl_pc4_2024_cbs_kerncijfers_postcode4_v1.csv", 2024)
    pc = gpd.read_file(data / "geo" / "twente3_pc4_2020_certegis.geojson")
    pc["code"] = "PC" + pc["postcode"].astype(str)
    bu = gpd.read_file(data / "geo" / "twente3_buurten_2024_cbs_gegeneraliseerd_approx_rd.gpkg")
    bu = bu.rename(columns={"bu_code": "code"})
    kwb = pd.read_csv(data / "kwb_buurt" / "twente3_gm_wk_bu_2024_kwb85984NED_misdrijven47022NED_gezondheid50150NED.csv")
    kwb = kwb[kwb["level"] == "buurt"].set_index("code")
    obs = obs[obs["region"].isin(pc["code"])]
    hh = obs[obs["indicator"] == "huishoudens"].set_index("region")["value"]
    print("error against CBS buurt figures 2024 (203 buurten; counts: relative error, shares: percentage points)")
    print(f"{'method':12} {'indicator':18} {'n':>4} {'median':>8} {'p90':>8}")
    for method in ip.METHODS:
        w = ip.weights(pc, bu, method, households=kwb["HuishoudensTotaal_29"], pc4_households=hh)
        est = ip.interpolate(obs, w, cat, [*TRUTH, "pct_koopwoningen"])
        e = est.pivot_table(index="region", columns="indicator", values="value")
        for iid, col in TRUTH.items():
            r = ip.error_against_truth(e[iid], kwb[col])
            print(f"{method:12} {iid:18} {r['n']:4d} {r['median_rel']:8.1%} {r['p90_rel']:8.1%}")
        big = kwb["AantalInwoners_5"] >= 200
        share = (e["inwoners_65plus"] / e["inwoners"] * 100)
        truth = (kwb["k_65JaarOfOuder_12"] / kwb["AantalInwoners_5"] * 100)[big]
        r = ip.error_against_truth(share, truth)
        print(f"{method:12} {'% 65+ (pp)':18} {r['n']:4d} {r['median_abs']:8.1f} {r['p90_abs']:8.1f}")
        r = ip.error_against_truth(e["pct_koopwoningen"], kwb["Koopwoningen_47"])
        print(f"{method:12} {'% koop (pp)':18} {r['n']:4d} {r['median_abs']:8.1f} {r['p90_abs']:8.1f}")
    try:
        import tobler
    except ImportError:
        print("tobler not installed: speed comparison skipped (.venv/bin/pip install tobler)")
        return
    src = pc.assign(x=pc["code"].map(obs[obs["indicator"] == "inwoners_65plus"].set_index("region")["value"]))
    src = src.dropna(subset=["x"]).to_crs(ip.RD)
    reps = 5
    t = time.perf_counter()
    for _ in range(reps):
        w = ip.weights(src, bu, "areal", sliver=0.0)
        w.matrix().reindex(columns=src["code"]).fillna(0.0) @ src.set_index("code")["x"]
    ours = (time.perf_counter() - t) / reps
    t = time.perf_counter()
    for _ in range(reps):
        tobler.area_weighted.area_interpolate(src, bu.to_crs(ip.RD), extensive_variables=["x"], allocate_total=False)
    theirs = (time.perf_counter() - t) / reps
    print(f"areal interpolation of one count: ours {ours:.3f} s, tobler {theirs:.3f} s, ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
