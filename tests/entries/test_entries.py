"""Report entries: validation per kind (named field, nothing stored), approval by a second person, corrections,
what is published, and concurrency (N writers → N entries; two approvers → one approval) on both backends."""

from __future__ import annotations

import threading

import pytest

from kansenmonitor import entries as en
from kansenmonitor.accounts import audit
from kansenmonitor.core.errors import ValidationError
from kansenmonitor.programme.decisions import decisions_for
from kansenmonitor.programme.narratives import narrative_views
from kansenmonitor.programme.repository import load_programme
from kansenmonitor.store.store import Store

PID = "kansrijk-enschede-2023-2033"
IV = "int-naschools"  # Concordia is a partner
SPEND = {"jaar": "2024", "bedrag": "12500", "bron": "npo"}
PROCESS = {"indicator": "ind-vve-bereik", "periode": "2024", "waarde": "86.5"}
OUTCOME = {"indicator": "ind-vsv", "periode": "2024-10-01", "waarde": "1.9"}
STORY = {"tekst": "Mijn zoon gaat nu elke week.", "soort_bron": "quote", "toestemming": "ja", "anoniem": "ja"}
SECRET = {"tekst": "Geheim verhaal zonder toestemming.", "soort_bron": "story", "toestemming": "nee"}
DECISION = {"besluit": "doorgaan", "onderbouwing": "het bereik groeit", "besloten_door": "stuurgroep LEA",
            "datum": "2025-01-15", "bewijs": "indicator:ind-vve-bereik"}


@pytest.fixture(scope="module")
def programme():
    return load_programme(PID)


@pytest.fixture
def store(empty_monitor):
    return empty_monitor.store


def _fields(exc: ValidationError) -> set[str]:
    return {i.field for i in exc.issues}


@pytest.mark.parametrize(("kind", "form", "field"), [
    ("uitgaven", {**SPEND, "bedrag": "twaalf"}, "bedrag"),
    ("uitgaven", {**SPEND, "bedrag": "-5"}, "bedrag"),
    ("uitgaven", {**SPEND, "bron": "geen-bron"}, "bron"),
    ("uitgaven", {**SPEND, "jaar": "1999"}, "jaar"),
    ("uitgaven", {**SPEND, "jaar": "2099"}, "jaar"),
    ("uitgaven", {**SPEND, "jaar": ""}, "jaar"),
    ("proces", {**PROCESS, "waarde": "120"}, "waarde"),  # a percentage above 100
    ("proces", {**PROCESS, "waarde": "-3"}, "waarde"),
    ("proces", {**PROCESS, "indicator": "ind-vsv"}, "indicator"),  # an outcome indicator
    ("proces", {**PROCESS, "periode": "gisteren"}, "periode"),
    ("meting", {**OUTCOME, "gebied": "XYZ"}, "gebied"),
    ("meting", {**OUTCOME, "waarde": ""}, "waarde"),
    ("verhaal", {**STORY, "toestemming": ""}, "toestemming"),
    ("verhaal", {**STORY, "soort_bron": "roddel"}, "soort_bron"),
    ("verhaal", {**STORY, "tekst": ""}, "tekst"),
    ("besluit", {**DECISION, "besluit": "misschien"}, "besluit"),
    ("besluit", {**DECISION, "onderbouwing": ""}, "onderbouwing"),
    ("besluit", {**DECISION, "bewijs": "indicator:bestaat-niet"}, "bewijs"),
])
def test_bad_input_names_the_field_and_stores_nothing(store, programme, kind, form, field):
    before = store.fingerprint(), store.documents(en.model.ENTRY_KIND)
    with pytest.raises(ValidationError) as exc:
        en.create_entry(store, programme, kind, IV, form, "partner1")
    assert field in _fields(exc.value), exc.value
    assert all(i.message for i in exc.value.issues)
    assert (store.fingerprint(), store.documents(en.model.ENTRY_KIND)) == before
    assert audit.entries(store.engine, object_kind="melding") == []


def test_unknown_intervention_is_refused(store, programme):
    with pytest.raises(ValidationError) as exc:
        en.create_entry(store, programme, "uitgaven", "int-bestaat-niet", SPEND, "partner1")
    assert "interventie" in _fields(exc.value)
    assert en.entries(store) == []


@pytest.mark.parametrize(("kind", "form"), [("uitgaven", SPEND), ("proces", PROCESS), ("meting", OUTCOME),
                                            ("verhaal", STORY), ("besluit", DECISION)])
def test_each_kind_is_stored_as_concept_with_an_audit_line(store, programme, kind, form):
    e = en.create_entry(store, programme, kind, IV, form, "partner1")
    assert e.state == en.CONCEPT and en.get_entry(store, e.id).data == e.data
    lines = audit.history(store.engine, "melding", e.id)
    assert [(x["actor"], x["action"]) for x in lines] == [("partner1", "entry.add")]


def test_a_decimal_comma_is_read_as_a_dutch_user_types_it(store, programme):
    spend = en.create_entry(store, programme, "uitgaven", IV, {**SPEND, "bedrag": "€ 12.500,50"}, "partner1")
    value = en.create_entry(store, programme, "proces", IV, {**PROCESS, "waarde": "86,5"}, "partner1")
    assert spend.data["amount"] == 12500.5 and value.data["value"] == 86.5
    with pytest.raises(ValidationError) as info:  # a thousands point without decimals stays ambiguous: refused
        en.create_entry(store, programme, "uitgaven", IV, {**SPEND, "bedrag": "12.500.000"}, "partner1")
    assert _fields(info.value) == {"bedrag"}


def test_self_approval_is_refused_and_a_second_person_approves(store, programme):
    e = en.create_entry(store, programme, "uitgaven", IV, SPEND, "partner1")
    with pytest.raises(en.OwnEntry) as exc:
        en.decide(store, programme, e.id, en.VASTGESTELD, "partner1")
    assert "eigen melding" in str(exc.value)
    assert en.get_entry(store, e.id).state == en.CONCEPT
    en.decide(store, programme, e.id, en.VASTGESTELD, "eigenaar1")
    assert en.get_entry(store, e.id).state == en.VASTGESTELD
    with pytest.raises(en.AlreadyDecided):
        en.decide(store, programme, e.id, en.AFGEWEZEN, "beheer1", "te laat")


def test_rejection_needs_a_reason_and_never_counts(store, programme):
    e = en.create_entry(store, programme, "proces", IV, PROCESS, "partner1")
    with pytest.raises(ValidationError) as exc:
        en.decide(store, programme, e.id, en.AFGEWEZEN, "eigenaar1")
    assert "reden" in _fields(exc.value)
    en.decide(store, programme, e.id, en.AFGEWEZEN, "eigenaar1", "cijfer klopt niet")
    p = en.apply(programme, store, include_concepts=True)
    assert [m.value for m in p.indicator("ind-vve-bereik").measurements] == \
        [m.value for m in programme.indicator("ind-vve-bereik").measurements]


def test_only_vastgesteld_is_published_and_concepts_are_marked(store, programme):
    spent = en.create_entry(store, programme, "uitgaven", IV, SPEND, "partner1")
    value = en.create_entry(store, programme, "proces", IV, PROCESS, "partner1")
    published = en.apply(programme, store)
    assert not [b for b in published.budget if b.table == "gerealiseerd"]
    assert 86.5 not in [m.value for m in published.indicator("ind-vve-bereik").measurements]
    internal = en.apply(programme, store, include_concepts=True)
    m = next(m for m in internal.indicator("ind-vve-bereik").measurements if m.value == 86.5)
    assert "concept" in m.note
    en.decide(store, programme, spent.id, en.VASTGESTELD, "eigenaar1")
    en.decide(store, programme, value.id, en.VASTGESTELD, "eigenaar1")
    published = en.apply(programme, store)
    lines = [b for b in published.budget if b.table == "gerealiseerd"]
    assert [(b.year, b.amount, b.source, b.item) for b in lines] == [(2024, 12500, "npo", IV)]
    assert "gerealiseerd" not in (programme.default_table or "")  # never added to the plan
    assert 86.5 in [m.value for m in published.indicator("ind-vve-bereik").measurements]
    assert programme.indicator("ind-vve-bereik").measurements == load_programme(PID).indicator(
        "ind-vve-bereik").measurements  # the programme itself is not changed


def test_unconsented_narratives_are_never_shown(store, programme):
    secret = en.create_entry(store, programme, "verhaal", IV, SECRET, "partner1")
    story = en.create_entry(store, programme, "verhaal", IV, {**STORY, "persoon": "Fatima"}, "partner1")
    for e in (secret, story):
        en.decide(store, programme, e.id, en.VASTGESTELD, "eigenaar1")
    shown = narrative_views(en.apply(programme, store, include_concepts=True))
    texts = [v["text"] for v in shown]
    assert STORY["tekst"] in texts and SECRET["tekst"] not in texts
    assert next(v for v in shown if v["text"] == STORY["tekst"])["person"] == "anoniem"


def test_a_correction_replaces_the_vastgesteld_entry_once_it_is_vastgesteld(store, programme):
    old = en.create_entry(store, programme, "uitgaven", IV, SPEND, "partner1")
    with pytest.raises(ValidationError) as exc:  # a concept cannot be corrected
        en.create_entry(store, programme, "uitgaven", IV, {**SPEND, "bedrag": "13000"}, "partner1", corrects=old.id,
                        reason="typfout")
    assert "corrigeert" in _fields(exc.value)
    en.decide(store, programme, old.id, en.VASTGESTELD, "eigenaar1")
    with pytest.raises(ValidationError) as exc:  # a correction needs a reason
        en.create_entry(store, programme, "uitgaven", IV, {**SPEND, "bedrag": "13000"}, "partner1", corrects=old.id)
    assert "reden" in _fields(exc.value)
    new = en.create_entry(store, programme, "uitgaven", IV, {**SPEND, "bedrag": "13000"}, "partner1",
                          corrects=old.id, reason="typfout in het bedrag")
    amounts = [b.amount for b in en.apply(programme, store).budget if b.table == "gerealiseerd"]
    assert amounts == [12500]  # the correction is a concept: the old figure stays published
    en.decide(store, programme, new.id, en.VASTGESTELD, "beheer1")
    amounts = [b.amount for b in en.apply(programme, store).budget if b.table == "gerealiseerd"]
    assert amounts == [13000]
    assert en.get_entry(store, old.id).state == en.VASTGESTELD  # the old stays on record
    assert [x["action"] for x in en.history(store, old.id)] == ["entry.add", "entry.approve", "entry.add",
                                                                 "entry.approve"]


def test_a_vastgesteld_decision_goes_into_the_decision_log(store, programme):
    e = en.create_entry(store, programme, "besluit", IV, DECISION, "eigenaar1")
    assert decisions_for(store, PID, IV) == []
    approval = en.decide(store, programme, e.id, en.VASTGESTELD, "beheer1")
    log = decisions_for(store, PID, IV)
    assert [(d.decision.value, d.rationale, d.id) for d in log] == [("continue", "het bereik groeit",
                                                                      approval.decision_id)]
    assert en.get_entry(store, e.id).approval.decision_id == log[0].id


def _other_store(store) -> Store:
    return Store.open(url=store.engine.url.render_as_string(hide_password=False), create=False)


def test_concurrent_writers_all_get_their_entry(store, programme):
    n = 12
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def write(i: int) -> None:
        own = _other_store(store)
        try:
            barrier.wait()
            en.create_entry(own, programme, "uitgaven", IV, {**SPEND, "bedrag": str(100 + i)}, f"user{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    stored = en.entries(store, PID)
    assert sorted(e.data["amount"] for e in stored) == [100 + i for i in range(n)]
    assert len({e.id for e in stored}) == n
    assert len(audit.entries(store.engine, object_kind="melding")) == n


def test_two_concurrent_approvals_give_exactly_one(store, programme):
    e = en.create_entry(store, programme, "besluit", IV, DECISION, "partner1")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def approve(actor: str, state: str) -> None:
        own = _other_store(store)
        try:
            barrier.wait()
            en.decide(own, programme, e.id, state, actor, "niet goed" if state == en.AFGEWEZEN else None)
            results.append("ok")
        except en.AlreadyDecided:
            results.append("conflict")
        finally:
            own.close()

    threads = [threading.Thread(target=approve, args=a) for a in (("eigenaar1", en.VASTGESTELD),
                                                                   ("beheer1", en.VASTGESTELD))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    lines = [x for x in audit.history(store.engine, "melding", e.id) if x["action"] != "entry.add"]
    assert len(lines) == 1
    assert len(decisions_for(store, PID, IV)) == 1


def test_concurrent_processes_all_get_their_entry(store):
    """Separate processes (spawned: a fork of this multi-threaded test process can inherit a held lock and hang)."""
    import multiprocessing

    from .entry_fixtures import write_in_a_process

    url = store.engine.url.render_as_string(hide_password=False)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        ids = pool.map_async(write_in_a_process, [(url, i) for i in range(8)]).get(timeout=300)
    assert len(set(ids)) == 8
    assert sorted(e.data["value"] for e in en.entries(store, PID)) == [50 + i for i in range(8)]
