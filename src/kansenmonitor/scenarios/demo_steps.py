"""Demo step of the scenarios capability: three EXAMPLE scenarios on the real figures of Enschede (the focus
area Wesselerbrink, twice, to compare; and an own area of two buurtschappen in the landelijk gebied). Their
effects are assumptions made for the example, labelled as such on every page; they are not policy."""

from __future__ import annotations

from ..demo import DemoContext

NOTE = ("Voorbeeld in de demo. De effecten zijn aannames om te laten zien hoe een scenario werkt; ze zijn niet "
        "gemeten en geen beleid van de gemeente.")

ASSUMPTION_DEBT = {"context": "veel huishoudens met een laag inkomen en schulden die laat in beeld komen",
                   "mechanisme": "hulp aan huis bij de eerste betalingsachterstand voorkomt dat schulden oplopen en "
                                 "helpt inkomensregelingen aan te vragen",
                   "uitkomst": "minder huishoudens rond het sociaal minimum",
                   "indicator": "pct_huishoudens_tot_120_sociaal_minimum"}


def _debt(reach: int, cost: int) -> dict:
    return {"id": "schulden", "naam": "Vroegsignalering schulden aan huis", "doelgroep": "huishoudens met een "
            "betalingsachterstand", "doelgroep_indicator": "huishoudens", "bereik": reach, "kosten": cost,
            "looptijd": 3, "startjaar": 2026, "indicator": "pct_huishoudens_tot_120_sociaal_minimum",
            "effect": {"waarde": -12, "laag": -22, "hoog": -2, "aanname": True,
                       "toelichting": "voorbeeld: een op de acht deelnemende huishoudens komt boven 120% van het "
                                      "sociaal minimum"}}


SCENARIOS = [
    {"naam": "Wesselerbrink: schulden eerst", "toelichting": NOTE, "gebied": {"code": "FG-WESSELERBRINK"},
     "maatregelen": [_debt(400, 360_000)], "aannames": [ASSUMPTION_DEBT]},
    {"naam": "Wesselerbrink: schulden en werk", "toelichting": NOTE, "gebied": {"code": "FG-WESSELERBRINK"},
     "maatregelen": [_debt(250, 225_000), {
         "id": "werk", "naam": "Werkfit-traject met begeleiding", "doelgroep": "inwoners van 15 tot 75 jaar zonder "
         "betaald werk", "doelgroep_indicator": "inwoners", "bereik": 150, "kosten": 450_000, "looptijd": 2,
         "startjaar": 2026, "indicator": "netto_arbeidsparticipatie",
         "effect": {"waarde": 20, "laag": 5, "hoog": 35, "aanname": True,
                    "toelichting": "voorbeeld: een op de vijf deelnemers heeft na twee jaar betaald werk"}}],
     "aannames": [ASSUMPTION_DEBT, {
         "context": "inwoners die lang zonder werk zijn en weinig netwerk hebben",
         "mechanisme": "begeleiding en een werkervaringsplek geven vaardigheden en contacten",
         "uitkomst": "meer inwoners met betaald werk", "indicator": "netto_arbeidsparticipatie"}]},
    {"naam": "Landelijk gebied: Broekheurne en Usselo", "toelichting": NOTE,
     "gebied": {"naam": "Buurtschappen Broekheurne en Usselo", "buurten": ["BU01530905", "BU01530906"]},
     "maatregelen": [{"id": "inkomen", "naam": "Inkomensspreekuur aan de keukentafel", "doelgroep": "inwoners met "
                      "een laag inkomen", "doelgroep_indicator": "inwoners", "bereik": 15, "kosten": 12_000,
                      "looptijd": 1, "startjaar": 2026, "indicator": "pct_laag_inkomen",
                      "effect": {"waarde": -10, "laag": -25, "hoog": 5, "aanname": True,
                                 "toelichting": "voorbeeld"}}],
     "aannames": [{"context": "verspreid wonende inwoners ver van het wijkteam",
                   "mechanisme": "hulp bij aanvragen aan huis maakt regelingen bereikbaar",
                   "uitkomst": "minder inwoners met een laag inkomen", "indicator": "pct_laag_inkomen"}]},
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
