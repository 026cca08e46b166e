"""Selection by rule on the staged CBS achterstandsscores, checked against a naive recomputation, and budget
allocation / comparison / LEA scenarios."""

from __future__ import annotations

import csv

import pytest

from kansenmonitor.indices.targeting import RuleError
from kansenmonitor.schools import repository as repo
from kansenmonitor.schools.selection import SCENARIOS, missing_inputs, run, school_table


def _naive_scores(data_dir):
    rows = []
    with open(data_dir / "scholen" / "nl_po_achterstandsscores_per_vestiging_cbs_2019.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            n, s = float(r["Aantal bekostigde leerlingen"]), float(r["Achterstandsscore"])
            if n > 0:
                rows.append((r["School (BRIN vestiging)"], n, s / n * 100))
    return rows


def _naive_top_share(rows, share):
    """Highest score first; take schools while the pupils already taken are below share % of all pupils."""
    total = sum(n for _c, n, _s in rows)
    chosen, cum = set(), 0.0
    for code, n, _s in sorted(rows, key=lambda r: -r[2]):
        if cum >= total * share / 100:
            break
        chosen.add(code)
        cum += n
    return chosen


@pytest.mark.parametrize("share", [5, 10, 15])
def test_ocw_national_rule_equals_naive_recomputation(demo_monitor, data_dir, share):
    national = _naive_top_share(_naive_scores(data_dir), share)
    for gm in ("GM0153", "GM0141", "GM0164"):
        enschede = set(repo.register(demo_monitor, gemeente=gm).index)
        expected = national & enschede
        got = set(run(demo_monitor, gm, f"ocw:{share}").selection.selected)
        assert got == expected, gm
    assert len(national & set(repo.register(demo_monitor, gemeente="GM0153").index)) > 0


def test_local_rule_equals_naive_recomputation(demo_monitor, data_dir):
    enschede = set(repo.register(demo_monitor, gemeente="GM0153").index)
    rows = [r for r in _naive_scores(data_dir) if r[0] in enschede]
    expected = _naive_top_share(rows, 15)
    got = set(run(demo_monitor, "GM0153", "top-pct-population:15").selection.selected)
    assert got == expected and 3 <= len(got) < len(rows)


def test_allocation_and_two_rules_side_by_side(demo_monitor):
    t = run(demo_monitor, "GM0153", "ocw:15", 150000, "gewogen", "top-pct-population:15")
    assert t.allocation.total == pytest.approx(150000, abs=0.001)
    frame = t.allocation.frame
    # per weighted pupil: money ∝ achterstandsscore
    scores = t.selection.frame.loc[frame.index, "achterstandsscore"]
    assert (frame["key"] == scores).all()
    ratio = frame["amount"] / scores
    assert ratio.max() - ratio.min() < 0.01
    c = t.comparison
    assert set(c.left) == set(t.selection.selected) - set(t.selection_b.selected)
    assert set(c.entered) == set(t.selection_b.selected) - set(t.selection.selected)
    per_pupil = run(demo_monitor, "GM0153", "ocw:15", 100000, "leerling").allocation.frame
    r = per_pupil["amount"] / per_pupil["leerlingen"]
    assert r.max() - r.min() < 0.01


def test_rules_that_cannot_run_say_why(demo_monitor):
    with pytest.raises(RuleError, match="ocw:5"):
        run(demo_monitor, "GM0153", "ocw:7")
    with pytest.raises(RuleError, match="kolom 'foo'"):
        run(demo_monitor, "GM0153", "threshold:foo>3")
    frame = school_table(demo_monitor, "GM0153")
    assert missing_inputs(frame, SCENARIOS["pm-groep-1-2"])  # VVE shares have no open source
    assert not missing_inputs(frame, SCENARIOS["plusarrangement"])
