"""The codebook of a survey: what every column of the microdata means.

A codebook is a YAML file (see ``docs/enquetes.md`` and the demo codebook in ``surveys/data/``)::

    survey: kansen_welzijn           # id of the survey (letters, digits, _)
    name: Enquête Kansen en welzijn
    wave: 2024                       # wave (usually the year of fieldwork)
    synthetic: false                 # true for generated data: shown as "synthetisch" everywhere
    source: "Gemeente Enschede, eigen enquête 2024"
    version: "1"                     # codebook version (saved with every result)
    respondent_id: respondent        # column with the respondent id
    weight: gewicht                  # column with the design weight (> 0)
    area: {column: buurtcode, level: buurt, boundary_year: 2024}
    items:
      - id: rondkomen
        question: "Kunt u rondkomen van het inkomen van uw huishouden?"
        type: categorical            # categorical | count | text
        capital: economisch          # economisch | cultureel | sociaal | persoon | netwerk | achtergrond
        polarity: higher_is_better   # higher code = more capital (higher_is_better) or less (higher_is_worse)
        categories: {1: "Ja, met (grote) moeite", 2: "Ja, zonder moeite"}
        missing: {9: "Weet niet / wil niet zeggen"}
        share: {label: "Moeite met rondkomen", codes: [1]}   # the share published per area

Every problem is reported as an :class:`~kansenmonitor.core.errors.Issue` naming the file, the item and the
field; nothing is read until the whole codebook is valid.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from ..core.errors import DefinitionError, Issue

CAPITALS = {
    "economisch": ("economisch kapitaal", "economic capital"),
    "cultureel": ("cultureel kapitaal", "cultural capital"),
    "sociaal": ("sociaal kapitaal", "social capital"),
    "persoon": ("persoonskapitaal (gezondheid)", "person capital (health)"),
    "netwerk": ("sociaal netwerk", "social network"),
    "achtergrond": ("achtergrond", "background"),
}
TYPES = ("categorical", "count", "text")
POLARITIES = ("higher_is_better", "higher_is_worse", "none")
LEVELS = ("buurt", "wijk", "gemeente", "pc4")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Share:
    """A published share: the part of the valid answers that fall in ``codes``."""

    label: str
    label_en: str
    codes: tuple[int, ...]


@dataclass(frozen=True)
class Theme:
    """A theme an open answer (``type: text``) is coded into: an answer counts for the theme when it contains one
    of the keywords (a word that starts with it, case and accents ignored)."""

    id: str
    label: str
    label_en: str
    keywords: tuple[str, ...]

    def name(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    question_en: str
    type: str
    capital: str
    polarity: str
    categories: dict[int, str] = field(default_factory=dict)
    categories_en: dict[int, str] = field(default_factory=dict)
    missing: dict[int, str] = field(default_factory=dict)
    max_count: int | None = None
    share: Share | None = None
    short: str = ""
    short_en: str = ""
    themes: tuple[Theme, ...] = ()  # for open answers (type text): the themes they are coded into

    def label(self, lang: str = "nl") -> str:
        if lang == "en":
            return self.short_en or self.short or self.question_en or self.question
        return self.short or self.question

    def category_label(self, code: int, lang: str = "nl") -> str:
        if lang == "en" and code in self.categories_en:
            return self.categories_en[code]
        return self.categories.get(code, str(code))

    @property
    def sensitive(self) -> str:
        """Which side of the published share is sensitive, from the polarity: the share when it counts the
        worse answers (e.g. lonely), the rest when it counts the better ones (e.g. owning a home: renting is the
        side); both sides when the polarity is ``none``. The 90 % rule of disclosure control protects this side."""
        if self.share is None or self.polarity == "none" or not self.categories:
            return "both"
        counts_top = max(self.share.codes) == max(self.categories)
        counts_bottom = min(self.share.codes) == min(self.categories)
        if counts_top == counts_bottom:  # the middle, or both ends: no side is clearly worse
            return "both"
        better = counts_top if self.polarity == "higher_is_better" else counts_bottom
        return "rest" if better else "share"

    def share_label(self, lang: str = "nl") -> str:
        if self.share is None:
            return self.label(lang)
        return self.share.label_en if lang == "en" and self.share.label_en else self.share.label


@dataclass(frozen=True)
class Codebook:
    survey: str
    name: str
    name_en: str
    wave: int
    synthetic: bool
    source: str
    version: str
    respondent_id: str
    weight: str
    area_column: str
    area_level: str
    boundary_year: int
    items: tuple[Item, ...]
    note: str = ""

    def item(self, iid: str) -> Item:
        for it in self.items:
            if it.id == iid:
                return it
        raise KeyError(iid)

    @property
    def item_ids(self) -> list[str]:
        return [it.id for it in self.items]

    def shares(self) -> list[Item]:
        return [it for it in self.items if it.share is not None]

    def title(self, lang: str = "nl") -> str:
        name = self.name_en if lang == "en" and self.name_en else self.name
        if self.synthetic:
            name += " (synthetic)" if lang == "en" else " (synthetisch)"
        return name

    def to_dict(self) -> dict:
        d = asdict(self)
        for it in d["items"]:
            for k in ("categories", "categories_en", "missing"):
                it[k] = {str(c): v for c, v in it[k].items()}
        return d

    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def codebook_from_dict(d: dict) -> Codebook:
    """The inverse of :meth:`Codebook.to_dict` (for codebooks saved in the store)."""
    items = []
    for it in d["items"]:
        themes = tuple(Theme(t["id"], t["label"], t.get("label_en", ""), tuple(t["keywords"]))
                       for t in it.get("themes") or ())
        share = Share(it["share"]["label"], it["share"]["label_en"], tuple(it["share"]["codes"])) if it.get("share") \
            else None
        items.append(Item(id=it["id"], question=it["question"], question_en=it["question_en"], type=it["type"],
                          capital=it["capital"], polarity=it["polarity"],
                          categories={int(k): v for k, v in it["categories"].items()},
                          categories_en={int(k): v for k, v in it["categories_en"].items()},
                          missing={int(k): v for k, v in it["missing"].items()}, max_count=it.get("max_count"),
                          share=share, short=it.get("short", ""), short_en=it.get("short_en", ""), themes=themes))
    keys = {k: d[k] for k in ("survey", "name", "name_en", "wave", "synthetic", "source", "version", "respondent_id",
                              "weight", "area_column", "area_level", "boundary_year")}
    return Codebook(**keys, items=tuple(items), note=d.get("note", ""))


def _themes(raw, typ: str, file: str, where: str, issues: list[Issue]) -> tuple[Theme, ...]:
    """The themes of an open question: ``themes: [{id, label, label_en, keywords: [...]}, ...]``."""
    if raw is None:
        return ()
    if typ != "text":
        issues.append(Issue(file, None, f"{where}.themes", "thema's kunnen alleen bij een open vraag (type: text)"))
        return ()
    if not isinstance(raw, list) or not raw:
        issues.append(Issue(file, None, f"{where}.themes", "schrijf de thema's als een lijst",
                            "bijvoorbeeld - {id: gezondheid, label: Gezondheid, keywords: [gezond, ziek]}"))
        return ()
    out = []
    seen: set[str] = set()
    for n, t in enumerate(raw, start=1):
        tw = f"{where}.themes[{n}]"
        if not isinstance(t, dict):
            issues.append(Issue(file, None, tw, "een thema schrijft u als {id: …, label: …, keywords: […]}"))
            continue
        tid = str(t.get("id") or "").strip()
        if not _ID.match(tid) or tid in seen:
            issues.append(Issue(file, None, f"{tw}.id", f"'{tid}' kan niet als id van een thema",
                                "gebruik kleine letters, cijfers en _, en elke id één keer"))
        seen.add(tid)
        kws = t.get("keywords")
        if not isinstance(kws, list) or not kws or not all(str(k).strip() for k in kws):
            issues.append(Issue(file, None, f"{tw}.keywords", "noem de woorden die bij dit thema horen",
                                "bijvoorbeeld keywords: [gezond, ziek, pijn]"))
            kws = []
        out.append(Theme(tid, str(t.get("label") or tid), str(t.get("label_en") or ""),
                         tuple(str(k).strip().lower() for k in kws)))
    return tuple(out)


def _codes(raw, file: str, where: str, fld: str, issues: list[Issue]) -> dict[int, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        issues.append(Issue(file, None, f"{where}.{fld}", "hier hoort een lijst 'code: omschrijving'",
                            "schrijf bijvoorbeeld  1: \"Ja\""))
        return {}
    out: dict[int, str] = {}
    for k, v in raw.items():
        try:
            code = int(k)
        except (TypeError, ValueError):
            issues.append(Issue(file, None, f"{where}.{fld}", f"de code '{k}' is geen heel getal",
                                "gebruik hele getallen als antwoordcodes"))
            continue
        if v is None or not str(v).strip():
            issues.append(Issue(file, None, f"{where}.{fld}", f"code {code} heeft geen omschrijving"))
            continue
        out[code] = str(v).strip()
    return out


def load_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook YAML file; raise :class:`DefinitionError` listing every problem."""
    path = Path(path)
    file = path.name
    from ..core.limits import check_yaml_text

    try:
        text = path.read_text(encoding="utf-8")
        check_yaml_text(text, str(path))
        raw = yaml.safe_load(text)
    except FileNotFoundError:
        raise DefinitionError([Issue(str(path), None, None, "het codeboek is niet gevonden",
                                     "controleer de naam en de map")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DefinitionError([Issue(file, mark.line + 1 if mark else None, None, "dit is geen geldige YAML",
                                     "controleer inspringing en aanhalingstekens")]) from None
    return parse_codebook(raw, file)


def parse_codebook(raw, file: str = "codeboek") -> Codebook:
    issues: list[Issue] = []
    if not isinstance(raw, dict):
        raise DefinitionError([Issue(file, None, None, "het codeboek moet met 'survey:' en 'items:' beginnen")])

    def need(key: str, kind=str):
        v = raw.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            issues.append(Issue(file, None, key, "dit veld ontbreekt", f"vul '{key}:' in"))
            return None
        if kind is int:
            try:
                return int(v)
            except (TypeError, ValueError):
                issues.append(Issue(file, None, key, f"'{v}' is geen jaartal of heel getal"))
                return None
        return str(v).strip()

    survey = need("survey")
    if survey and not _ID.match(survey):
        issues.append(Issue(file, None, "survey", f"'{survey}' kan niet als naam",
                            "gebruik kleine letters, cijfers en _ (begin met een letter)"))
    name = need("name")
    wave = need("wave", int)
    rid = need("respondent_id")
    weight = need("weight")
    area = raw.get("area") or {}
    if not isinstance(area, dict):
        issues.append(Issue(file, None, "area", "schrijf area als {column: …, level: buurt, boundary_year: 2024}"))
        area = {}
    area_col = str(area.get("column") or "").strip()
    if not area_col:
        issues.append(Issue(file, None, "area.column", "de kolom met het gebied van de respondent ontbreekt"))
    level = str(area.get("level") or "buurt").strip()
    if level not in LEVELS:
        issues.append(Issue(file, None, "area.level", f"'{level}' kan niet", f"kies uit {', '.join(LEVELS)}"))
    try:
        by = int(area.get("boundary_year"))
    except (TypeError, ValueError):
        issues.append(Issue(file, None, "area.boundary_year", "het jaar van de gebiedsindeling ontbreekt",
                            "bijvoorbeeld boundary_year: 2024"))
        by = None
    raw_items = raw.get("items")
    items: list[Item] = []
    if not isinstance(raw_items, list) or not raw_items:
        issues.append(Issue(file, None, "items", "het codeboek noemt geen vragen", "zet de vragen onder 'items:'"))
        raw_items = []
    seen: set[str] = set()
    for n, it in enumerate(raw_items, start=1):
        where = f"items[{n}]"
        if not isinstance(it, dict):
            issues.append(Issue(file, None, where, "een vraag schrijft u als 'id:', 'question:', 'type:' …"))
            continue
        iid = str(it.get("id") or "").strip()
        if not iid:
            issues.append(Issue(file, None, f"{where}.id", "de vraag heeft geen id"))
            continue
        where = f"items.{iid}"
        if not _ID.match(iid):
            issues.append(Issue(file, None, f"{where}.id", f"'{iid}' kan niet als id",
                                "gebruik kleine letters, cijfers en _ (begin met een letter, hoogstens 40 tekens)"))
        if iid in seen:
            issues.append(Issue(file, None, f"{where}.id", f"de id '{iid}' komt twee keer voor"))
        seen.add(iid)
        question = str(it.get("question") or "").strip()
        if not question:
            issues.append(Issue(file, None, f"{where}.question", "de vraagtekst ontbreekt"))
        typ = str(it.get("type") or "categorical").strip()
        if typ not in TYPES:
            issues.append(Issue(file, None, f"{where}.type", f"'{typ}' kan niet", f"kies uit {', '.join(TYPES)}"))
        capital = str(it.get("capital") or "").strip()
        if capital not in CAPITALS:
            issues.append(Issue(file, None, f"{where}.capital", f"'{capital}' is geen soort kapitaal",
                                f"kies uit {', '.join(CAPITALS)}"))
        polarity = str(it.get("polarity") or "none").strip()
        if polarity not in POLARITIES:
            issues.append(Issue(file, None, f"{where}.polarity", f"'{polarity}' kan niet",
                                f"kies uit {', '.join(POLARITIES)}"))
        cats = _codes(it.get("categories"), file, where, "categories", issues)
        cats_en = _codes(it.get("categories_en"), file, where, "categories_en", issues)
        missing = _codes(it.get("missing"), file, where, "missing", issues)
        if typ == "categorical" and len(cats) < 2:
            issues.append(Issue(file, None, f"{where}.categories", "een vraag met antwoordcategorieën heeft er "
                                "minstens twee nodig"))
        both = set(cats) & set(missing)
        if both:
            issues.append(Issue(file, None, f"{where}.missing", f"code {sorted(both)[0]} staat ook bij de antwoorden",
                                "een ontbrekend-code mag geen antwoord zijn"))
        if set(cats_en) - set(cats):
            issues.append(Issue(file, None, f"{where}.categories_en", "de Engelse omschrijvingen noemen codes die "
                                "niet bij de antwoorden staan"))
        max_count = it.get("max_count")
        if typ == "count":
            try:
                max_count = int(max_count) if max_count is not None else None
            except (TypeError, ValueError):
                issues.append(Issue(file, None, f"{where}.max_count", f"'{max_count}' is geen heel getal"))
                max_count = None
        share = None
        if it.get("share") is not None:
            s = it["share"]
            codes = s.get("codes") if isinstance(s, dict) else None
            if not isinstance(codes, list) or not codes:
                issues.append(Issue(file, None, f"{where}.share.codes", "noem de antwoordcodes die meetellen",
                                    "bijvoorbeeld codes: [1, 2]"))
            elif typ != "categorical":
                issues.append(Issue(file, None, f"{where}.share", "een aandeel kan alleen bij een vraag met "
                                    "antwoordcategorieën"))
            else:
                bad = [c for c in codes if c not in cats]
                if bad:
                    issues.append(Issue(file, None, f"{where}.share.codes", f"code {bad[0]} is geen antwoord van "
                                        "deze vraag"))
                elif len(set(codes)) == len(cats):
                    issues.append(Issue(file, None, f"{where}.share.codes", "alle antwoorden tellen mee: dat is "
                                        "geen aandeel", "laat minstens één antwoord weg"))
                else:
                    share = Share(str(s.get("label") or question), str(s.get("label_en") or ""),
                                  tuple(int(c) for c in codes))
        themes = _themes(it.get("themes"), typ, file, where, issues)
        items.append(Item(id=iid, question=question, question_en=str(it.get("question_en") or ""), type=typ,
                          capital=capital, polarity=polarity, categories=cats, categories_en=cats_en,
                          missing=missing, max_count=max_count, share=share, short=str(it.get("short") or ""),
                          short_en=str(it.get("short_en") or ""), themes=themes))
    columns = [rid, weight, area_col] + [it.id for it in items]
    dup = {c for c in columns if c and columns.count(c) > 1}
    if dup:
        issues.append(Issue(file, None, "items", f"de kolom '{sorted(dup)[0]}' wordt voor twee dingen gebruikt"))
    if issues:
        raise DefinitionError(issues, f"Het codeboek {file} is niet geldig; er is niets ingelezen.")
    return Codebook(survey=survey, name=name, name_en=str(raw.get("name_en") or ""), wave=wave,
                    synthetic=bool(raw.get("synthetic", False)), source=str(raw.get("source") or ""),
                    version=str(raw.get("version") or "1"), respondent_id=rid, weight=weight, area_column=area_col,
                    area_level=level, boundary_year=by, items=tuple(items), note=str(raw.get("note") or ""))
