"""Errors of kansenmonitor.

Every error subclasses :class:`KansenmonitorError` *and* the matching built-in, so callers can
catch either (``except ValueError`` or ``except KansenmonitorError``). Messages say what went wrong,
where (file, row, field) and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass


class KansenmonitorError(Exception):
    """Base class of all kansenmonitor errors."""

    hint: str | None = None


@dataclass(frozen=True)
class Issue:
    """One problem found while validating input: where it is and what to do."""

    file: str
    row: int | None
    field: str | None
    message: str
    hint: str | None = None
    message_en: str | None = None  # English, where the raiser gives it (shown with --lang en)
    hint_en: str | None = None

    def __str__(self) -> str:
        return self.text("nl")

    def text(self, lang: str = "nl") -> str:
        """The issue as one line, in English when ``lang`` is ``en`` and an English text is given."""
        en = lang == "en" and self.message_en is not None
        where = self.file
        if self.row is not None:
            where += f", {'row' if en else 'rij'} {self.row}"
        if self.field:
            where += f", {'field' if en else 'veld'} '{self.field}'"
        text = f"{where}: {self.message_en if en else self.message}"
        hint = (self.hint_en or self.hint) if en else self.hint
        if hint:
            text += f" — {hint}"
        return text


class ValidationError(KansenmonitorError, ValueError):
    """Input did not validate. Holds every :class:`Issue` found; nothing was changed."""

    def __init__(self, issues: list[Issue], summary: str | None = None):
        self.issues = list(issues)
        self.summary = summary or "De invoer is niet geldig; er is niets gewijzigd."
        shown = "\n".join(f"  - {i}" for i in self.issues[:25])
        more = f"\n  … en nog {len(self.issues) - 25} problemen" if len(self.issues) > 25 else ""
        super().__init__(f"{self.summary}\n{shown}{more}")

    def text(self, lang: str = "nl", summary_en: str = "The input is not valid; nothing was changed.") -> str:
        """The whole message; in English (where the issues have English texts) when ``lang`` is ``en``."""
        if lang != "en":
            return str(self)
        shown = "\n".join(f"  - {i.text('en')}" for i in self.issues[:25])
        more = f"\n  … and {len(self.issues) - 25} more problems" if len(self.issues) > 25 else ""
        return f"{summary_en}\n{shown}{more}"


class ImportValidationError(ValidationError):
    """An import file did not validate; the store is unchanged."""


class UnknownRegionError(KansenmonitorError, LookupError):
    """A region code that the store does not know (for that boundary year)."""


class UnknownIndicatorError(KansenmonitorError, LookupError):
    """An indicator id that is not in the catalogue."""


class StoreError(KansenmonitorError, RuntimeError):
    """The store cannot be opened or used."""


class VersionConflict(KansenmonitorError, RuntimeError):
    """A write named a version of an object that is no longer the stored one: someone else saved in between.
    Nothing was written; ``current_version`` and ``current_body`` are what is stored now (``0``/``None``: the
    object is gone)."""

    def __init__(self, kind: str, id: str, expected: int, current_version: int, current_body: object):
        self.kind = kind
        self.id = id
        self.expected = expected
        self.current_version = current_version
        self.current_body = current_body
        super().__init__(
            f"Iemand anders heeft '{id}' intussen gewijzigd (u begon bij versie {expected}, nu is het versie "
            f"{current_version}). Er is niets opgeslagen; bekijk de wijziging en sla daarna opnieuw op.")


class DefinitionError(ValidationError):
    """A declarative definition file (indicators, areas, indices, programmes) is invalid."""
