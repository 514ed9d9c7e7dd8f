"""python -m derive [--check]: regenerate generated/ from the derivations, or report the stale files."""
import argparse
import sys
from pathlib import Path

from .codegen.writer import stale, write
from .generate import generated_files

ROOT = Path(__file__).resolve().parent.parent / "generated"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m derive", description=__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 naming every stale file")
    parser.add_argument("--root", type=Path, default=ROOT, help="where the generated tree lives (default: %(default)s)")
    args = parser.parse_args(argv)
    files = generated_files()
    if args.check:
        out_of_date = stale(args.root, files)
        for path in out_of_date:
            print(f"stale: {args.root / path}")
        if out_of_date:
            print("generated/ is out of date: run `python -m derive`", file=sys.stderr)
        return 1 if out_of_date else 0
    for path in write(args.root, files):
        print(f"wrote: {args.root / path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
