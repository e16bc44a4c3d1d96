"""The person's own food table (FDC imports and added foods), and the curated table combined with it.

The user table is a CSV in the food-table schema with full nutrient columns (``foods.load.load_user_foods``
reads it). Writes go to a temporary file in the same folder, are validated (alone and together with the
curated table) and only then replace the file with ``os.replace``: an error never harms the table, and
the person's edits to other rows and any extra columns they added are kept as written.
"""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from foods import schema
from foods.errors import FoodTableError
from foods.load import combine, load_foods, load_user_foods
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
    """Write ``raw`` next to ``path``, validate it (alone and with the curated table), then replace ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".user_foods-", suffix=".csv")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            raw.to_csv(fh, index=False)
            fh.flush()
            os.fsync(fh.fileno())
        if raw.empty:
            table = _empty_table()
        else:
            try:
                table = load_user_foods(tmp)
            except FoodTableError as exc:
                raise FoodTableError(f"the change would make the user food table invalid ({exc.reason}); "
                                     "nothing was changed", path=str(path), row=exc.row, column=exc.column) from None
            combine(load_foods(), table)  # a food_id that repeats a curated one is refused here
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return table


def add_user_foods(rows: Iterable[Mapping[str, Any]] | pd.DataFrame, path: Path | str | None = None, *,
                   refresh: bool = False) -> pd.DataFrame:
    """Add or update foods in the user table; return the whole table (validated).

    A row with a food_id already in the table replaces it; other foods are kept as written. With
    ``refresh`` (an FDC re-import), a row that matches a food by food_id, or by fdc_id for a food imported
    from FDC ('fdc_<id>...'), updates only ``REFRESHED_ON_REIMPORT`` and keeps the person's corrections.
    Nothing is written if the result would be invalid.
    """
    csv = _path(path)
    new = _rows_as_text(rows)
    raw = _read_raw(csv) if _has_rows(csv) else pd.DataFrame(columns=list(FILE_COLUMNS), dtype=str)
    columns = list(raw.columns) + [c for c in FILE_COLUMNS if c not in raw.columns]
    for rec in new:
        columns += [c for c in rec if c not in columns]
    raw = raw.reindex(columns=columns, fill_value="")
    for rec in new:
        same_id = raw.index[raw["food_id"].str.strip() == rec["food_id"]]
        fdc = rec.get("fdc_id", "")
        imported = raw.index[(raw["fdc_id"] == fdc) & raw["food_id"].str.startswith(f"fdc_{fdc}")] if fdc else []
        target = same_id if len(same_id) else imported
        if refresh and len(target):
            for column in REFRESHED_ON_REIMPORT:
                if column in rec:
                    raw.loc[target[0], column] = rec[column]
        elif len(same_id):
            raw.loc[same_id[0], :] = [rec.get(c, "") for c in columns]
        else:
            raw.loc[len(raw.index) + 10**6] = [rec.get(c, "") for c in columns]
    raw = raw.reset_index(drop=True)
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
