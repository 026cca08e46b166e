"""Write the SYNTHETIC demo survey (about 20,000 respondents) and its codebook.

Usage: python scripts/make_demo_survey.py OUT.csv [--seed 20240601] [--n 20000] [--data ../shared/data]

The answers are drawn from a model calibrated to real published marginals (CBS KWB, RIVM Gezondheid per wijk en
buurt); nobody answered this survey. See kansenmonitor.surveys.synth and docs/enquetes.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kansenmonitor.demo import find_data_dir
from kansenmonitor.surveys import synth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    syn = synth.write(find_data_dir(args.data), args.out, n=args.n, seed=args.seed)
    cb = args.out.with_name(args.out.stem + "_codeboek.yaml")
    cb.write_text(syn.codebook_path.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"{args.out}: {len(syn.survey)} synthetic respondents; codebook {cb}")


if __name__ == "__main__":
    main()
