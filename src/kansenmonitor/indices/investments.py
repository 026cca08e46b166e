"""Planned investments and potentials per region, and urgency set against investment per inhabitant.

Files (CSV with ``,`` or ``;``, or YAML) are validated completely before anything is stored: every problem
is reported with file, row and field, and a file with any problem stores nothing.

CSV with investments: ``region, party, amount, year, domain`` (optional ``description``, ``id``).
CSV with potentials: ``region, category, text`` (optional ``id``).
YAML: ``investeringen: [...]`` and/or ``potenties: [...]`` with the same fields.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.catalogue import load_yaml_with_lines
from ..core.errors import Issue, ValidationError
from .messages import check_lang, localise, localise_frame, msg

INVESTMENT_KIND = "investment"
POTENTIAL_KIND = "potential"
INVESTMENT_FIELDS = ("region", "party", "amount", "year", "domain")
POTENTIAL_FIELDS = ("region", "category", "text")
POTENTIAL_CATEGORIES = ("sociaal", "ruimte", "groen", "voorzieningen", "economie", "onderwijs", "cultuur", "wonen",
                        "anders")


class RegistryValidationError(ValidationError):
    """An investments/potentials file did not validate; nothing was stored."""


@dataclass
class Registry:
    investments: list[dict] = field(default_factory=list)
    potentials: list[dict] = field(default_factory=list)


def _amount(text, decimal_comma: bool) -> float:
    s = str(text).strip().replace("€", "").replace(" ", "")
    if decimal_comma:
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    return float(s)


def _doc_id(rec: dict, keys: tuple[str, ...]) -> str:
    if rec.get("id"):
        return str(rec["id"])
    h = hashlib.sha1("|".join(str(rec.get(k, "")) for k in keys).encode()).hexdigest()[:12]
    return f"{rec['region']}-{h}"


def _validate(records: list[tuple[int, dict]], kind: str, file: str, known: set[str] | None,
              decimal_comma: bool, issues: list[Issue]) -> list[dict]:
    out = []
    required = INVESTMENT_FIELDS if kind == INVESTMENT_KIND else POTENTIAL_FIELDS
    for row, rec in records:
        rec = {str(k).strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in rec.items() if k is not None}
        bad = False
        for f in required:
            if rec.get(f) in (None, ""):
                issues.append(Issue(file, row, f, "verplicht veld is leeg"))
                bad = True
        if bad:
            continue
        code = str(rec["region"])
        if known is not None and code not in known:
            issues.append(Issue(file, row, "region", f"gebied '{code}' is onbekend",
                                "gebruik een CBS-code zoals BU01530101 of WK015301 (zie 'kansenmonitor regions')"))
            continue
        if kind == INVESTMENT_KIND:
            try:
                amount = _amount(rec["amount"], decimal_comma) if not isinstance(rec["amount"], int | float) \
                    else float(rec["amount"])
                if not math.isfinite(amount) or amount < 0:
                    raise ValueError
            except ValueError:
                issues.append(Issue(file, row, "amount", f"'{rec['amount']}' is geen bedrag", "bijvoorbeeld 250000"))
                continue
            try:
                year = int(str(rec["year"]).strip())
                if not 2000 <= year <= 2100:
                    raise ValueError
            except ValueError:
                issues.append(Issue(file, row, "year", f"'{rec['year']}' is geen jaartal"))
                continue
            item = {"region": code, "party": str(rec["party"]), "amount": amount, "year": year,
                    "domain": str(rec["domain"]), "description": str(rec.get("description") or "")}
            item["id"] = _doc_id({**item, "id": rec.get("id")}, ("party", "amount", "year", "domain", "description"))
        else:
            cat = str(rec["category"]).lower()
            if cat not in POTENTIAL_CATEGORIES:
                issues.append(Issue(file, row, "category", f"onbekende categorie '{rec['category']}'",
                                    f"kies uit {', '.join(POTENTIAL_CATEGORIES)}"))
                continue
            item = {"region": code, "category": cat, "text": str(rec["text"])}
            item["id"] = _doc_id({**item, "id": rec.get("id")}, ("category", "text"))
        out.append(item)
    return out


def load_registry_file(path: str | Path, known_regions: set[str] | None = None) -> Registry:
    """Read and validate an investments/potentials file. Raises :class:`RegistryValidationError` with all issues."""
    path = Path(path)
    file = str(path)
    issues: list[Issue] = []
    if not path.exists():
        raise RegistryValidationError([Issue(file, None, None, "bestand niet gevonden")])
    reg = Registry()
    if path.suffix.lower() in (".yaml", ".yml"):
        doc = load_yaml_with_lines(path)
        if not isinstance(doc, dict) or not ({"investeringen", "potenties"} & set(doc)):
            raise RegistryValidationError([Issue(file, 1, None, "verwacht 'investeringen:' en/of 'potenties:'")])
        for key, kind in (("investeringen", INVESTMENT_KIND), ("potenties", POTENTIAL_KIND)):
            items = doc.get(key) or []
            recs = [(it.get("__line__") if isinstance(it, dict) else None,
                     {k: v for k, v in it.items() if k != "__line__"} if isinstance(it, dict) else {}) for it in items]
            valid = _validate(recs, kind, file, known_regions, False, issues)
            (reg.investments if kind == INVESTMENT_KIND else reg.potentials).extend(valid)
    else:
        text = path.read_text(encoding="utf-8-sig")
        first = text.splitlines()[0] if text else ""
        delim = ";" if first.count(";") > first.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delim)
        cols = {c.strip().lower() for c in (reader.fieldnames or [])}
        if set(INVESTMENT_FIELDS) <= cols:
            kind = INVESTMENT_KIND
        elif set(POTENTIAL_FIELDS) <= cols:
            kind = POTENTIAL_KIND
        else:
            raise RegistryValidationError([Issue(file, 1, None, "onbekende kolommen",
                                                 f"investeringen: {', '.join(INVESTMENT_FIELDS)}; "
                                                 f"potenties: {', '.join(POTENTIAL_FIELDS)}")])
        recs = [(i + 2, r) for i, r in enumerate(reader)]
        valid = _validate(recs, kind, file, known_regions, delim == ";", issues)
        (reg.investments if kind == INVESTMENT_KIND else reg.potentials).extend(valid)
    if issues:
        raise RegistryValidationError(issues, "Het bestand met investeringen/potenties is niet geldig; er is niets opgeslagen.")
    return reg


def register_investments(monitor, registry: Registry) -> dict:
    """Store the records as documents (kinds ``investment`` and ``potential``) in one transaction."""
    with monitor.store.transaction() as w:
        for item in registry.investments:
            w.put_document(INVESTMENT_KIND, item["id"], item)
        for item in registry.potentials:
            w.put_document(POTENTIAL_KIND, item["id"], item)
    return {"investments": len(registry.investments), "potentials": len(registry.potentials)}


def stored_investments(monitor) -> list[dict]:
    return list(monitor.store.documents(INVESTMENT_KIND).values())


def stored_potentials(monitor) -> list[dict]:
    return list(monitor.store.documents(POTENTIAL_KIND).values())


@dataclass
class InvestmentView:
    """Urgency against planned investment per inhabitant. ``frame`` per region: score, rank, inwoners,
    ``investment``, ``per_inhabitant``, ``potentials`` and ``flag`` ("hoge urgentie, weinig investering" for a
    region in the most urgent ``high_share`` whose investment per inhabitant is below the median)."""

    frame: pd.DataFrame
    high_share: float
    years: tuple[int, int] | None

    @property
    def flagged(self) -> list[str]:
        return list(self.frame.index[self.frame["flag"].notna()])

    def to_frame(self, lang: str = "nl") -> pd.DataFrame:
        """Per region; the ``flag`` text in ``lang``."""
        return localise_frame(self.frame, check_lang(lang))

    def to_dict(self, lang: str = "nl") -> dict:
        from .targeting import _records

        check_lang(lang)
        return localise({"high_share": self.high_share, "years": list(self.years) if self.years else None,
                         "flagged": self.flagged, "regions": _records(self.frame)}, lang)


FLAG_HIGH_LOW = msg("flag.high_low")


def investment_view(scores: pd.DataFrame, investments: list[dict], potentials: list[dict] | None = None,
                    years: tuple[int, int] | None = None, high_share: float = 1 / 3) -> InvestmentView:
    """``scores``: one row per region with ``score``, ``rank`` and ``inwoners`` (``IndexResult.to_frame()``)."""
    inv = pd.DataFrame(investments, columns=["region", "party", "amount", "year", "domain"])
    if years:
        inv = inv[(inv["year"] >= years[0]) & (inv["year"] <= years[1])]
    total = inv.groupby("region")["amount"].sum()
    df = scores[[c for c in ("name", "score", "rank", "inwoners") if c in scores]].copy()
    df["investment"] = total.reindex(df.index).fillna(0.0)  # no registered investment = 0 euro planned
    with np.errstate(all="ignore"):
        df["per_inhabitant"] = np.where(df["inwoners"] > 0, df["investment"] / df["inwoners"], np.nan)
    pot = pd.DataFrame(potentials or [], columns=["region", "category", "text"])
    df["potentials"] = [", ".join(sorted(set(pot.loc[pot["region"] == c, "category"]))) or None for c in df.index]
    scored = df["score"].notna() & df["per_inhabitant"].notna()
    n = int(scored.sum())
    flag = pd.Series(None, index=df.index, dtype=object)
    if n:
        cut = math.ceil(n * high_share)
        median = df.loc[scored, "per_inhabitant"].median()
        high = scored & (df["rank"] <= cut)
        flag[high & (df["per_inhabitant"] < median)] = FLAG_HIGH_LOW
    df["flag"] = flag
    return InvestmentView(frame=df.sort_values("rank"), high_share=high_share, years=years)
