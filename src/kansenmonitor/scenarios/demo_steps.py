"""Demo step of the scenarios capability: three EXAMPLE scenarios on the real figures of Enschede (the focus
area Wesselerbrink, twice, to compare; and an own area of two buurtschappen in the landelijk gebied). Their
effects are assumptions made for the example, labelled as such on every page; they are not policy."""

from __future__ import annotations

from ..demo import DemoContext

NOTE = ("Voorbeeld in de demo. De effecten zijn aannames om te laten zien hoe een scenario werkt; ze zijn niet "
        "gemeten en geen beleid van de gemeente.")

ASSUMPTION_INCOME = {"context": "veel inwoners met een laag inkomen die regelingen en toeslagen niet aanvragen",
                     "mechanisme": "hulp aan huis bij het aanvragen maakt regelingen bereikbaar en voorkomt dat "
                                   "schulden oplopen",
                     "uitkomst": "een hoger besteedbaar inkomen", "indicator": "inkomen_per_inwoner"}
ASSUMPTION_WORK = {"context": "inwoners die lang zonder werk zijn en weinig netwerk hebben",
                   "mechanisme": "begeleiding en een werkervaringsplek geven vaardigheden en contacten",
                   "uitkomst": "meer inwoners met betaald werk en een hoger inkomen", "indicator": "inkomen_per_inwoner"}


def _income(reach: int, cost: int) -> dict:
    return {"id": "regelingen", "naam": "Hulp aan huis bij toeslagen en regelingen",
            "doelgroep": "inwoners met een laag inkomen", "doelgroep_indicator": "inwoners", "bereik": reach,
            "kosten": cost, "looptijd": 2, "startjaar": 2026, "indicator": "inkomen_per_inwoner",
            "effect": {"waarde": 1.0, "laag": 0.3, "hoog": 1.7, "aanname": True,
                       "toelichting": "voorbeeld: een deelnemer krijgt gemiddeld € 1.000 per jaar aan regelingen "
                                      "die hij eerst liet liggen"}}


SCENARIOS = [
    {"naam": "Wesselerbrink: regelingen aan huis", "toelichting": NOTE, "gebied": {"code": "FG-WESSELERBRINK"},
     "maatregelen": [_income(600, 300_000)], "aannames": [ASSUMPTION_INCOME]},
    {"naam": "Wesselerbrink: regelingen en werk", "toelichting": NOTE, "gebied": {"code": "FG-WESSELERBRINK"},
     "maatregelen": [_income(400, 200_000), {
         "id": "werk", "naam": "Werkfit-traject met begeleiding", "doelgroep": "inwoners zonder betaald werk",
         "doelgroep_indicator": "inwoners", "bereik": 150, "kosten": 450_000, "looptijd": 2, "startjaar": 2026,
         "indicator": "inkomen_per_inwoner",
         "effect": {"waarde": 6.0, "laag": 1.0, "hoog": 11.0, "aanname": True,
                    "toelichting": "voorbeeld: een op de drie deelnemers vindt werk met € 18.000 per jaar meer"}}],
     "aannames": [ASSUMPTION_INCOME, ASSUMPTION_WORK]},
    {"naam": "Landelijk gebied: Broekheurne en Usselo", "toelichting": NOTE,
     "gebied": {"naam": "Buurtschappen Broekheurne en Usselo", "buurten": ["BU01530905", "BU01530906"]},
     "maatregelen": [{"id": "spreekuur", "naam": "Inkomensspreekuur aan de keukentafel",
                      "doelgroep": "inwoners met een laag inkomen", "doelgroep_indicator": "inwoners", "bereik": 15,
                      "kosten": 12_000, "looptijd": 1, "startjaar": 2026, "indicator": "inkomen_per_inwoner",
                      "effect": {"waarde": 1.0, "laag": 0.0, "hoog": 2.0, "aanname": True,
                                 "toelichting": "voorbeeld, als in Wesselerbrink"}}],
     "aannames": [{"context": "verspreid wonende inwoners ver van het wijkteam",
                   "mechanisme": "hulp bij aanvragen aan de keukentafel maakt regelingen bereikbaar",
                   "uitkomst": "een hoger besteedbaar inkomen", "indicator": "inkomen_per_inwoner"}]},
]


def example_scenarios(context: DemoContext) -> None:
    from ..core.errors import ValidationError
    from . import create

    made = 0
    for doc in SCENARIOS:
        try:
            create(context.monitor, doc, actor="demo")
            made += 1
        except ValidationError:  # an area outside the demo's scope (or refused by disclosure control)
            continue
    context.stats["scenarios"] = made


STEPS = [(1250, "Voorbeeldscenario's voor Wesselerbrink en het landelijk gebied (effecten zijn aannames)",
          example_scenarios)]
