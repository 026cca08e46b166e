"""Every message of the estimators about the data exists in English too (``--lang en``), names the same field,
and contains no Dutch."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from kansenmonitor.analysis.evaluation import Panel, PanelError, evaluate

DUTCH = re.compile(r"\b(de|het|een|niet|geen|vóór|eenheid|kies|voeg|gebruik|periode|maatregel)\b", re.I)


def _frame(n_treated=3, n_control=6, years=range(2014, 2021), start=2018):
    rng = np.random.default_rng(1)
    rows = []
    for u in range(n_treated + n_control):
        for t in years:
            rows.append({"u": f"u{u}", "t": t, "y": rng.normal() + 0.1 * t, "x": rng.normal(),
                         "start": start if u < n_treated else 0})
    return pd.DataFrame(rows)


def _panel(df, **kw):
    return Panel.from_frame(df, unit="u", time="t", outcome="y", treated_from="start", **kw)


BAD_FRAMES = {
    "missing column": lambda: Panel.from_frame(_frame(), unit="u", time="t", outcome="nee", treated_from="start"),
    "text outcome": lambda: _panel(_frame().astype({"y": object}).assign(y="veel")),
    "duplicate": lambda: _panel(pd.concat([_frame(), _frame().head(1)])),
    "start outside": lambda: _panel(_frame(start=2030)),
    "constant outcome": lambda: _panel(_frame().assign(y=1.0)),
    "empty": lambda: _panel(_frame().head(0)),
}

BAD_FITS = {
    "did one treated": ("did", lambda: _panel(_frame(n_treated=1)), {}),
    "did two starts": ("did", lambda: _panel(_frame().assign(start=lambda d: np.where(d.u == "u0", 2017,
                                                                                        d.start))), {}),
    "cs few controls": ("cs", lambda: _panel(_frame(n_control=1)), {"bootstrap": 0}),
    "cs honest one pre": ("cs", lambda: _panel(_frame(years=range(2017, 2021))),
                          {"bootstrap": 0, "honest_did": True, "inference": "asymptotic"}),
    "sdid se method": ("sdid", lambda: _panel(_frame()), {"se_method": "raden"}),
    "sdid jackknife one": ("sdid", lambda: _panel(_frame(n_treated=1)), {"se_method": "jackknife"}),
    "scm many treated": ("scm", lambda: _panel(_frame(n_treated=8, n_control=3)), {"max_treated": 5}),
    "scm bad v search": ("scm", lambda: _panel(_frame(n_treated=1)), {"v_search": "gokken"}),
    "ascm two treated": ("ascm", lambda: _panel(_frame(n_treated=2)), {}),
    "its two starts": ("its", lambda: _panel(_frame().assign(start=lambda d: np.where(d.u == "u0", 2016,
                                                                                        d.start))), {}),
}


def _check(exc: PanelError) -> None:
    assert exc.issues
    for issue in exc.issues:
        assert issue.message_en and issue.hint_en, issue
        assert not DUTCH.search(issue.message_en + " " + issue.hint_en), issue
    english = exc.text("en")
    assert english.startswith("The input is not valid") and "rij" not in english and "veld" not in english


@pytest.mark.parametrize("case", sorted(BAD_FRAMES))
def test_data_messages_have_english(case):
    with pytest.raises(PanelError) as info:
        BAD_FRAMES[case]()
    _check(info.value)


@pytest.mark.parametrize("case", sorted(BAD_FITS))
def test_estimator_messages_have_english(case):
    method, make, options = BAD_FITS[case]
    with pytest.raises(PanelError) as info:
        evaluate(make(), method=method, **options)
    _check(info.value)


def test_cli_gives_english_issues_in_json(tmp_path):
    from typer.testing import CliRunner

    from kansenmonitor.cli import app

    path = tmp_path / "p.csv"
    _frame(n_treated=1).to_csv(path, index=False)
    args = ["evaluate", "--data", str(path), "--unit", "u", "--time", "t", "--outcome", "y", "--treated-from",
            "start", "--method", "did", "--json"]
    en = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert en.exit_code == 2
    body = json.loads(en.stderr)
    assert body["detail_lang"] == "en" and "too few treated units" in body["detail"]
    assert body["issues"][0]["message"].startswith("too few treated units") and body["issues"][0]["field"] == "start"
    nl = json.loads(CliRunner().invoke(app, args).stderr)
    assert nl["detail_lang"] == "nl" and "te weinig behandelde eenheden" in nl["issues"][0]["message"]
