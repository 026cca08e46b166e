"""Fixtures for the foundation tests: a small store on each backend, seeded with a few real regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kansenmonitor.monitor import Monitor

# Real values from the KWB 2024 file (85984NED) for a few Enschede regions.
SEED_CSV = """level,code,name,wk_code,gm_code,AantalInwoners_5,k_0Tot15Jaar_8,HuishoudensTotaal_29
gemeente,GM0153,Enschede,,GM0153,161738,22327,81878
wijk,WK015306,Wijk 06 Enschede-Zuid,,GM0153,33685,5485,14930
buurt,BU01530603,Wesselerbrink Noord-Oost,WK015306,GM0153,3820,680,1745
buurt,BU01530604,Wesselerbrink Zuid-Oost,WK015306,GM0153,4375,840,1905
"""


@pytest.fixture
def seed_file(tmp_path) -> Path:
    path = tmp_path / "kwb_seed.csv"
    path.write_text(SEED_CSV, encoding="utf-8")
    return path


@pytest.fixture
def seeded(empty_monitor: Monitor, seed_file: Path) -> Monitor:
    """A store on each backend holding four Enschede regions (indeling 2024) and their counts."""
    empty_monitor.import_file("wbk", seed_file, boundary_year=2024, table="85984NED", create_regions=True)
    return empty_monitor
