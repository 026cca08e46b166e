"""Survey import: codebook checks, CSV/XLSX/SPSS microdata, and bad input that names file, row and field and
changes nothing (all or nothing), on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from sqlalchemy import func, select

from kansenmonitor.core.errors import DefinitionError, ImportValidationError
from kansenmonitor.surveys import repository as repo
from kansenmonitor.surveys import tables as t
from kansenmonitor.surveys.codebook import load_codebook, parse_codebook
from kansenmonitor.surveys.importer import import_survey

from .conftest import CODEBOOK, respondents


def _count(monitor) -> int:
    with monitor.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.survey_respondents)).scalar_one()


def test_csv_import_and_read_back(survey_monitor, codebook_file, tmp_path):
    data = respondents({"BU99990101": 40, "BU99990202": 35})
    data.loc[3, "eenzaam"] = 9  # a missing code
    data.loc[4, "eenzaam"] = None  # an empty cell
    path = tmp_path / "antwoorden.csv"
    data.to_csv(path, index=False)
    r = import_survey(survey_monitor, path, load_codebook(codebook_file))
    assert r["respondenten"] == 75 and r["gebieden"] == 2
    w = repo.wave(survey_monitor)
    assert w.synthetic and w.codebook.title() == "Testenquête (synthetisch)"
    md = repo.microdata(survey_monitor, w)
    assert len(md) == 75
    assert md["eenzaam"].isna().sum() == 2
    assert md.set_index("respondent").loc["R00001", "steun"] == data.loc[0, "steun"]
    # re-import of the same wave replaces it
    import_survey(survey_monitor, path, load_codebook(codebook_file))
    assert _count(survey_monitor) == 75


@pytest.mark.parametrize("column,row,value,needle", [
    ("eenzaam", 5, 3, "code 3 staat niet in het codeboek"),
    ("w", 7, 0, "niet groter dan 0"),
    ("w", 8, -1.5, "niet groter dan 0"),
    ("w", 9, "veel", "geen getal"),
    ("buurt", 10, "BU12345678", "geen bekende buurt"),
    ("resp", 11, "R00001", "twee keer"),
    ("steun", 12, 25, "het aantal 25 kan niet"),
])
def test_bad_input_names_file_row_field_and_changes_nothing(survey_monitor, codebook_file, tmp_path, column, row,
                                                            value, needle):
    good = respondents({"BU99990101": 20})
    good_path = tmp_path / "goed.csv"
    good.to_csv(good_path, index=False)
    import_survey(survey_monitor, good_path, load_codebook(codebook_file))
    before = (_count(survey_monitor), survey_monitor.store.fingerprint())
    bad = respondents({"BU99990101": 30, "BU99990201": 10}, seed=2)
    bad[column] = bad[column].astype(object)
    bad.loc[row - 2, column] = value  # file row = index + 2 (header is row 1)
    path = tmp_path / "fout.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ImportValidationError) as exc:
        import_survey(survey_monitor, path, load_codebook(codebook_file))
    issues = exc.value.issues
    assert any(i.file == "fout.csv" and i.row == row and i.field == column and needle in i.message for i in issues), \
        [str(i) for i in issues]
    assert "er is niets gewijzigd" in str(exc.value)
    assert (_count(survey_monitor), survey_monitor.store.fingerprint()) == before


def test_missing_column_is_named(survey_monitor, codebook_file, tmp_path):
    path = tmp_path / "kort.csv"
    respondents({"BU99990101": 5}).drop(columns=["steun"]).to_csv(path, index=False)
    with pytest.raises(ImportValidationError) as exc:
        import_survey(survey_monitor, path, load_codebook(codebook_file))
    assert any(i.field == "steun" and "ontbreekt" in i.message for i in exc.value.issues)


def test_xlsx_import(survey_monitor, codebook_file, tmp_path):
    path = tmp_path / "antwoorden.xlsx"
    respondents({"BU99990102": 12}).to_excel(path, index=False)
    r = import_survey(survey_monitor, path, load_codebook(codebook_file))
    assert r["respondenten"] == 12
    bad = respondents({"BU99990102": 12})
    bad.loc[4, "eenzaam"] = 7
    bad.to_excel(path, index=False)
    with pytest.raises(ImportValidationError) as exc:
        import_survey(survey_monitor, path, load_codebook(codebook_file))
    assert any(i.row == 6 and i.field == "eenzaam" for i in exc.value.issues)


def test_spss_user_missing_and_value_labels(survey_monitor, codebook_file, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    data = respondents({"BU99990101": 15})
    data["eenzaam"] = data["eenzaam"].astype(float)
    data.loc[0, "eenzaam"] = 8  # declared user-missing in the file, not in the codebook
    path = tmp_path / "antwoorden.sav"
    pyreadstat.write_sav(data, str(path), variable_value_labels={"eenzaam": {1: "Ja", 2: "Nee", 8: "Geen antwoord"}},
                         missing_ranges={"eenzaam": [8]})
    r = import_survey(survey_monitor, path, load_codebook(codebook_file))
    assert r["respondenten"] == 15
    md = repo.microdata(survey_monitor, repo.wave(survey_monitor))
    assert pd.isna(md.set_index("respondent").loc["R00001", "eenzaam"])
    # a value label for a code the codebook does not know (and the file does not call missing) is reported
    pyreadstat.write_sav(data, str(path), variable_value_labels={"eenzaam": {1: "Ja", 2: "Nee", 5: "Soms"}})
    with pytest.raises(ImportValidationError) as exc:
        import_survey(survey_monitor, path, load_codebook(codebook_file))
    assert any(i.field == "eenzaam" and "code 5" in i.message for i in exc.value.issues)


def test_codebook_errors_name_the_field(tmp_path):
    bad = yaml.safe_load(yaml.safe_dump(CODEBOOK))
    bad["items"][0]["capital"] = "geld"
    bad["items"][0]["share"]["codes"] = [4]
    bad["items"][1]["id"] = "Steun Aantal"
    del bad["weight"]
    with pytest.raises(DefinitionError) as exc:
        parse_codebook(bad, "cb.yaml")
    fields = {i.field for i in exc.value.issues}
    assert {"items.eenzaam.capital", "items.eenzaam.share.codes", "items.Steun Aantal.id", "weight"} <= fields


def test_unknown_survey_is_a_clear_error(survey_monitor):
    with pytest.raises(repo.UnknownSurveyError, match="nog geen enquête"):
        repo.wave(survey_monitor)
