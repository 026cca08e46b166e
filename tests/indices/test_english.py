"""English texts of the index engine (``lang="en"``) and the CLI's ``--lang en``; Dutch stays the default."""

from __future__ import annotations

import json
import pickle

import pytest
import typer
from typer.testing import CliRunner

from kansenmonitor import indices
from kansenmonitor.indices.messages import Message, localise, msg

#: words that only occur in the engine's Dutch texts
DUTCH = ["geen", "thema", "ontbreekt", "te weinig", "gebieden", "gegevens", "indicatoren", "nodig", "niveau",
         "lees ", "kolommen", "bron:", "telt niet mee", "verschuift", "plaatsen per gebied", "hangt", "wijst",
         "voegt weinig", "behoefte", "formule", "blijft", "komt erbij", "valt af", "afstand", "rang ", "verdeeld",
         "trekkingen", "keuze", "samenhang"]


def _strings(obj, key=None):
    """String values, without region names and the definition's source citations (content, not engine text)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k not in ("name", "provenance", "source"):
                yield from _strings(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v, key)
    elif isinstance(obj, str):
        yield obj.split("; source: ")[0] if key == "hint" else obj


def _dutch_left(data) -> list[str]:
    return [s for s in _strings(data) for w in DUTCH if w in s.lower()]


@pytest.fixture(scope="module")
def computed(urgentie, enschede_urgentie):
    result = indices.compute_index(urgentie, enschede_urgentie)
    unc = indices.uncertainty(urgentie, enschede_urgentie, draws=40, seed=1)
    coh = indices.coherence(urgentie, enschede_urgentie)
    return result, unc, coh


def test_message_is_dutch_text_with_english():
    m = msg("reason.coverage", n=2, k=10, coverage=0.2, need=0.5)
    assert m == "te weinig gegevens: 2 van 10 indicatoren (20%); minimaal 50% nodig"
    assert m.text("en") == "too little data: 2 of 10 indicators (20%); at least 50% needed"
    assert m.code == "reason.coverage" and m.params["n"] == 2
    back = pickle.loads(pickle.dumps(m))
    assert isinstance(back, Message) and back.en == m.en and back == m
    assert localise({"a": [m]}, "en") == {"a": [m.en]} and type(localise(m, "nl")) is str


def test_result_texts_in_english_numbers_unchanged(computed):
    result, unc, coh = computed
    nl, en = result.to_dict(), result.to_dict(lang="en")
    assert _dutch_left(en) == []
    assert [(r["region"], r["score"], r["rank"]) for r in nl["regions"]] == \
        [(r["region"], r["score"], r["rank"]) for r in en["regions"]]
    reasons_nl = [r["reason"] for r in nl["regions"] if r["reason"]]
    reasons_en = [r["reason"] for r in en["regions"] if r["reason"]]
    assert reasons_nl and len(reasons_nl) == len(reasons_en)
    assert all(("te weinig" in r or "geen gegevens" in r) for r in reasons_nl)
    assert all(("too little data" in r or "no data" in r or "too few inhabitants" in r) for r in reasons_en)
    assert any(n.startswith("areas with fewer than 500 inhabitants get no rank and no money") for n in en["notes"])
    assert all(m["reason"].startswith("no open data") for m in en["missing_themes"])
    assert any(n.startswith("score on ") for n in en["notes"])
    assert type(nl["notes"][0]) is str  # plain strings, not messages
    frame = result.to_frame("en")
    assert not frame["reason"].dropna().str.contains("gegevens").any()
    assert frame["score"].equals(result.to_frame()["score"])

    u_en = unc.to_dict("en")
    assert _dutch_left(u_en) == []
    assert "moves the ranking most" in u_en["summary"] and "verschuift" in unc.summary()
    assert all(r["label"].startswith(("rank ", "no rank")) for r in u_en["regions"])
    assert unc.to_frame("en")["label"].str.startswith(("rank ", "no rank")).all()

    c_en = coh.to_dict("en")
    assert _dutch_left(c_en) == []
    assert len(c_en["flags"]) == len(coh.flags)
    assert all(line.startswith("theme ") for line in coh.summary("en")[: len(coh.alpha)])
    assert coh.summary()[0].startswith("thema ")
    with pytest.raises(ValueError):
        result.to_dict(lang="de")


def test_targeting_texts_in_english(computed):
    result, _, _ = computed
    sel = indices.select(result.to_frame(), "top-pct-population:30")
    alloc = indices.allocate(sel, 1_000_000)
    alloc_f = indices.allocate(sel, 1_000_000, formula="need * inwoners")
    comp = indices.compare_scenarios(alloc, indices.allocate(indices.select(result.to_frame(), "top-n:3"), 1_000_000))
    assert alloc.method == "behoefte × inwoners" and alloc.method_text("en") == "need × population"
    assert alloc_f.to_dict("en")["method"] == "formula: need * inwoners"
    sel_en = sel.to_dict("en")
    assert {r["reason"] for r in sel_en["regions"]} <= {None, "no score", "no population count"}
    assert "geen score" in set(sel.to_frame()["reason"].dropna())
    c_en = comp.to_dict("en")
    assert _dutch_left(c_en) == []
    assert {r["status"] for r in c_en["regions"]} <= {"stays", "enters", "leaves"}
    assert set(comp.to_frame()["status"]) <= {"blijft", "komt erbij", "valt af"}
    assert c_en["money_moved"] == comp.to_dict()["money_moved"]


@pytest.fixture
def runner_app(demo_home, monkeypatch):
    from kansenmonitor.cli.index import register

    monkeypatch.setenv("KANSENMONITOR_HOME", str(demo_home))
    app = typer.Typer()
    register(app)
    return app


def test_cli_lang_en(runner_app):
    run = CliRunner().invoke
    res = run(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--draws", "20", "--json",
                           "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert _dutch_left(data) == []
    assert any(r["reason"] for r in data["regions"]) and data["uncertainty"]["summary"].startswith("The choice")
    res = run(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--draws", "20", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "rank 1 (" in res.stdout and "does not count" in res.stdout and "telt niet mee" not in res.stdout
    res = run(runner_app, ["index", "explain", "urgentie", "--gemeente", "GM0153", "--json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert _dutch_left({k: data[k] for k in ("missing_themes", "unavailable_indicators", "coherence", "notes")}) == []
    res = run(runner_app, ["index", "explain", "urgentie", "--gemeente", "GM0153", "--lang", "en"])
    assert "MISSING — import '" in res.stdout and "Cronbach's alpha" in res.stdout
    res = run(runner_app, ["target", "--index", "urgentie", "--gemeente", "GM0153", "--rule", "top-pct-population:30",
                           "--budget", "1000000", "--compare", "top-pct:20", "--json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert _dutch_left(data) == [] and data["allocation"]["method"] == "need × population"
    res = run(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--draws", "20"])
    assert "rang 1 (" in res.stdout and "telt niet mee" in res.stdout  # Dutch stays the default
    res = run(runner_app, ["index", "compute", "urgentie", "--gemeente", "GM0153", "--lang", "fr"])
    assert res.exit_code == 2
