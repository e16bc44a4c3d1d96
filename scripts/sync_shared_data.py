"""Copy the USDA, DRI, price and FNDDS reference tables the product needs from ../shared/data into foods/data.

Run from the project root: ``python scripts/sync_shared_data.py [--shared PATH] [--check]``.
The copy is byte-for-byte; ``foods/data/SHA256SUMS`` records what was copied so that a later
run with ``--check`` tells whether the shipped files still equal the shared originals.
The project itself never reads ../shared at run time.
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

FILES = (
    "usda_sr_legacy_foods.csv",
    "usda_sr_legacy_portions.csv",
    "sr28_vs_sr_legacy_known_differences.csv",
    "dri_reference.csv",
    "prices_ers_fruit_veg.csv",
    "prices_ppnap_2017_2018.csv",
    "prices_bls_average.csv",
    "prices_bls_average_summary.csv",
    "fndds_survey_foods.csv",
)
ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "foods" / "data"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="only compare, copy nothing")
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        print(f"error: {args.shared} is not a folder; pass --shared PATH/TO/shared/data", file=sys.stderr)
        return 2
    differ = []
    lines = []
    for name in FILES:
        src, dst = args.shared / name, DEST / name
        if not src.is_file():
            print(f"error: {src} is missing", file=sys.stderr)
            return 2
        if args.check:
            if not dst.is_file() or sha256(src) != sha256(dst):
                differ.append(name)
        else:
            shutil.copyfile(src, dst)
        lines.append(f"{sha256(src)}  {name}")
    # The source notes travel with the data.
    if not args.check:
        shutil.copyfile(args.shared / "README.md", DEST / "SOURCES_shared_README.md")
        (DEST / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"copied {len(FILES)} files to {DEST}")
        return 0
    if differ:
        print("differ from shared: " + ", ".join(differ))
        return 1
    print("foods/data matches shared/data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
