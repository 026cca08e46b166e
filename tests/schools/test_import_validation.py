"""Bad school input: a clear message naming file, row and field, and nothing stored. Also the DUO quirks
(two key schemes, gemeentenummer without leading zeros, decimal commas, "<5")."""

from __future__ import annotations

import json

import pytest

from kansenmonitor.core.errors import ImportValidationError
from kansenmonitor.core.model import Level, Region
from kansenmonitor.schools import repository as repo
from kansenmonitor.schools.duo import gemeente_code, number, ocw_groups, read_school_file


def _square(x, y, d=0.01):
    return json.dumps({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})


@pytest.fixture
def school_monitor(empty_monitor, tmp_path):
    m = empty_monitor
    m.store.create_schema()
    with m.store.transaction() as w:
        w.upsert_regions([
            Region("GM9999", "Teststad", Level.GEMEENTE, 2024),
            Region("WK999901", "Centrum", Level.WIJK, 2024, parent="GM9999", geometry=_square(6.0, 52.0, 0.02)),
            Region("BU99990101", "Noord", Level.BUURT, 2024, parent="WK999901", geometry=_square(6.0, 52.0)),
            Region("BU99990102", "Zuid", Level.BUURT, 2024, parent="WK999901", geometry=_square(6.01, 52.0)),
        ])
    addr = tmp_path / "adressen_2026.csv"
    addr.write_text(
        "PROVINCIE;BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;STRAATNAAM;"
        "HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;DENOMINATIE;lat;lon\n"
        "X;1;99AA;99AA00;School Noord;Straat;1;9999 AA;TESTSTAD; 9999;TESTSTAD;Openbaar;52,005;6,005\n"
        "X;1;99BB;99BB00;School Zuid;Laan;2;9999 AB;TESTSTAD;9999;TESTSTAD;Openbaar;52.005;6.015\n",
        encoding="cp1252")
    repo.import_file(m, addr, data_dir=None)
    return m


def _state(m):
    return (m.store.fingerprint(), repo.counts(m))


def test_register_from_file_coordinates(school_monitor):
    reg = repo.register(school_monitor)
    assert reg.loc["99AA00", "buurt"] == "BU99990101" and reg.loc["99BB00", "buurt"] == "BU99990102"
    assert reg.loc["99AA00", "gemeente"] == "GM9999" and reg.loc["99AA00", "location_method"] == "file"


def test_unknown_vestiging_is_refused(school_monitor, tmp_path):
    f = tmp_path / "vsv.csv"
    f.write_text("SAMENWERKINGSVERBAND_NUMMER,brin_nummer,vestigings_nummer,aantal_leerlingen,vsv_totaal,vsv_vmbo,"
                 "vsv_mbo,vsv_overig\nVO1,99AA,00,500,6,3,0,3\nVO1,77ZZ,01,300,2,1,0,1\n", encoding="utf-8")
    before = _state(school_monitor)
    with pytest.raises(ImportValidationError) as e:
        repo.import_file(school_monitor, f)
    text = str(e.value)
    assert "vsv.csv, rij 3, veld 'vestigings_nummer'" in text and "77ZZ01" in text and "niet in het scholenregister" in text
    assert _state(school_monitor) == before


def test_school_outside_the_gemeente_polygons_is_refused(school_monitor, tmp_path):
    f = tmp_path / "coords.csv"
    f.write_text("vestigingscode;lat;lon\n99AA00;52.005;6.005\n99BB00;52.3;6.5\n", encoding="utf-8")
    before = _state(school_monitor)
    with pytest.raises(ImportValidationError) as e:
        repo.import_file(school_monitor, f)
    assert "coords.csv, rij 3, veld 'lat/lon'" in str(e.value) and "buiten de buurtgrenzen van GM9999" in str(e.value)
    assert _state(school_monitor) == before


def test_sub_count_above_total_is_refused(school_monitor, tmp_path):
    f = tmp_path / "vsv.csv"
    f.write_text("SAMENWERKINGSVERBAND_NUMMER,brin_nummer,vestigings_nummer,aantal_leerlingen,vsv_totaal,vsv_vmbo,"
                 "vsv_mbo,vsv_overig\nVO1,99AA,00,5,6,3,0,3\n", encoding="utf-8")
    before = _state(school_monitor)
    with pytest.raises(ImportValidationError, match="rij 2, veld 'vsv_totaal'.*meer dan de 5 leerlingen"):
        repo.import_file(school_monitor, f)
    assert _state(school_monitor) == before


KLAS_HEAD = "vestigingscode;schooljaar;klas;groep;categorie;aantal\n"


def test_klas_file_with_small_cells_is_refused(school_monitor, tmp_path):
    f = tmp_path / "klassen.csv"
    f.write_text(KLAS_HEAD + "99AA00;2024-2025;1/2A;1-2;leerlingen;24\n99AA00;2024-2025;1/2A;1-2;vve_indicatie;3\n"
                 "99AA00;2024-2025;3;3;leerlingen;8\n", encoding="utf-8")
    before = _state(school_monitor)
    with pytest.raises(ImportValidationError) as e:
        repo.import_file(school_monitor, f)
    text = str(e.value)
    assert "klassen.csv, rij 3, veld 'aantal': 3 is minder dan 5" in text
    assert "rij 4, veld 'aantal': klas '3' heeft 8 leerlingen; het minimum is 10" in text
    assert _state(school_monitor) == before


def test_klas_file_with_pupil_data_is_refused(school_monitor, tmp_path):
    f = tmp_path / "klassen.csv"
    f.write_text("vestigingscode;schooljaar;klas;groep;categorie;aantal;naam leerling\n"
                 "99AA00;2024-2025;1/2A;1-2;leerlingen;24;Jan\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="rij 1, veld 'naam leerling'.*afzonderlijke leerlingen"):
        repo.import_file(school_monitor, f)


def test_klas_import_feeds_the_vve_rule(school_monitor, tmp_path):
    f = tmp_path / "klassen.csv"
    rows = [("99AA00", "1/2A", "1-2", "leerlingen", 24), ("99AA00", "1/2A", "1-2", "vve_indicatie", 20),
            ("99AA00", "1/2B", "1-2", "leerlingen", 20), ("99AA00", "1/2B", "1-2", "vve_indicatie", 16),
            ("99AA00", "1/2A", "1-2", "jeugdhulp", 0),
            ("99BB00", "1/2", "1-2", "leerlingen", 25), ("99BB00", "1/2", "1-2", "vve_indicatie", 10)]
    f.write_text(KLAS_HEAD + "".join(f"{c};2024-2025;{k};{g};{cat};{n}\n" for c, k, g, cat, n in rows),
                 encoding="utf-8")
    result = repo.import_file(school_monitor, f)
    assert result["klasregels"] == 7
    obs = repo.observations(school_monitor, indicators=["sch_vve_pct"]).set_index("school")
    assert obs.loc["99AA00", "value"] == pytest.approx(36 / 44 * 100)
    from kansenmonitor.schools.selection import run

    # the two test schools have no achterstandsscore: the vve rule works on its own column
    t = run(school_monitor, "GM9999", "threshold:vve>75", 1000, "school")
    assert t.selection.selected == ["99AA00"] and t.allocation.total == pytest.approx(1000)


def test_duo_quirks():
    assert gemeente_code(" 153") == gemeente_code("0153") == gemeente_code("153") == "GM0153"
    assert gemeente_code("abc") is None
    assert number("537,31")[0] == pytest.approx(537.31)
    assert number("<5") == (None, "suppressed", None)
    assert number("100,0%")[0] == pytest.approx(100.0)
    assert number("")[1] == "missing"
    assert number("x1")[2]


def test_ocw_groups_include_the_school_that_crosses_the_line():
    import pandas as pd

    score = pd.Series({"a": 9.0, "b": 8.0, "c": 7.0, "d": 1.0})
    pupils = pd.Series({"a": 10.0, "b": 10.0, "c": 10.0, "d": 170.0})
    g = ocw_groups(score, pupils)  # total 200: 5 % = 10 pupils, 10 % = 20, 15 % = 30
    assert g == {"a": 5, "b": 10, "c": 15, "d": 0}


def test_unrecognised_file(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="niet herkend als schoolbestand"):
        read_school_file(f)
