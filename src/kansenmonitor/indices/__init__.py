"""Composite indices with visible uncertainty, and need-based targeting ("ongelijk investeren").

Public API (each returns a result object with ``to_dict()`` and ``to_frame()``)::

    from kansenmonitor import indices
    d = indices.load_definition("urgentie", catalogue=monitor.catalogue)
    inputs = indices.load_inputs(monitor, d, level="buurt", gemeente="GM0153")
    result = indices.compute_index(d, inputs)
    unc = indices.uncertainty(d, inputs, draws=1000, seed=1)
    coh = indices.coherence(d, inputs)
    sel = indices.select(result.to_frame(), "top-pct-population:30")
    alloc = indices.allocate(sel, 1_000_000)
"""

from .coherence import CoherenceResult, coherence
from .compute import IndexInputs, IndexResult, compute_index
from .data import IndexInputError, load_inputs
from .definition import Definition, Steps, UnknownDefinitionError, definition_files, load_definition
from .formula import FormulaError, safe_formula
from .investments import (
    InvestmentView,
    investment_view,
    load_registry_file,
    register_investments,
    stored_investments,
    stored_potentials,
)
from .targeting import Allocation, ScenarioComparison, Selection, allocate, compare_scenarios, select
from .uncertainty import UncertaintyResult, point_rank_label, rank_label, uncertainty

__all__ = [
    "Allocation", "CoherenceResult", "Definition", "FormulaError", "IndexInputError", "IndexInputs", "IndexResult",
    "InvestmentView", "ScenarioComparison", "Selection", "Steps", "UncertaintyResult", "UnknownDefinitionError",
    "allocate", "coherence", "compare_scenarios", "compute_index", "definition_files", "investment_view",
    "load_definition", "load_inputs", "load_registry_file", "point_rank_label", "rank_label", "register_investments",
    "safe_formula", "select", "stored_investments", "stored_potentials", "uncertainty",
]
