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


STEPS = [(1160, "Enquête Kansen en welzijn (synthetisch, uit CBS- en RIVM-cijfers per buurt)", load_survey)]
