from kansenmonitor.programme import narrative_view, visible_narratives
from kansenmonitor.programme.model import Narrative, NarrativeSourceType, Place


def test_consent_and_anonymity():
    n1 = Narrative(id="n1", source_type=NarrativeSourceType.INTERVIEW, text="Verhaal", person="Fatma", consent=True,
                   anonymous=False, themes=["taal"], places=[Place(code="BU01530301")])
    n2 = Narrative(id="n2", source_type=NarrativeSourceType.QUOTE, text="Citaat", person="Piet", consent=True,
                   anonymous=True)
    n3 = Narrative(id="n3", source_type=NarrativeSourceType.STORY, text="Geheim", person="Jan", consent=False)
    assert [n.id for n in visible_narratives([n1, n2, n3])] == ["n1", "n2"]
    assert narrative_view(n3) is None
    assert narrative_view(n1)["person"] == "Fatma"
    assert narrative_view(n2)["person"] == "anoniem"
    assert [n.id for n in visible_narratives([n1, n2], theme="TAAL")] == ["n1"]
    assert [n.id for n in visible_narratives([n1, n2], place="BU01530301")] == ["n1"]


def test_shipped_quotes_without_consent_are_hidden(kansrijk):
    visible = visible_narratives(kansrijk)
    ids = {n.id for n in visible}
    assert "bas-2022-11-16-onderwijs-wonen" in ids
    assert not any(i.startswith("citaat-") for i in ids)
    assert all(n.anonymous for n in visible)
    bas = visible_narratives(kansrijk, source_type="bas_advice")
    assert {n.date for n in bas if n.date} == {"2022-11-10", "2022-11-16", "2022-11-24"}
