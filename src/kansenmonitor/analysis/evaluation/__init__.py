"""Effect evaluation: did a measure in some neighbourhoods change an outcome?

Public API::

    from kansenmonitor.analysis.evaluation import Panel, evaluate

    panel = Panel.from_frame(df, unit="wijk", time="jaar", outcome="y", treated_from="start")
    result = evaluate(panel, method="cs", control="notyet", bootstrap=999, seed=1)
    print(result.interpret())          # plain Dutch
    result.to_dict(lang="en")          # JSON-ready

Methods: ``did`` (classic 2x2), ``cs`` (staggered adoption, Callaway & Sant'Anna), ``scm`` (synthetic
control), ``sdid`` (synthetic difference-in-differences, Arkhangelsky et al.), ``ascm`` (ridge-augmented
synthetic control, Ben-Michael et al.) and ``its`` (interrupted time series, weaker evidence). See docs/evaluatie.md.
"""

from __future__ import annotations

from .ascm import augmented_synthetic_control
from .design import MdeResult, balance_table, minimal_detectable_effect
from .did import difference_in_differences
from .interpret import interpret
from .its import interrupted_time_series
from .panel import Panel, PanelError
from .results import (
    AscmResult,
    DesignReport,
    DidResult,
    EffectResult,
    ItsResult,
    Message,
    PretrendTest,
    SdidResult,
    StaggeredResult,
    SynthResult,
    TwfeDiagnostic,
)
from .sdid import synthetic_did
from .staggered import callaway_santanna, event_study_pretrend
from .synth import synthetic_control

METHODS = ("did", "cs", "scm", "sdid", "ascm", "its")


def evaluate(
    panel: Panel,
    method: str = "cs",
    *,
    control: str = "never",
    bootstrap: int = 999,
    seed: int | None = None,
    alpha: float = 0.05,
    **options,
) -> EffectResult:
    """Estimate the effect of a measure with one of the methods in :data:`METHODS`.

    ``control`` and ``bootstrap`` apply to ``cs``; ``seed`` to ``cs`` (bootstrap) and ``scm`` (p-value
    draws with several treated units). Further keyword options go to the estimator.
    """
    if method == "did":
        return difference_in_differences(panel, alpha=alpha, **options)
    if method == "cs":
        return callaway_santanna(
            panel, control=control, bootstrap=bootstrap, seed=seed, alpha=alpha, **options
        )
    if method == "scm":
        return synthetic_control(panel, alpha=alpha, seed=seed, **options)
    if method == "sdid":
        return synthetic_did(panel, alpha=alpha, seed=0 if seed is None else seed, **options)
    if method == "ascm":
        return augmented_synthetic_control(panel, alpha=alpha, seed=seed, **options)
    if method == "its":
        return interrupted_time_series(panel, alpha=alpha, **options)
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


__all__ = [
    "METHODS",
    "AscmResult",
    "DesignReport",
    "DidResult",
    "EffectResult",
    "ItsResult",
    "MdeResult",
    "Message",
    "Panel",
    "PanelError",
    "PretrendTest",
    "StaggeredResult",
    "SdidResult",
    "SynthResult",
    "TwfeDiagnostic",
    "augmented_synthetic_control",
    "balance_table",
    "callaway_santanna",
    "difference_in_differences",
    "evaluate",
    "event_study_pretrend",
    "interpret",
    "interrupted_time_series",
    "minimal_detectable_effect",
    "synthetic_control",
    "synthetic_did",
]
