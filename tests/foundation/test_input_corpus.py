"""The corpus of bad files (made by code in ``input_corpus``) and seeded mutations of a good file, on both
backends: every bad file is refused with a Dutch message that names where and what, nothing changes, and no
traceback reaches the user; a mutation that is accepted stores only plausible values."""

from __future__ import annotations

from pathlib import Path

import pytest
from input_corpus import cases, mutations, plausible, write
from typer.testing import CliRunner

from kansenmonitor.cli import app
from kansenmonitor.core.errors import ImportValidationError
from kansenmonitor.monitor import Monitor

CASES = {c.name: c for c in cases()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_refused_and_changes_nothing(seeded: Monitor, tmp_path: Path, name: str):
    case = CASES[name]
    kind, path, opts = write(case, tmp_path)
    before = seeded.store.fingerprint()
    with pytest.raises(ImportValidationError) as info:
        seeded.import_file(kind, path, **opts)
    text = str(info.value)
    assert case.expect in text, text
    assert Path(path).name in text or "bom.yaml" in text  # the message names the file
    assert seeded.store.fingerprint() == before


def test_missing_over_measured_is_allowed_when_asked(seeded: Monitor, tmp_path: Path):
    case = CASES["long_missing_over_measured"]
    kind, path, opts = write(case, tmp_path)
    seeded.import_file(kind, path, replace_with_missing=True, **opts)
    obs = seeded.store.observations(regions=["WK015306"], indicators=["inwoners"], periods=[2024])
    assert obs["status"].tolist() == ["missing"]


def test_new_regions_only_when_asked(seeded: Monitor, tmp_path: Path):
    kind, path, opts = write(CASES["wbk_unknown_code"], tmp_path)
    seeded.import_file(kind, path, create_regions=True, **opts)
    assert ("BU01539999", 2024) in seeded.store.region_keys()


def test_a_buurt_whose_code_names_another_wijk_is_refused(seeded: Monitor, tmp_path: Path):
    path = tmp_path / "kwb_mixed.csv"
    path.write_text("code,name,wk_code,AantalInwoners_5\nBU01530699,Verkeerd,WK015307,10\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="hoort volgens zijn code bij WK015306"):
        seeded.import_file("wbk", path, boundary_year=2024, table="85984NED", create_regions=True)


@pytest.mark.parametrize("name", ["value_02", "xlsx_zip_bomb", "yaml_alias_bomb", "junk_geopackage",
                                  "unterminated_quote", "wbk_unknown_code", "rd_as_lonlat"])
def test_cli_says_it_in_dutch_without_traceback(seeded: Monitor, tmp_path: Path, name: str, monkeypatch):
    case = CASES[name]
    kind, path, opts = write(case, tmp_path)
    args = ["import", kind, str(path)]
    if "boundary_year" in opts:
        args += ["--year" if kind in ("wbk", "boundaries") else "--boundary-year", str(opts["boundary_year"])]
    if "table" in opts:
        args += ["--table", opts["table"]]
    if "mapping" in opts:
        args += ["--mapping", str(opts["mapping"])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert "niet" in result.output


def test_mutations_are_refused_or_plausible(seeded: Monitor, tmp_path: Path):
    """300 seeded mutations of a good long file: each is refused (nothing changes) or stores plausible values;
    none raises anything but a validation error."""
    accepted = refused = 0
    for k, text in mutations(seed=17, n=300):
        path = tmp_path / f"m{k}.csv"
        path.write_text(text, encoding="utf-8")
        before = seeded.store.fingerprint()
        try:
            seeded.import_file("long", path, boundary_year=2024)
        except ImportValidationError:
            refused += 1
            assert seeded.store.fingerprint() == before, f"mutation {k} changed the store:\n{text}"
            continue
        accepted += 1
        wrong = plausible(seeded.store.observations(), seeded.catalogue)
        assert not wrong, f"mutation {k} stored wrong values {wrong[:3]}:\n{text}"
    assert refused > 150 and accepted >= 3  # the mutations really test both ways


def test_a_locked_sqlite_store_says_another_import_is_running(tmp_path: Path, monkeypatch):
    import sqlite3

    from kansenmonitor.core.errors import StoreError
    from kansenmonitor.store import store as store_module

    monkeypatch.setattr(store_module, "SQLITE_BUSY_SECONDS", 0.2)
    m = Monitor.open(home=tmp_path, url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    m.sync_catalogue()
    seed = tmp_path / "kwb.csv"
    seed.write_text("code,name,AantalInwoners_5\nGM0153,Enschede,161738\n", encoding="utf-8")
    other = sqlite3.connect(tmp_path / "k.sqlite")
    other.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        with pytest.raises(StoreError, match="andere import"):
            m.import_file("wbk", seed, boundary_year=2024, table="85984NED", create_regions=True)
    finally:
        other.rollback()
        other.close()
    m.import_file("wbk", seed, boundary_year=2024, table="85984NED", create_regions=True)
    assert ("GM0153", 2024) in m.store.region_keys()
    m.close()
