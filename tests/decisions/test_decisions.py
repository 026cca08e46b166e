"""The decision log: validated, append-only, tied to evidence."""

from __future__ import annotations

import pytest

from kansenmonitor.core.errors import DefinitionError
from kansenmonitor.programme import load_programme
from kansenmonitor.programme.decisions import (
    Evidence,
    current_decision,
    decisions_for,
    parse_evidence,
    record_decision,
)
from kansenmonitor.store import Store


@pytest.fixture
def store(backend_url):
    s = Store.open(url=backend_url)
    yield s
    s.close()


@pytest.fixture
def programme():
    return load_programme("kansrijk-enschede-2023-2033")


def test_record_and_supersede(store, programme):
    store.put_document("evaluation", "peutergroep-2026", {"method": "cs", "estimate": 0.4})
    first = record_decision(store, programme, "int-3e-pmer", "doorgaan", "Bereik stijgt volgens plan.",
                            "wethouder onderwijs", on="2025-06-01",
                            evidence=[parse_evidence("evaluation:peutergroep-2026")])
    second = record_decision(store, programme, "int-3e-pmer", "adjust", "Meer gericht op kwetsbare wijken.",
                             "LEA-overleg", on="2026-03-15")
    log = decisions_for(store, programme.id, "int-3e-pmer")
    assert [d.id for d in log] == [first.id, second.id]
    assert current_decision(store, programme.id, "int-3e-pmer").decision.value == "adjust"
    assert log[0].evidence[0] == Evidence("evaluation", "peutergroep-2026")
    assert log[0].to_dict()["decision_label"] == "doorgaan"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"intervention": "bestaat-niet"}, "intervention"),
        ({"decision": "misschien"}, "decision"),
        ({"rationale": "  "}, "rationale"),
        ({"decided_by": ""}, "decided_by"),
        ({"on": "1 maart"}, "date"),
        ({"evidence": [Evidence("evaluation", "nooit-bewaard")]}, "evidence"),
        ({"evidence": [Evidence("indicator", "onbekend")]}, "evidence"),
    ],
)
def test_bad_decisions_record_nothing(store, programme, kwargs, field):
    args = {"intervention": "int-3e-pmer", "decision": "stop", "rationale": "Geen effect te zien.",
            "decided_by": "college", "on": "2026-01-10"}
    args.update(kwargs)
    with pytest.raises(DefinitionError) as info:
        record_decision(store, programme, **args)
    assert info.value.issues[0].field == field
    assert decisions_for(store, programme.id) == []
