"""Programmes as results frameworks: principles → uitgangspunten → ambitions → kansen → interventions,
with money, indicators and narrative evidence. See ``docs/programma.md``."""

from .finance import (
    finance_by_ambition,
    finance_by_source,
    finance_by_year,
    funding_gaps,
    lijn_shares,
    source_end_gap,
    subtotals,
)
from .indicators import IndicatorStatus, indicator_overview, indicator_status
from .io_xlsx import read_xlsx, write_xlsx
from .io_yaml import read_yaml, to_yaml_text, write_yaml
from .model import (
    Ambition,
    BudgetLine,
    Intervention,
    Kans,
    Narrative,
    Programme,
    ProgrammeIndicator,
)
from .narratives import narrative_view, visible_narratives
from .repository import available_ids, import_programme, load_programme, shipped_programmes
from .validate import check_programme, validate_programme

__all__ = [
    "Ambition",
    "BudgetLine",
    "IndicatorStatus",
    "Intervention",
    "Kans",
    "Narrative",
    "Programme",
    "ProgrammeIndicator",
    "available_ids",
    "check_programme",
    "finance_by_ambition",
    "finance_by_source",
    "finance_by_year",
    "funding_gaps",
    "import_programme",
    "indicator_overview",
    "indicator_status",
    "lijn_shares",
    "load_programme",
    "narrative_view",
    "read_xlsx",
    "read_yaml",
    "shipped_programmes",
    "source_end_gap",
    "subtotals",
    "to_yaml_text",
    "validate_programme",
    "visible_narratives",
    "write_xlsx",
    "write_yaml",
]
