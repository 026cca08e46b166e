"""Write src/kansenmonitor/areas/stadsdelen_enschede.yaml from the staged open data.

    python scripts/derive_stadsdelen.py [--data ../shared/data]

The assignment rule is in kansenmonitor.areas.derive; tests/areas/test_stadsdelen.py re-derives the file and
fails when the shipped copy differs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from kansenmonitor.areas.derive import areas_document, enschede_stadsdelen, header
from kansenmonitor.demo import find_data_dir

TARGET = Path(__file__).resolve().parents[1] / "src" / "kansenmonitor" / "areas" / "stadsdelen_enschede.yaml"


def render(data: Path) -> str:
    d = enschede_stadsdelen(data)
    body = yaml.safe_dump(areas_document(d), allow_unicode=True, sort_keys=False, width=110)
    return header(d) + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    TARGET.write_text(render(find_data_dir(args.data)), encoding="utf-8")
    print(f"written {TARGET}")


if __name__ == "__main__":
    main()
