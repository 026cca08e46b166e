"""A corpus of bad import files, made by code, for the all-or-nothing tests.

Each case is a file that must be refused: the store on which it is tried holds the four Enschede regions of
``conftest.SEED_CSV`` (indeling 2024) with their counts. ``write(case, tmp_path)`` makes the file(s) and returns
``(kind, path, options)`` for :meth:`Monitor.import_file`; ``case.expect`` is a text the message must contain.
``mutations(seed, n)`` derives bad variants of good files (cells replaced by bad values, lines cut, delimiters
swapped, bytes flipped), which must each be refused or accepted with values that pass :func:`plausible`.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

LONG_HEAD = "region;indicator;period;value"
GOOD_ROW = "WK015306;inwoners;2024;33685"
SEED_KWB = (
    "level,code,name,wk_code,gm_code,AantalInwoners_5,k_0Tot15Jaar_8,HuishoudensTotaal_29\n"
    "gemeente,GM0153,Enschede,,GM0153,161738,22327,81878\n"
    "wijk,WK015306,Wijk 06 Enschede-Zuid,,GM0153,33685,5485,14930\n"
    "buurt,BU01530603,Wesselerbrink Noord-Oost,WK015306,GM0153,3820,680,1745\n"
    "buurt,BU01530604,Wesselerbrink Zuid-Oost,WK015306,GM0153,4375,840,1905\n"
)
#: Values that are never a correct cell of a count or a share.
BAD_VALUES = ["-5", "-0,5", "1e308", "-inf", "inf", "nan0", "1_000", "١٢٣", "１２３", "12²", "1e9999",
              "NaN NaN", "0x1A", "3,5,1", "--3", "+-2", "1e15000", "∞"]


@dataclass
class Case:
    name: str
    kind: str
    make: Callable[[Path], Path]
    expect: str
    opts: dict = field(default_factory=dict)


def _text(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes(text.encode(encoding))
        return p
    return make


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes(data)
        return p
    return make


def _long(*rows: str, head: str = LONG_HEAD) -> str:
    return "\n".join([head, *rows]) + "\n"


def _geojson(features: list[dict], crs: str | None = None) -> str:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc)


def _square(x: float, y: float, d: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def _feature(code: str, geom: dict) -> dict:
    return {"type": "Feature", "properties": {"bu_code": code, "bu_naam": "Test"}, "geometry": geom}


def _zip_bomb(tmp: Path) -> Path:
    """A valid-looking xlsx whose one sheet unpacks to ~400 MB of zeros (a few hundred kB packed)."""
    p = tmp / "bom.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"0" * (1 << 20)
            for _ in range(400):
                fh.write(block)
    return p


def _alias_bomb(tmp: Path) -> Path:
    """A wide table whose mapping file is a 'billion laughs' YAML (a few hundred bytes)."""
    (tmp / "wide.csv").write_text("code;x\nWK015306;1\n", encoding="utf-8")
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines += ["region_column: code", "columns:", "  x: inwoners"]
    p = tmp / "bom.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _junk_xlsx(tmp: Path) -> Path:
    p = tmp / "junk.xlsx"
    p.write_bytes(b"PK\x03\x04" + bytes(random.Random(1).getrandbits(8) for _ in range(2000)))
    return p


def _xlsx_negative(tmp: Path) -> Path:
    p = tmp / "eigen.xlsx"
    pd.DataFrame({"code": ["WK015306"], "kinderen": [-12]}).to_excel(p, index=False)
    (tmp / "map.yaml").write_text("region_column: code\nboundary_year: 2024\nperiod: 2024\ncolumns:\n"
                                  "  kinderen: inwoners_0_14\n", encoding="utf-8")
    return p


def cases() -> list[Case]:
    out: list[Case] = []
    # numbers that are not numbers, or not plausible
    for i, bad in enumerate(BAD_VALUES):
        out.append(Case(f"value_{i:02d}", "long", _text(f"v{i}.csv", _long(GOOD_ROW, f"WK015306;huishoudens;2024;{bad}")),
                        "rij 3"))
    out += [
        Case("negative_count", "long", _text("neg.csv", _long("BU01530603;inwoners_0_14;2024;-680")), "negatief"),
        Case("negative_percentage", "long", _text("negp.csv", _long("BU01530603;pct_0_14;2024;-3,5")), "negatief"),
        Case("negative_numerator", "long", _text("negn.csv", _long(
            "BU01530603;pct_0_14;2024;17,8;-680;3820", head=LONG_HEAD + ";numerator;denominator")), "negatief"),
        Case("lower_above_upper", "long", _text("lu.csv", _long(
            "WK015306;pct_0_14;2024;16,3;18,0;15,0", head=LONG_HEAD + ";lower;upper")), "ondergrens"),
        Case("value_outside_interval", "long", _text("vi.csv", _long(
            "WK015306;pct_0_14;2024;25,0;15,0;18,0", head=LONG_HEAD + ";lower;upper")), "buiten haar eigen interval"),
        Case("upper_over_hundred", "long", _text("u100.csv", _long(
            "WK015306;pct_0_14;2024;96,0;92,0;104,0", head=LONG_HEAD + ";lower;upper")), "maximum"),
        Case("bound_is_inf", "long", _text("binf.csv", _long(
            "WK015306;pct_0_14;2024;16,3;-inf;18,0", head=LONG_HEAD + ";lower;upper")), "eindig"),
        Case("rate_does_not_match_inputs", "long", _text("rm.csv", _long(
            "BU01530603;pct_0_14;2024;40,0;680;3820", head=LONG_HEAD + ";numerator;denominator")), "past niet"),
        Case("numerator_above_denominator", "long", _text("nd.csv", _long(
            "BU01530603;pct_0_14;2024;100,0;4000;3820", head=LONG_HEAD + ";numerator;denominator")), "groter dan de noemer"),
        Case("invented_denominator_far_off", "long", _text("den.csv", _long(
            "BU01530603;pct_0_14;2024;1,7;680;40000", head=LONG_HEAD + ";numerator;denominator")), "noemer 40000"),
        Case("negative_in_xlsx", "wide", _xlsx_negative, "negatief", {"mapping": None}),
        # regions: never created as a side effect
        Case("wbk_unknown_code", "wbk", _text("kwb_extra.csv", SEED_KWB + "buurt,BU01539999,Verzonnen,WK015399,"
                                              "GM0153,10,2,4\n"), "nog niet kent", {"boundary_year": 2024,
                                                                                   "table": "85984NED"}),
        Case("wbk_wrong_indeling", "wbk", _text("kwb_2019.csv", SEED_KWB), "nog niet kent",
             {"boundary_year": 2019, "table": "85984NED"}),
        Case("statline_unknown_code", "statline", _text("sl.csv",
             "WijkenEnBuurten,Perioden,Leeftijd,Marges,Eenzaam_28\nWK015306  ,2020JJ00,20300,MW00000,48.0\n"
             "BU01539999,2020JJ00,20300,MW00000,51.2\n"), "nog niet kent",
             {"table": "50090NED", "boundary_year": 2024}),
        Case("long_wrong_indeling", "long", _text("wy.csv", _long("WK015306;inwoners;2024;33685"
                                                               ).replace(LONG_HEAD, LONG_HEAD + ";boundary_year")
             .replace("33685", "33685;2019")), "bestaat niet in de indeling 2019"),
        # "missing" never overwrites a measured value; a truncated file is refused
        Case("wbk_missing_over_measured", "wbk", _text("kwb_empty.csv", SEED_KWB.replace(",3820,680,1745", ",.,.,.")),
             "wissen", {"boundary_year": 2024, "table": "85984NED"}),
        Case("wbk_truncated_last_line", "wbk", _text("kwb_cut.csv", SEED_KWB[: SEED_KWB.rindex(",4375") + 5]),
             "afgebroken", {"boundary_year": 2024, "table": "85984NED"}),
        Case("long_missing_over_measured", "long", _text("lm.csv", _long("WK015306;inwoners;2024;.")), "wissen"),
        # boundaries
        Case("rd_as_lonlat", "boundaries", _text("rd.geojson", _geojson([_feature("BU01530603",
             _square(257000, 471000, 500))])), "RD", {"boundary_year": 2024}),
        Case("lonlat_out_of_range", "boundaries", _text("oor.geojson", _geojson([_feature("BU01530603",
             _square(200.0, 95.0, 0.01))])), "bereik", {"boundary_year": 2024}),
        Case("outside_netherlands", "boundaries", _text("far.geojson", _geojson([_feature("BU01530603",
             _square(13.4, 52.5, 0.01))])), "buiten Nederland", {"boundary_year": 2024}),
        Case("point_as_boundary", "boundaries", _text("pt.geojson", _geojson([_feature("BU01530603",
             {"type": "Point", "coordinates": [6.87, 52.2]})])), "Point", {"boundary_year": 2024}),
        Case("junk_geopackage", "boundaries", _bytes("junk.gpkg", b"SQLite format 3\x00" + b"\x07" * 3000),
             "kan niet worden gelezen", {"boundary_year": 2024}),
        # malformed files: a Dutch message, never a traceback
        Case("unterminated_quote", "long", _text("q.csv", _long(GOOD_ROW, 'WK015306;huishoudens;2024;"14930')),
             "aanhalingsteken"),
        Case("field_count_too_many", "long", _text("fc.csv", _long(GOOD_ROW, "WK015306;huishoudens;2024;14930;12")),
             "velden"),
        Case("field_count_too_few", "long", _text("ff.csv", _long(GOOD_ROW, "WK015306;huishoudens")), "velden"),
        Case("one_megabyte_line", "long", _text("big.csv", _long(GOOD_ROW, "WK015306;huishoudens;2024;" + "9" * 1_000_000)),
             "langer dan"),
        Case("lone_carriage_return", "long", _text("cr.csv", LONG_HEAD + "\n" + GOOD_ROW + "\rWK015306;huishoudens;"
                                                  "2024;14930\n"), "los regeleinde"),
        Case("binary_as_csv", "long", _bytes("bin.csv", LONG_HEAD.encode() + b"\n\x00\x01\x02\xff\xfe"),
             "binaire tekens"),
        Case("junk_xlsx", "wbk", _junk_xlsx, "geen geldig Excel", {"boundary_year": 2024}),
        Case("xlsx_zip_bomb", "wbk", _zip_bomb, "uitpakken", {"boundary_year": 2024}),
        Case("junk_dbf", "wbk", _bytes("junk.dbf", b"\x03" + b"\xff" * 500), "kan niet worden gelezen",
             {"boundary_year": 2024}),
        Case("yaml_alias_bomb", "wide", _alias_bomb, "verwijzingen", {"mapping": "bom"}),
        Case("empty_file", "long", _text("empty.csv", ""), "leeg"),
    ]
    return out


def write(case: Case, tmp: Path) -> tuple[str, Path, dict]:
    path = case.make(tmp)
    opts = dict(case.opts)
    if case.name == "yaml_alias_bomb":
        opts["mapping"] = path
        path = tmp / "wide.csv"
    elif case.kind == "wide":
        opts["mapping"] = tmp / "map.yaml"
    return case.kind, path, opts


# -- mutations --------------------------------------------------------------------------------------------------
GOOD_LONG_ROWS = [
    "WK015306;inwoners;2024;33685",
    "WK015306;huishoudens;2024;14930",
    "BU01530603;pct_0_14;2024;17,8",
    "BU01530604;pct_0_14;2024;19,2",
    "BU01530603;misdrijven;2023;290",
]


def _mutate(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    op = rng.randrange(6)
    if op == 0:  # a cell replaced by a bad value
        i = rng.randrange(1, len(lines))
        cells = lines[i].split(";")
        cells[3] = rng.choice(BAD_VALUES)
        lines[i] = ";".join(cells)
    elif op == 1:  # the file cut at a random byte
        return text[: rng.randrange(len(LONG_HEAD) + 2, len(text) - 1)]
    elif op == 2:  # a delimiter swapped inside a row
        i = rng.randrange(1, len(lines))
        lines[i] = lines[i].replace(";", rng.choice([",", "\t", ";;", ""]), 1)
    elif op == 3:  # a random byte flipped
        b = bytearray(text.encode("utf-8"))
        k = rng.randrange(len(LONG_HEAD) + 1, len(b))
        b[k] = rng.choice(b'";\r\n\x00-.,eE_x')
        return b.decode("utf-8", "replace")
    elif op == 4:  # a sign flipped
        i = rng.randrange(1, len(lines))
        cells = lines[i].split(";")
        cells[3] = "-" + cells[3]
        lines[i] = ";".join(cells)
    else:  # an interval added with its bounds swapped or around the wrong value
        head = lines[0] + ";lower;upper"
        rows = [ln + ";" + rng.choice(["30;10", "1;2", ";", "5;-inf", "1e308;1e309"]) for ln in lines[1:]]
        lines = [head, *rows]
    return "\n".join(lines) + "\n"


def mutations(seed: int, n: int) -> Iterator[tuple[int, str]]:
    rng = random.Random(seed)
    base = _long(*GOOD_LONG_ROWS)
    for k in range(n):
        yield k, _mutate(rng, base)


def plausible(obs: pd.DataFrame, catalogue) -> list[str]:
    """What is wrong with stored observations by the rules an analyst would state (empty when nothing)."""
    from kansenmonitor.sources.validate import lowest_allowed

    wrong = []
    for r in obs.itertuples():
        ind = catalogue[r.indicator]
        for col in ("value", "lower", "upper", "numerator", "denominator"):
            v = getattr(r, col)
            if v is None or pd.isna(v):
                continue
            if not abs(v) <= 1e15:
                wrong.append(f"{r.region} {r.indicator} {col}={v}")
            low = 0.0 if col in ("numerator", "denominator") else lowest_allowed(ind)
            if low is not None and v < low:
                wrong.append(f"{r.region} {r.indicator} {col}={v} < {low}")
            if col != "numerator" and col != "denominator" and ind.max_value is not None and v > ind.max_value:
                wrong.append(f"{r.region} {r.indicator} {col}={v} > {ind.max_value}")
        if pd.notna(r.lower) and pd.notna(r.upper) and r.lower > r.upper:
            wrong.append(f"{r.region} {r.indicator} lower>upper")
    return wrong


def as_bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))
