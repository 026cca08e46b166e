"""Demo step of the surveys capability: generate the SYNTHETIC demo survey from the real marginals in
../shared/data (see :mod:`kansenmonitor.surveys.synth`) and import it like any survey file."""

from __future__ import annotations

from ..demo import DemoContext

DEMO_FILE = "kansen_welzijn_demo_2024_synthetisch.csv"


def load_survey(context: DemoContext) -> None:
    from . import synth
    from .codebook import load_codebook
    from .importer import import_survey

    target = context.monitor.home / "enquetes" / DEMO_FILE
    syn = synth.write(context.data, target)
    result = import_survey(context.monitor, target, load_codebook(syn.codebook_path))
    context.stats["survey_respondents"] = result["respondenten"]


def fit_classes(context: DemoContext) -> None:
    """Latent classes of the demo survey: K = 1..8, 3 random starts each (a real analysis uses more, see
    ``kansenmonitor survey lca --starts``), chosen by BIC, saved so that the pages can show them."""
    from . import classes
    from . import repository as repo

    w = repo.wave(context.monitor, "kansen_welzijn_demo")
    r = classes.run(context.monitor, w, list(range(1, 9)), n_starts=3, seed=1, tol=1e-6, max_iter=500)
    classes.save(context.monitor, r)
    context.stats["survey_classes"] = r.k


def publish_network(context: DemoContext) -> None:
    """The ego-network figures of the demo survey as indicators (map, profiles, API, exports), after disclosure
    control; their source says the survey is synthetic. After the focus areas and stadsdelen (order 1200), so that
    those get their figures too."""
    from . import ego
    from . import repository as repo

    w = repo.wave(context.monitor, "kansen_welzijn_demo")
    context.stats["survey_network_values"] = ego.publish(context.monitor, w)["published"]


STEPS = [(1160, "Enquête Kansen en welzijn (synthetisch, uit CBS- en RIVM-cijfers per buurt)", load_survey),
         (1170, "Latente klassen van kapitaal in de demo-enquête (1 tot 8 klassen)", fit_classes),
         (1240, "Netwerkcijfers van de demo-enquête op de kaart (na onthullingscontrole)", publish_network)]
