"""Demo step of the participation capability: an EXAMPLE round for the focus area Wesselerbrink with made-up
reactions (seeded), most of them approved, a few rejected with a reason and some still waiting, so that the
round's page shows a summary beside the real figures. Labelled 'voorbeeld' on every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from ..demo import DemoContext

THEMES = ["inkomen", "werk", "onderwijs", "gezondheid", "wonen", "veiligheid", "leefbaarheid"]
#: how strongly the made-up residents lean towards each theme (higher: put earlier)
LEAN = {"veiligheid": 1.4, "leefbaarheid": 1.1, "inkomen": 0.9, "gezondheid": 0.5, "wonen": 0.4, "werk": 0.2,
        "onderwijs": 0.0}
IDEAS = ["Meer licht op het pad langs het winkelcentrum; 's avonds is het daar donker.",
         "Een vaste plek in de wijk waar mensen hulp krijgen bij formulieren en toeslagen.",
         "Speelplekken opknappen, zodat kinderen buiten kunnen spelen.",
         "Een wijkwerkplaats waar jongeren een vak leren.",
         "Een buurtkamer waar ouderen elkaar kunnen ontmoeten."]
KNOWLEDGE = ["Veel mensen weten niet waar ze met geldzorgen terecht kunnen.",
             "Rond de flats wordt veel afval op straat gezet.",
             "In de winter is het buurthuis vaak dicht; dan zien mensen elkaar weinig."]


def round_doc(today) -> dict:
    return {"id": "voorbeeld-wesselerbrink", "naam": "Voorbeeld: wat vindt u belangrijk in Wesselerbrink?",
            "gebied": "FG-WESSELERBRINK", "voorbeeld": True,
            "vastgelegd": "De gemeenteraad heeft geld vrijgemaakt voor vier jaar Wesselerbrink. Het geld gaat "
                          "naar inwoners met de minste kansen. Dat ligt vast.",
            "invloed": "Welke thema's eerst aan de beurt komen, en welke ideeën de gemeente verder uitwerkt.",
            "niveau": "adviseren",
            "wat_gebeurt_ermee": "De gemeente zet de uitkomst naast de cijfers en bespreekt die met de "
                                 "bewonersadviescommissie. In het plan staat wat zij met uw advies doet, en waarom.",
            "open_van": (today - timedelta(days=20)).isoformat(),
            "open_tot": (today + timedelta(days=70)).isoformat(), "themas": THEMES}


def example_round(context: DemoContext) -> None:
    from ..core.errors import ValidationError
    from . import create_round, moderate, responses, submit

    monitor = context.monitor
    today = datetime.now(UTC).date()
    try:
        rnd = create_round(monitor, round_doc(today), actor="demo")
    except ValidationError:  # the focus area is outside the demo's scope, or the round is there already
        context.stats["participation_rounds"] = 0
        return
    rng = np.random.default_rng(14)
    for k in range(48):
        scores = {t: LEAN[t] + rng.gumbel() for t in THEMES}
        order = sorted(THEMES, key=lambda t: -scores[t])
        n_ranked = int(rng.integers(3, len(THEMES) + 1))
        form = {f"rang_{t}": str(p) for p, t in enumerate(order[:n_ranked], start=1)}
        if k % 3 == 0:
            form["idee"] = IDEAS[k % len(IDEAS)]
        if k % 4 == 1:
            form["kennis"] = KNOWLEDGE[k % len(KNOWLEDGE)]
        form["toestemming"] = "ja" if k % 5 else "nee"
        submit(monitor.store, rnd, form, today=today)
    for r in responses(monitor.store, rnd.id):
        if r["id"] % 12 == 0:
            moderate(monitor.store, rnd.id, r["id"], "afgewezen", "voorbeeld: er stond een naam in", "demo")
        elif r["id"] % 12 != 5:  # a few are left waiting for review
            moderate(monitor.store, rnd.id, r["id"], "goedgekeurd", None, "demo")
    context.stats["participation_rounds"] = 1


STEPS = [(1260, "Voorbeeld van een inspraakronde in Wesselerbrink (verzonnen reacties)", example_round)]
