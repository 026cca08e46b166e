"""Words for what the store keeps as codes: source references, table ids and configuration tokens.

The pages never show ``CBS 85984NED, AantalInwoners_5`` or ``top-pct-population:30``; they show the
publication's name ("CBS, Kerncijfers wijken en buurten 2024") with the table id as a tooltip and a link,
and rules and options as words. The raw reference stays in the JSON/CSV twins (``source_ref``).
"""

from __future__ import annotations

import re

#: Publication names of the tables the shipped catalogue and demo use (CBS StatLine titles).
TABLE_TITLES = {
    "85984NED": ("Kerncijfers wijken en buurten 2024", "Key figures districts and neighbourhoods 2024"),
    "85618NED": ("Kerncijfers wijken en buurten 2023", "Key figures districts and neighbourhoods 2023"),
    "84583NED": ("Kerncijfers wijken en buurten 2019", "Key figures districts and neighbourhoods 2019"),
    "KWB2022": ("Kerncijfers wijken en buurten 2022", "Key figures districts and neighbourhoods 2022"),
    "WBK2020": ("Kerncijfers wijken en buurten 2020", "Key figures districts and neighbourhoods 2020"),
    "WBK2017": ("Wijk- en buurtkaart 2017", "District and neighbourhood map 2017"),
    "50090NED": ("Gezondheid per wijk en buurt 2012, 2016 en 2020", "Health by district and neighbourhood 2012, 2016 and 2020"),
    "50150NED": ("Gezondheid per wijk en buurt", "Health by district and neighbourhood"),
    "47022NED": ("Geregistreerde misdrijven per wijk en buurt", "Registered crimes by district and neighbourhood"),
    "85163NED": ("Sociaal-economische status per wijk en buurt", "Socio-economic status by district and neighbourhood"),
}
_TABLE_ID = re.compile(r"\b(\d{5}NED|KWB\d{4}|WBK\d{4})\b")


def table_title(table: str | None, lang: str = "nl") -> str | None:
    if not table:
        return None
    pair = TABLE_TITLES.get(table)
    return None if pair is None else pair[1 if lang == "en" else 0]


def statline_url(table: str | None) -> str | None:
    """The StatLine page of a CBS table (a link the reader follows; the app itself never fetches it)."""
    if table and re.fullmatch(r"\d{5}NED", table):
        return f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table}/table"
    return None


def source_label(ref: str | None, lang: str = "nl", catalogue=None) -> dict:
    """``{"text", "title", "url"}`` for a source reference as stored with an observation.

    ``"CBS 85984NED, AantalInwoners_5"`` → text "CBS, Kerncijfers wijken en buurten 2024", title
    "CBS-tabel 85984NED, kolom AantalInwoners_5"; a value kansenmonitor derived
    (``"kansenmonitor: a / b × 100"``) → "Berekend uit: <label of a> en <label of b>"."""
    full = (ref or "").strip()
    ref = full.split(";")[0].strip()
    if not ref:
        return {"text": "", "title": None, "url": None}
    agg = _AGGREGATE.match(ref)
    if agg is not None:
        return {"text": aggregate_words(full, agg, lang, catalogue), "title": None, "url": None}
    if ref.startswith("kansenmonitor"):
        expr = ref.split(":", 1)[1] if ":" in ref else ""
        names = re.findall(r"[a-z][a-z0-9_]+", expr)
        labels = []
        for n in names:
            if catalogue is not None and n not in catalogue:
                continue  # a word of the description ("verhouding", "van"), not an indicator
            label = catalogue[n].label(lang) if catalogue is not None else n
            if label not in labels:
                labels.append(label)
        joined = (" and " if lang == "en" else " en ").join(labels) if labels else ""
        text = (f"Calculated from: {joined}" if lang == "en" else f"Berekend uit: {joined}") if joined else \
            ("Calculated by kansenmonitor" if lang == "en" else "Berekend door kansenmonitor")
        return {"text": text, "title": None, "url": None}
    m = _TABLE_ID.search(ref)
    if m is None:
        return {"text": ref.split(",")[0].strip(), "title": ref, "url": None}
    table = m.group(1)
    publisher = ref[: m.start()].strip().rstrip(",") or "CBS"
    column = ref[m.end():].strip().lstrip(",").strip()
    title = table_title(table, lang)
    text = f"{publisher}, {title}" if title else f"{publisher}, {'table' if lang == 'en' else 'tabel'} {table}"
    tip = (f"CBS table {table}" if lang == "en" else f"CBS-tabel {table}") + \
        (f", {'column' if lang == 'en' else 'kolom'} {column}" if column else "")
    return {"text": text, "title": tip, "url": statline_url(table)}


#: how kansenmonitor writes the source of an aggregate (analysis.aggregation.aggregate)
_AGGREGATE = re.compile(r"^kansenmonitor: (?P<rule>som|verhouding (?P<num>\w+)/(?P<den>\w+)|gewogen gemiddelde "
                        r"\(gewicht (?P<weight>[\w +-]+)\)) van (?P<n>\d+) (?P<members>\w+)")
_MISSING = re.compile(r"(\d+) zonder waarde")
#: an own area's weighted mean that left out members without a value (analysis.aggregation, max_missing_share)
_LEFT_OUT = re.compile(r"(\d+) zonder waarde \(([\d,]+%) van de inwoners\), niet meegeteld")
_WEIGHT_YEAR = re.compile(r"gewicht van (\d{4})")
#: weights in words (the population a share is of); other weights are named by their indicators' labels
WEIGHT_WORDS = {
    "inwoners": ("inwoners", "inhabitants"),
    "huishoudens": ("huishoudens", "households"),
    "inwoners - inwoners_0_14": ("inwoners van 15 jaar en ouder", "inhabitants aged 15 and over"),
    "inwoners - inwoners_0_14 - inwoners_65plus": ("inwoners van 15 tot 65 jaar", "inhabitants aged 15 to 65"),
    "inwoners_65plus": ("inwoners van 65 jaar en ouder", "inhabitants aged 65 and over"),
    "scholen_eindtoets_cito_aantal": ("leerlingen met de eindtoets", "pupils who sat the final test"),
}
MEMBER_WORDS = {"deelgebieden": ("deelgebieden", "parts"), "buurten": ("buurten", "neighbourhoods"),
                "wijken": ("wijken", "districts"), "gemeenten": ("gemeenten", "municipalities")}


def aggregate_words(full: str, m: re.Match, lang: str = "nl", catalogue=None) -> str:
    """A sentence for an aggregate's source: how it was computed from how many members, and why it is empty."""
    en = lang == "en"
    n = int(m.group("n"))
    members = MEMBER_WORDS.get(m.group("members"), (m.group("members"), m.group("members")))[1 if en else 0]

    def label(iid: str) -> str:
        return catalogue[iid].label(lang) if catalogue is not None and iid in catalogue else iid

    left_out = _LEFT_OUT.search(full)
    missing = None if left_out else _MISSING.search(full)
    if missing:
        k = int(missing.group(1))
        return (f"Not calculated: {k} of the {n} {members} have no figure" if en else
                f"Niet berekend: {k} van de {n} {members} {'heeft' if k == 1 else 'hebben'} geen cijfer")
    rule = m.group("rule")
    if rule == "som":
        return f"Calculated: the sum of {n} {members}" if en else f"Berekend: de som van {n} {members}"
    if rule.startswith("verhouding"):
        return (f"Calculated: {label(m.group('num'))} divided by {label(m.group('den'))}, over {n} {members}" if en
                else f"Berekend: {label(m.group('num'))} gedeeld door {label(m.group('den'))}, over {n} {members}")
    weight = m.group("weight").strip()
    words = WEIGHT_WORDS.get(weight)
    w = words[1 if en else 0] if words else (" minus " if en else " min ").join(
        label(t.strip()) for t in re.split(r"\s[+-]\s", weight))
    year = _WEIGHT_YEAR.search(full)
    when = f" ({year.group(1)})" if year else ""
    if left_out:
        k, share = int(left_out.group(1)), left_out.group(2)
        return (f"Estimated: mean of {n - k} of the {n} {members}, weighted by {w}{when}; {k} without a figure "
                f"({share.replace(',', '.')} of the inhabitants) left out" if en else
                f"Geschat: gemiddelde van {n - k} van de {n} {members}, gewogen naar {w}{when}; {k} zonder cijfer "
                f"({share} van de inwoners) {'telt' if k == 1 else 'tellen'} niet mee")
    return (f"Calculated: mean of {n} {members}, weighted by {w}{when}" if en else
            f"Berekend: gemiddelde van {n} {members}, gewogen naar {w}{when}")


def indicator_source_label(source, lang: str = "nl") -> dict:
    """The same for a catalogue :class:`~kansenmonitor.core.model.Source`."""
    if source.publisher == "kansenmonitor":
        return {"text": "Berekend door kansenmonitor" if lang == "nl" else "Calculated by kansenmonitor",
                "title": source.column, "url": None}
    title = table_title(source.table, lang)
    text = f"{source.publisher}, {title}" if title else source.label()
    tip = ((f"CBS table {source.table}" if lang == "en" else f"CBS-tabel {source.table}") if source.table else "") + \
        (f", {'column' if lang == 'en' else 'kolom'} {source.column}" if source.column else "")
    return {"text": text, "title": tip or None, "url": source.url or statline_url(source.table)}
