"""The person's own food table (FDC imports and added foods), and the curated table combined with it.

The user table is a CSV in the food-table schema with full nutrient columns (``foods.load.load_user_foods``
reads it). Writes go to a temporary file in the same folder, are validated (alone and together with the
curated table) and only then replace the file with ``os.replace``: an error never harms the table, and
the person's edits to other rows and any extra columns they added are kept as written.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from foods import schema
from foods.errors import FoodTableError
from foods.files import atomic_write
from foods.load import check_row_count, combine, load_foods, load_user_foods
from foods.paths import user_foods_path

# Column order of the file: food_id, the schema columns, then what was guessed on import.
FILE_COLUMNS: tuple[str, ...] = ("food_id", *schema.COLUMNS, "guessed")
# Columns an FDC re-import refreshes; the rest (name, serving, slots, tags, prices ...) stay as the person set them.
REFRESHED_ON_REIMPORT: tuple[str, ...] = ("fdc_id", "data_type", "usda_description", *schema.NUTRIENT_COLUMNS)


def _empty_table() -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for column, (dtype, _meaning) in schema.COLUMNS.items():
        data[column] = pd.Series([], dtype="string" if dtype == "string" else dtype)
    df = pd.DataFrame(data)
    df.index = pd.Index([], dtype="object", name="food_id")
    return df


def _path(path: Path | str | None) -> Path:
    return Path(path) if path is not None else user_foods_path()


def _has_rows(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    raw = _read_raw(path)
    return not raw.empty


def user_foods(path: Path | str | None = None) -> pd.DataFrame:
    """The person's foods (validated, indexed by food_id); an empty schema-shaped frame if there are none."""
    csv = _path(path)
    if not _has_rows(csv):
        return _empty_table()
    return load_user_foods(csv)


def load_all_foods(*, user_path: Path | str | None = None) -> pd.DataFrame:
    """The curated table plus the person's foods (if any), validated: what plans and swaps choose from."""
    curated = load_foods()
    mine = user_foods(user_path)
    if mine.empty:
        return curated
    both = combine(curated, mine)
    return schema.validate(both, path=f"curated foods + {_path(user_path)}")


# --- raw CSV handling (keeps the person's text as written) ----------------------------------------
def _read_raw(path: Path) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise FoodTableError(f"cannot read the user food table ({type(exc).__name__}); fix or move the file, "
                             "nothing was changed", path=str(path)) from None
    if "food_id" not in raw.columns:
        raise FoodTableError("missing column food_id; nothing was changed", path=str(path))
    return raw


def _cell(value: Any) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _rows_as_text(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> list[dict[str, str]]:
    if isinstance(rows, pd.DataFrame):
        frame = rows.reset_index() if "food_id" not in rows.columns else rows
        records = frame.to_dict("records")
    else:
        records = [dict(r) for r in rows]
    out = []
    for rec in records:
        if not str(rec.get("food_id") or "").strip():
            raise FoodTableError("a new food has no food_id; give a slug like 'pumpkin_seeds_mine'")
        out.append({k: _cell(v) for k, v in rec.items()})
    return out


def _write_checked(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Write ``raw`` next to ``path``, validate it (alone and with the curated table), then replace ``path``.

    Written through ``foods.files.atomic_write``: a symlinked table is updated where it lives and keeps
    its permissions.
    """
    result: dict[str, pd.DataFrame] = {}

    def check(tmp: Path) -> None:
        if raw.empty:
            result["table"] = _empty_table()
            return
        try:
            table = load_user_foods(tmp)
        except FoodTableError as exc:
            raise FoodTableError(f"the change would make the user food table invalid ({exc.reason}); "
                                 "nothing was changed", path=str(path), row=exc.row, column=exc.column) from None
        combine(load_foods(), table)  # a food_id that repeats a curated one is refused here
        result["table"] = table

    atomic_write(path, raw.to_csv(index=False), before_replace=check)
    return result["table"]


def add_user_foods(rows: Iterable[Mapping[str, Any]] | pd.DataFrame, path: Path | str | None = None, *,
                   refresh: bool = False) -> pd.DataFrame:
    """Add or update foods in the user table; return the whole table (validated).

    A row with a food_id already in the table replaces it; other foods are kept as written. With
    ``refresh`` (an FDC re-import), a row that matches a food by food_id, or by fdc_id for a food imported
    from FDC ('fdc_<id>...'), updates only ``REFRESHED_ON_REIMPORT`` and keeps the person's corrections.
    Nothing is written if the result would be invalid or larger than ``MAX_USER_TABLE_ROWS`` foods.
    Vectorised: the cost grows with the table's size, not with its square.
    """
    csv = _path(path)
    new = _rows_as_text(rows)
    raw = _read_raw(csv) if _has_rows(csv) else pd.DataFrame(columns=list(FILE_COLUMNS), dtype=str)
    columns = list(raw.columns) + [c for c in FILE_COLUMNS if c not in raw.columns]
    seen = set(columns)
    for rec in new:
        for c in rec:
            if c not in seen:
                columns.append(c)
                seen.add(c)
    raw = raw.reindex(columns=columns, fill_value="").reset_index(drop=True)
    if not new:
        return _write_checked(raw, csv)
    incoming = pd.DataFrame.from_records(new).reindex(columns=columns, fill_value="").astype(object)
    incoming = incoming.where(incoming.notna(), "").astype(str)
    incoming = incoming.drop_duplicates("food_id", keep="last").reset_index(drop=True)
    # Where each incoming row lands: the first row with the same food_id, else (refresh only) the first food
    # imported from the same fdc_id ('fdc_<id>' or 'fdc_<id>_...').
    ids = raw["food_id"].str.strip()
    first_by_id = pd.Series(ids.index, index=ids).groupby(level=0).first()
    target = incoming["food_id"].map(first_by_id)
    if refresh:
        fdc = raw["fdc_id"].astype(str)
        imported = pd.Series([f != "" and (i == f"fdc_{f}" or i.startswith(f"fdc_{f}_"))
                              for i, f in zip(raw["food_id"], fdc)], index=raw.index, dtype=bool)
        first_by_fdc = pd.Series(raw.index[imported], index=fdc[imported]).groupby(level=0).first()
        by_fdc = incoming["fdc_id"].map(first_by_fdc)
        target = target.where(target.notna(), by_fdc.where(incoming["fdc_id"] != ""))
    hit = target.notna()
    if hit.any():
        at = target[hit].astype(int).to_numpy()
        if refresh:
            cols = [c for c in REFRESHED_ON_REIMPORT if c in incoming.columns]
            update = incoming.loc[hit, cols]
            present = update.columns[[any(c in rec for rec in new) for c in cols]]
            raw.loc[at, list(present)] = update[list(present)].to_numpy()
        else:
            raw.loc[at, columns] = incoming.loc[hit, columns].to_numpy()
    added = incoming.loc[~hit, columns]
    check_row_count(len(raw) + len(added), str(csv))
    raw = pd.concat([raw, added], ignore_index=True)
    return _write_checked(raw, csv)


def remove_user_food(food_id: str, path: Path | str | None = None) -> pd.DataFrame:
    """Remove one food from the user table; return what is left. Raises FoodTableError if it is not there."""
    csv = _path(path)
    if not _has_rows(csv):
        raise FoodTableError(f"there is no user food '{food_id}'; the user food table is empty", path=str(csv))
    raw = _read_raw(csv)
    keep = raw["food_id"].str.strip() != str(food_id).strip()
    if keep.all():
        known = ", ".join(raw["food_id"].head(5))
        raise FoodTableError(f"there is no user food '{food_id}'; user foods include: {known}", path=str(csv))
    return _write_checked(raw[keep].reset_index(drop=True), csv)
