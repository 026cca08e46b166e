"""Persistence: the embedded default (SQLite in ``KANSENMONITOR_HOME``) and PostgreSQL, one interface.

Writes happen inside :meth:`Store.transaction`; an exception anywhere inside rolls everything back,
so an import with one bad row changes nothing.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Engine,
    Integer,
    Text,
    and_,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    tuple_,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ..core.errors import StoreError, UnknownRegionError, VersionConflict
from ..core.model import Aggregation, Indicator, Level, Polarity, Region, Source
from . import schema as s

ENV_HOME = "KANSENMONITOR_HOME"
ENV_URL = "KANSENMONITOR_DATABASE_URL"

#: How long a SQLite writer waits for another one (an import while the server saves) before giving up.
SQLITE_BUSY_SECONDS = 30.0

OBSERVATION_COLUMNS = [
    "region",
    "boundary_year",
    "indicator",
    "period",
    "value",
    "status",
    "numerator",
    "denominator",
    "lower",
    "upper",
    "source_ref",
]


#: Larger than any count or amount in a monitor (the importers refuse such values; see sources.validate).
UNUSABLE_MAGNITUDE = 1e15


def _unusable_as_missing(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers no importer lets in (inf, NaN-as-value, 1e308) that an older store or a direct write holds are read as
    missing, so that no page, chart or export breaks on them."""
    cols = ["value", "numerator", "denominator", "lower", "upper"]
    x = df[cols].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(x) | (np.abs(x) > UNUSABLE_MAGNITUDE)
    if not bad.any():
        return df
    df = df.copy()
    df[cols] = np.where(bad, np.nan, x)
    lost = bad[:, 0] & df["status"].isin(["measured", "estimated"]).to_numpy()
    df.loc[lost, "status"] = "missing"
    return df


def default_home() -> Path:
    """The data directory: ``$KANSENMONITOR_HOME`` or a per-user data directory."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kansenmonitor", appauthor=False))


def default_url(home: Path | None = None) -> str:
    """The database URL: ``$KANSENMONITOR_DATABASE_URL`` or SQLite in the data directory."""
    env = os.environ.get(ENV_URL)
    if env:
        return normalise_url(env)
    home = home or default_home()
    return f"sqlite:///{home / 'kansenmonitor.sqlite'}"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _clean(value: Any) -> Any:
    """NaN → None for the database."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _column_values(col: pd.Series) -> list:
    """A column as Python values for the database (NaN and NA → None, numpy scalars → Python), column-wise."""
    if pd.api.types.is_float_dtype(col.dtype):
        values = col.to_numpy(dtype=float).tolist()
        return [None if v != v else v for v in values]  # v != v: NaN
    if pd.api.types.is_integer_dtype(col.dtype) and not col.isna().any():
        return col.to_numpy().tolist()
    if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        return col.astype(object).where(col.notna(), None).tolist()
    return [_clean(v) for v in col.astype(object).where(col.notna(), None).tolist()]


def observation_records(frame: pd.DataFrame, import_id: int | None) -> list[dict]:
    """The rows of ``frame`` as dicts for an insert: the columns of :data:`OBSERVATION_COLUMNS`, NaN as None,
    boundary year and period as int, and ``import_id``. Converted per column, not per cell (200,000 rows: 2.2 s
    cell by cell, 0.7 s per column)."""
    df = frame.reindex(columns=OBSERVATION_COLUMNS)
    columns = {c: _column_values(df[c]) for c in OBSERVATION_COLUMNS}
    columns["boundary_year"] = [int(v) for v in columns["boundary_year"]]
    columns["period"] = [int(v) for v in columns["period"]]
    names = [*OBSERVATION_COLUMNS, "import_id"]
    values = [columns[c] for c in OBSERVATION_COLUMNS]
    return [dict(zip(names, (*row, import_id), strict=True)) for row in zip(*values, strict=True)]


def _upsert(conn: Connection, table, rows: list[dict], keys: Sequence[str]) -> None:
    """Insert rows, replacing rows with the same key, on SQLite and PostgreSQL alike."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # pragma: no cover - only two backends are supported
        raise StoreError(f"Database '{dialect}' wordt niet ondersteund; gebruik SQLite of PostgreSQL.")
    stmt = dialect_insert(table)
    update_cols = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=update_cols)
    # SQLite limits bound parameters; chunk for both backends.
    chunk = max(1, 30000 // max(1, len(table.columns)))
    for start in range(0, len(rows), chunk):
        conn.execute(stmt, rows[start : start + chunk])


def _insert_new(conn: Connection, table, row: dict, keys: Sequence[str]) -> bool:
    """Insert ``row`` unless a row with the same key exists (atomically, on SQLite and PostgreSQL alike);
    whether it was inserted."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # pragma: no cover - only two backends are supported
        raise StoreError(f"Database '{dialect}' wordt niet ondersteund; gebruik SQLite of PostgreSQL.")
    stmt = (dialect_insert(table).values(**row).on_conflict_do_nothing(index_elements=list(keys))
            .returning(*(table.c[k] for k in keys)))
    return conn.execute(stmt).first() is not None


def indicator_to_row(ind: Indicator) -> dict:
    return {
        "id": ind.id,
        "label_nl": ind.label_nl,
        "label_en": ind.label_en,
        "definition_nl": ind.definition_nl,
        "definition_en": ind.definition_en,
        "unit": ind.unit,
        "theme": ind.theme,
        "polarity": ind.polarity.value,
        "aggregation": ind.aggregation.value,
        "numerator": ind.numerator,
        "denominator": ind.denominator,
        "factor": ind.factor,
        "weight": ind.weight,
        "min_count": ind.min_count,
        "decimals": ind.decimals,
        "value_type": ind.value_type,
        "min_value": ind.min_value,
        "max_value": ind.max_value,
        "structural": ind.structural,
        "sources": json.dumps([asdict(src) for src in ind.sources], ensure_ascii=False),
        "catalogue_file": ind.catalogue_file,
    }


def row_to_indicator(row: Any) -> Indicator:
    m = row._mapping
    return Indicator(
        id=m["id"],
        label_nl=m["label_nl"],
        label_en=m["label_en"],
        definition_nl=m["definition_nl"] or "",
        definition_en=m["definition_en"] or "",
        unit=m["unit"],
        theme=m["theme"],
        polarity=Polarity(m["polarity"]),
        aggregation=Aggregation(m["aggregation"]),
        numerator=m["numerator"],
        denominator=m["denominator"],
        factor=m["factor"],
        weight=m["weight"],
        min_count=m["min_count"],
        decimals=m["decimals"],
        value_type=m["value_type"],
        min_value=m["min_value"],
        max_value=m["max_value"],
        structural=bool(m["structural"]),
        sources=tuple(Source(**src) for src in json.loads(m["sources"])),
        catalogue_file=m["catalogue_file"],
    )


def region_to_row(r: Region) -> dict:
    return {
        "code": r.code,
        "boundary_year": r.boundary_year,
        "name": r.name,
        "level": r.level.value,
        "parent": r.parent,
        "gemeente": r.gemeente,
        "geometry": r.geometry,
        "source": r.source,
        "note": r.note,
    }


def row_to_region(row: Any, members: tuple[str, ...] = (), with_geometry: bool = True) -> Region:
    m = row._mapping
    return Region(
        code=m["code"],
        name=m["name"],
        level=Level(m["level"]),
        boundary_year=m["boundary_year"],
        parent=m["parent"],
        geometry=m["geometry"] if with_geometry and "geometry" in m else None,
        members=members,
        source=m["source"],
        note=m["note"],
    )


class Writer:
    """Write operations inside one transaction (see :meth:`Store.transaction`).

    It notes whether the transaction wrote only documents of the :data:`PER_REQUEST_KINDS` (a report entry):
    such a transaction leaves the store's content version alone, every other one moves it on."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.per_request_writes = False
        self.shared_writes = False

    def _wrote(self, kind: str | None = None) -> None:
        if kind is not None and kind in PER_REQUEST_KINDS:
            self.per_request_writes = True
        else:
            self.shared_writes = True

    @property
    def moves_version(self) -> bool:
        """Whether this transaction changes what cached pages show. Writes straight through ``conn`` (capability
        tables, the audit log) cannot be seen here, so only a transaction known to hold nothing but per-request
        documents keeps the version."""
        return not (self.per_request_writes and not self.shared_writes)

    def upsert_regions(self, regions: Iterable[Region]) -> int:
        self._wrote()
        regions = list(regions)
        _upsert(self.conn, s.regions, [region_to_row(r) for r in regions], ["code", "boundary_year"])
        members = [
            {"area": r.code, "boundary_year": r.boundary_year, "member": m} for r in regions for m in r.members
        ]
        custom = [(r.code, r.boundary_year) for r in regions if r.members]
        for code, year in custom:
            self.conn.execute(
                delete(s.region_members).where(
                    and_(s.region_members.c.area == code, s.region_members.c.boundary_year == year)
                )
            )
        if members:
            self.conn.execute(insert(s.region_members), members)
        return len(regions)

    def set_geometry(self, code: str, boundary_year: int, geometry: str | None) -> None:
        self._wrote()
        self.conn.execute(
            s.regions.update()
            .where(and_(s.regions.c.code == code, s.regions.c.boundary_year == boundary_year))
            .values(geometry=geometry)
        )

    def upsert_links(self, links: Iterable[dict]) -> int:
        self._wrote()
        rows = [
            {
                "code": link["code"],
                "boundary_year": link["boundary_year"],
                "to_code": link["to_code"],
                "to_boundary_year": link["to_boundary_year"],
                "relation": link.get("relation", "same"),
                "note": link.get("note"),
            }
            for link in links
        ]
        _upsert(self.conn, s.region_links, rows, ["code", "boundary_year", "to_code", "to_boundary_year"])
        return len(rows)

    def upsert_indicators(self, indicators: Iterable[Indicator]) -> int:
        self._wrote()
        rows = [indicator_to_row(i) for i in indicators]
        _upsert(self.conn, s.indicators, rows, ["id"])
        return len(rows)

    def upsert_observations(self, frame: pd.DataFrame, import_id: int | None = None) -> int:
        """Write observations (columns as :data:`OBSERVATION_COLUMNS`); same key replaces."""
        self._wrote()
        if frame.empty:
            return 0
        records = observation_records(frame, import_id)
        _upsert(self.conn, s.observations, records, ["region", "boundary_year", "indicator", "period"])
        return len(records)

    def record_import(
        self, kind: str, file: str, rows: int, observations: int, regions: int, sha256: str | None, note: str | None
    ) -> int:
        self._wrote()
        result = self.conn.execute(
            insert(s.imports).values(
                kind=kind,
                file=file,
                rows=rows,
                observations=observations,
                regions=regions,
                sha256=sha256,
                imported_at=_now(),
                note=note,
            )
        )
        return int(result.inserted_primary_key[0])

    def put_document(self, kind: str, id: str, body: Any) -> int:
        """Store ``body`` whatever is there (a new document has version 1; a replaced one gets the next version);
        the version written."""
        self._wrote(kind)
        dialect = self.conn.dialect.name
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        d = s.documents
        stmt = dialect_insert(d).values(kind=kind, id=id, body=json.dumps(body, ensure_ascii=False),
                                        updated_at=_now(), version=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["kind", "id"],
            set_={"body": stmt.excluded.body, "updated_at": stmt.excluded.updated_at, "version": d.c.version + 1},
        ).returning(d.c.version)
        return int(self.conn.execute(stmt).scalar_one())

    def replace_document(self, kind: str, id: str, body: Any, expected_version: int) -> int:
        """Compare-and-swap: write ``body`` only when the stored version is ``expected_version`` (``0``: only when
        there is no such document yet); the new version. Otherwise nothing is written and
        :class:`~kansenmonitor.core.errors.VersionConflict` says what is stored now. One UPDATE with the version
        in its WHERE clause, so of two writers that started from the same version exactly one wins, on SQLite
        and PostgreSQL alike."""
        self._wrote(kind)
        text = json.dumps(body, ensure_ascii=False)
        d = s.documents
        if expected_version == 0:
            if _insert_new(self.conn, d, {"kind": kind, "id": id, "body": text, "updated_at": _now(), "version": 1},
                           ["kind", "id"]):
                return 1
        else:
            result = self.conn.execute(
                d.update()
                .where(and_(d.c.kind == kind, d.c.id == id, d.c.version == expected_version))
                .values(body=text, updated_at=_now(), version=expected_version + 1)
            )
            if result.rowcount == 1:
                return expected_version + 1
        current = self.document_with_version(kind, id)
        version, stored = current if current is not None else (0, None)
        raise VersionConflict(kind, id, expected_version, version, stored)

    def document_with_version(self, kind: str, id: str) -> tuple[int, Any] | None:
        """(version, body) of a document as this transaction sees it, or ``None``."""
        d = s.documents
        row = self.conn.execute(
            select(d.c.version, d.c.body).where(and_(d.c.kind == kind, d.c.id == id))).first()
        return (int(row.version), json.loads(row.body)) if row is not None else None

    def add_document(self, kind: str, id: str, body: Any) -> bool:
        """Store a new document; ``False`` (and nothing changed) when ``(kind, id)`` exists already. Documents
        that others cite (saved evaluations, decisions) are written this way: never replaced."""
        self._wrote(kind)
        return _insert_new(self.conn, s.documents, {"kind": kind, "id": id, "body": json.dumps(body, ensure_ascii=False),
                                                    "updated_at": _now()}, ["kind", "id"])

    def delete_document(self, kind: str, id: str) -> None:
        self._wrote(kind)
        self.conn.execute(delete(s.documents).where(and_(s.documents.c.kind == kind, s.documents.c.id == id)))


#: the keys in ``meta`` of the content version (see :meth:`Store.change_stamp`) and of the version of the
#: per-request documents (see :meth:`Store.per_request_version`)
CONTENT_VERSION = "content_version"
PER_REQUEST_VERSION = "per_request_version"


def _bump_version(conn: Connection, key: str) -> None:
    """Move a version in ``meta`` on by one, inside the transaction that wrote (so it commits with the writes)."""
    m = s.meta
    bumped = m.update().where(m.c.key == key).values(value=cast(cast(m.c.value, Integer) + 1, Text))
    if conn.execute(bumped).rowcount == 0 and not _insert_new(conn, m, {"key": key, "value": "1"}, ["key"]):
        conn.execute(bumped)


#: kinds of documents that the web pages read per request and never cache (a capability adds its own, e.g. the
#: report entries); :meth:`Store.change_stamp` ignores them
PER_REQUEST_KINDS: set[str] = set()


class Store:
    """The store behind kansenmonitor. Open with :meth:`Store.open`."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # -- opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, home: str | Path | None = None, create: bool = True,
             upgrade: bool = True) -> Store:
        """Open the store. ``create``: make the schema in an empty database. ``upgrade``: bring an existing database
        that is behind to this code's schema (``serve --production`` and ``kansenmonitor db`` pass ``False``: there an
        upgrade is the administrator's explicit ``kansenmonitor db upgrade``)."""
        home_path = Path(home).expanduser() if home else None
        url = normalise_url(url) if url else default_url(home_path)
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not create and not path.exists():
                raise StoreError(
                    f"Er is nog geen database in {path.parent}. Maak er een met 'kansenmonitor init --demo' "
                    "(voorbeeldgegevens) of 'kansenmonitor init'."
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # SQLite: wait for another writer (an import, a save) instead of failing at once with "database is locked"
            connect_args = {"timeout": SQLITE_BUSY_SECONDS} if url.startswith("sqlite") else {}
            engine = create_engine(url, future=True, connect_args=connect_args)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"Kan de database niet openen ({url}): {exc}") from exc
        if engine.dialect.name == "sqlite":

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()

        store = cls(engine)
        if create:
            store.create_schema()
        elif upgrade:
            store.create_schema(existing_only=True)
        return store

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def create_schema(self, existing_only: bool = False) -> None:
        """Bring the schema to this code's newest revision (see :mod:`.migrate`); a newer database is refused.
        ``existing_only``: leave an empty database empty."""
        from . import migrate

        try:
            migrate.ensure_current(self.engine, existing_only=existing_only)
        except OperationalError as exc:
            raise StoreError(f"Kan de database niet gebruiken ({self.url}): {exc.orig}") from exc

    def drop_all(self) -> None:
        """Remove every table (used by ``init --force``)."""
        s.load_capability_tables()
        s.metadata.drop_all(self.engine)
        from sqlalchemy import text

        with self.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """One all-or-nothing unit of work. A SQLite store that another writer holds for longer than
        :data:`SQLITE_BUSY_SECONDS` gives a :class:`StoreError` that says so (and nothing is changed)."""
        try:
            with self.engine.begin() as conn:
                writer = Writer(conn)
                yield writer
                if writer.moves_version:
                    _bump_version(conn, CONTENT_VERSION)
            if writer.per_request_writes:
                # after the commit, in a transaction of its own: a reader that sees the new version also sees the
                # new documents, and concurrent writers of entries do not queue on this row until they commit
                with self.engine.begin() as conn:
                    _bump_version(conn, PER_REQUEST_VERSION)
        except OperationalError as exc:
            if "locked" in str(exc.orig if getattr(exc, "orig", None) else exc).lower():
                raise StoreError(
                    f"Er loopt al een andere import of opslag in deze database; na {SQLITE_BUSY_SECONDS:g} seconden "
                    "wachten is deze niet doorgegaan en er is niets gewijzigd. Probeer het over een paar minuten "
                    "opnieuw.") from None
            raise

    # -- meta --------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            _upsert(conn, s.meta, [{"key": key, "value": value}], ["key"])

    # -- regions -----------------------------------------------------------------------------------
    def regions(
        self,
        level: str | Level | None = None,
        parent: str | None = None,
        boundary_year: int | None = None,
        gemeente: str | Sequence[str] | None = None,
        codes: Sequence[str] | None = None,
        with_geometry: bool = False,
    ) -> list[Region]:
        cols = [c for c in s.regions.c if with_geometry or c.name != "geometry"]
        q = select(*cols)
        if level is not None:
            q = q.where(s.regions.c.level == str(Level(level)))
        if parent is not None:
            q = q.where(s.regions.c.parent == parent)
        if boundary_year is not None:
            q = q.where(s.regions.c.boundary_year == boundary_year)
        if gemeente is not None:
            gms = [gemeente] if isinstance(gemeente, str) else list(gemeente)
            q = q.where(s.regions.c.gemeente.in_(gms))
        if codes is not None:
            q = q.where(s.regions.c.code.in_(list(codes)))
        q = q.order_by(s.regions.c.boundary_year, s.regions.c.code)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
            members = self._members(conn)
        return [row_to_region(r, members.get((r.code, r.boundary_year), ()), with_geometry) for r in rows]

    def _members(self, conn: Connection) -> dict[tuple[str, int], tuple[str, ...]]:
        out: dict[tuple[str, int], list[str]] = {}
        for row in conn.execute(select(s.region_members).order_by(s.region_members.c.member)):
            out.setdefault((row.area, row.boundary_year), []).append(row.member)
        return {k: tuple(v) for k, v in out.items()}

    def region(self, code: str, boundary_year: int | None = None, with_geometry: bool = True) -> Region:
        """One region; without a boundary year, the most recent indeling that has the code."""
        q = select(s.regions).where(s.regions.c.code == code)
        if boundary_year is not None:
            q = q.where(s.regions.c.boundary_year == boundary_year)
        q = q.order_by(s.regions.c.boundary_year.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
            if row is None:
                years = conn.execute(
                    select(s.regions.c.boundary_year).where(s.regions.c.code == code)
                ).scalars().all()
                if years and boundary_year is not None:
                    raise UnknownRegionError(
                        f"Gebied '{code}' bestaat niet in de indeling {boundary_year}; wel in "
                        f"{', '.join(map(str, sorted(years)))}."
                    )
                raise UnknownRegionError(
                    f"Gebied '{code}' is onbekend. Bekijk de lijst met 'kansenmonitor regions'."
                )
            members = tuple(
                conn.execute(
                    select(s.region_members.c.member)
                    .where(and_(s.region_members.c.area == code, s.region_members.c.boundary_year == row.boundary_year))
                    .order_by(s.region_members.c.member)
                ).scalars()
            )
        return row_to_region(row, members, with_geometry)

    def region_keys(self) -> set[tuple[str, int]]:
        with self.engine.connect() as conn:
            return {(r.code, r.boundary_year) for r in conn.execute(select(s.regions.c.code, s.regions.c.boundary_year))}

    def boundary_years(self, code: str | None = None) -> list[int]:
        q = select(s.regions.c.boundary_year).distinct()
        if code:
            q = q.where(s.regions.c.code == code)
        with self.engine.connect() as conn:
            return sorted(conn.execute(q).scalars())

    def links(self, code: str | None = None) -> list[dict]:
        q = select(s.region_links)
        if code:
            q = q.where((s.region_links.c.code == code) | (s.region_links.c.to_code == code))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- indicators --------------------------------------------------------------------------------
    def indicators(self, theme: str | None = None) -> list[Indicator]:
        q = select(s.indicators).order_by(s.indicators.c.theme, s.indicators.c.id)
        if theme:
            q = q.where(s.indicators.c.theme == theme)
        with self.engine.connect() as conn:
            return [row_to_indicator(r) for r in conn.execute(q)]

    # -- observations ------------------------------------------------------------------------------
    def observations(
        self,
        regions: Sequence[str] | None = None,
        indicators: Sequence[str] | None = None,
        periods: Sequence[int] | None = None,
        boundary_year: int | None = None,
        level: str | Level | None = None,
        gemeente: str | Sequence[str] | None = None,
        keys: Sequence[tuple[str, int]] | None = None,
    ) -> pd.DataFrame:
        """Observations as one long frame (:data:`OBSERVATION_COLUMNS`)."""
        o = s.observations
        q = select(*[o.c[c] for c in OBSERVATION_COLUMNS])
        if level is not None or gemeente is not None:
            r = s.regions
            q = q.join(r, and_(r.c.code == o.c.region, r.c.boundary_year == o.c.boundary_year))
            if level is not None:
                q = q.where(r.c.level == str(Level(level)))
            if gemeente is not None:
                gms = [gemeente] if isinstance(gemeente, str) else list(gemeente)
                q = q.where(r.c.gemeente.in_(gms))
        if regions is not None:
            q = q.where(o.c.region.in_(list(regions)))
        if keys is not None:
            q = q.where(tuple_(o.c.region, o.c.boundary_year).in_(list(keys)))
        if indicators is not None:
            q = q.where(o.c.indicator.in_(list(indicators)))
        if periods is not None:
            q = q.where(o.c.period.in_([int(p) for p in periods]))
        if boundary_year is not None:
            q = q.where(o.c.boundary_year == boundary_year)
        with self.engine.connect() as conn:
            df = pd.read_sql(q, conn)
        if df.empty:
            return pd.DataFrame(columns=OBSERVATION_COLUMNS)
        for col in ("value", "numerator", "denominator", "lower", "upper"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        return _unusable_as_missing(df)

    def periods(self, indicator: str | None = None) -> list[int]:
        q = select(s.observations.c.period).distinct()
        if indicator:
            q = q.where(s.observations.c.indicator == indicator)
        with self.engine.connect() as conn:
            return sorted(conn.execute(q).scalars())

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "regions": conn.execute(select(func.count()).select_from(s.regions)).scalar_one(),
                "indicators": conn.execute(select(func.count()).select_from(s.indicators)).scalar_one(),
                "observations": conn.execute(select(func.count()).select_from(s.observations)).scalar_one(),
                "imports": conn.execute(select(func.count()).select_from(s.imports)).scalar_one(),
            }

    def imports(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(s.imports).order_by(s.imports.c.id))]

    def change_stamp(self) -> tuple:
        """What cached pages compare to see whether the store changed: the content version that every write
        transaction moves on (except one that wrote only documents of :data:`PER_REQUEST_KINDS`, which pages read
        per request and never keep, such as a report entry) and the newest import. Two primary-key lookups, however
        many observations the store holds (counting them took 0.8 s at 17.5 million)."""
        with self.engine.connect() as conn:
            return (
                conn.execute(select(s.meta.c.value).where(s.meta.c.key == CONTENT_VERSION)).scalar(),
                conn.execute(select(func.max(s.imports.c.id))).scalar(),
            )

    def claim_number(self, key: str, first: Callable[[Connection], int]) -> int:
        """The next number of the counter ``key`` (kept in ``meta``), claimed in a transaction of its own so that
        concurrent writers each get their own number at once instead of waiting on each other's transactions.
        ``first(conn)`` gives the first number when the counter does not exist yet. A number whose write fails is
        not given again (numbers may have gaps, never doubles)."""
        m = s.meta
        bump = (m.update().where(m.c.key == key).values(value=cast(cast(m.c.value, Integer) + 1, Text))
                .returning(m.c.value))
        with self.engine.begin() as conn:
            value = conn.execute(bump).scalar()
            if value is None:
                start = first(conn)
                if _insert_new(conn, m, {"key": key, "value": str(start)}, ["key"]):
                    return start
                value = conn.execute(bump).scalar()
        return int(value)

    def per_request_version(self) -> str | None:
        """A version that moves on with every write of a per-request document (a report entry, its approval): a
        page may keep what it built from those documents as long as this stays the same. One primary-key lookup."""
        with self.engine.connect() as conn:
            return conn.execute(select(s.meta.c.value).where(s.meta.c.key == PER_REQUEST_VERSION)).scalar()

    def last_document_change(self) -> str | None:
        """When a document other than a per-request one was last written (ISO timestamp), or ``None``."""
        q = select(func.max(s.documents.c.updated_at))
        if PER_REQUEST_KINDS:
            q = q.where(s.documents.c.kind.notin_(sorted(PER_REQUEST_KINDS)))
        with self.engine.connect() as conn:
            return conn.execute(q).scalar()

    def fingerprint(self) -> tuple:
        """A cheap summary of the store's content, used by tests to prove that nothing changed."""
        with self.engine.connect() as conn:
            obs = conn.execute(
                select(func.count(), func.sum(s.observations.c.value), func.max(s.observations.c.import_id))
            ).one()
        return (tuple(sorted(self.counts().items())), tuple(obs))

    # -- documents ---------------------------------------------------------------------------------
    def document_with_version(self, kind: str, id: str) -> tuple[int, Any] | None:
        """(version, body) of a stored document, or ``None`` when there is none."""
        with self.engine.connect() as conn:
            return Writer(conn).document_with_version(kind, id)

    def replace_document(self, kind: str, id: str, body: Any, expected_version: int) -> int:
        """See :meth:`Writer.replace_document` (in a transaction of its own)."""
        with self.transaction() as w:
            return w.replace_document(kind, id, body, expected_version)

    def get_document(self, kind: str, id: str) -> Any | None:
        with self.engine.connect() as conn:
            body = conn.execute(
                select(s.documents.c.body).where(and_(s.documents.c.kind == kind, s.documents.c.id == id))
            ).scalar()
        return json.loads(body) if body is not None else None

    def documents(self, kind: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.documents.c.id, s.documents.c.body).where(s.documents.c.kind == kind).order_by(s.documents.c.id)
            ).all()
        return {r.id: json.loads(r.body) for r in rows}

    def put_document(self, kind: str, id: str, body: Any) -> int:
        with self.transaction() as w:
            return w.put_document(kind, id, body)

    def add_document(self, kind: str, id: str, body: Any) -> bool:
        """See :meth:`Writer.add_document`."""
        with self.transaction() as w:
            return w.add_document(kind, id, body)
