"""The LEA indicators of Kansrijk Enschede take their values from the store once the deliverer's
youth template is imported (no open source has them today)."""

from __future__ import annotations

import shutil

from kansenmonitor.monitor import Monitor
from kansenmonitor.programme import load_programme
from kansenmonitor.programme.progress import progress_rows
from kansenmonitor.programme.store_lookup import StoreValues
from kansenmonitor.schools.youth import LINKS, youth_template

LINKED = {"ind-vve-bereik": "jeugd_vve_bereik", "ind-onderadvisering": "jeugd_onderadvisering_pct",
          "ind-vsv": "jeugd_vsv_woonplaats_pct", "ind-jeugdzorg": "jeugd_jeugdhulp_pct"}


def test_programme_links_agree_with_the_youth_catalogue(demo_monitor):
    programme = load_programme("kansrijk-enschede-2023-2033")
    same = {(link.programme_indicator, link.indicator) for link in LINKS if link.agreement == "gelijk"}
    for pid, iid in LINKED.items():
        ind = programme.indicator(pid)
        assert ind.catalogue_id == iid and iid in demo_monitor.catalogue
        assert (pid, iid) in same  # only links whose definitions agree feed the programme


def test_imported_template_values_reach_the_progress_view(demo_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    monitor = Monitor.open(home=home, url=f"sqlite:///{home / 'kansenmonitor.sqlite'}")
    try:
        template = youth_template(monitor.catalogue, "GM0153", 2025)
        lines = template.splitlines()
        filled = [lines[0]]
        values = {"jeugd_vve_bereik": "86,5", "jeugd_jeugdhulp_pct": "13,2"}
        for line in lines[1:]:
            cells = line.split(";")
            if cells[2] in values:
                cells[4] = values[cells[2]]
                filled.append(";".join(cells))
        path = tmp_path / "jeugd.csv"
        path.write_text("\n".join(filled) + "\n", encoding="utf-8")
        monitor.import_file("long", path, decimal_comma=True)
        programme = load_programme("kansrijk-enschede-2023-2033")
        store = StoreValues(monitor)
        vve = progress_rows(programme, programme.indicator("ind-vve-bereik"), store)[0]
        assert vve.baseline.value == 83.7 and not vve.baseline.from_store  # the seed's own 0-meting stays
        assert vve.latest.year == 2025 and vve.latest.value == 86.5 and vve.latest.from_store
        zorg = progress_rows(programme, programme.indicator("ind-jeugdzorg"), store)[0]
        assert zorg.latest.value == 13.2 and zorg.store_years == [2025]
        vsv = progress_rows(programme, programme.indicator("ind-vsv"), store)[0]
        assert vsv.latest is None and vsv.store_years == []  # not delivered: said as missing, never 0
    finally:
        monitor.close()
