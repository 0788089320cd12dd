"""Command-line interface: ``kazframe <command>`` or ``python -m kazframe <command>``.

Commands
--------
figures   execute every notebook in ``notebooks/`` headless and write ``figures/``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths


def _figures(args: argparse.Namespace) -> int:
    from nbclient.exceptions import CellExecutionError

    from .notebooks import list_notebooks, run_notebooks

    if not list_notebooks(args.notebooks):
        print(f"kazframe figures: no NN-slug.ipynb notebooks in {args.notebooks}", file=sys.stderr)
        return 2
    try:
        run_notebooks(args.notebooks, out_dir=args.executed, figures_dir=args.figures)
    except CellExecutionError as exc:
        print(f"kazframe figures: a notebook failed:\n{exc}", file=sys.stderr)
        return 1
    print(f"figures written to {args.figures or paths.FIGURES_DIR}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="kazframe", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fig = sub.add_parser("figures", help="execute the notebooks and write figures/")
    fig.add_argument("--notebooks", type=Path, default=paths.NOTEBOOKS_DIR, help="notebook folder")
    fig.add_argument("--figures", type=Path, default=None, help="figure folder (default figures/)")
    fig.add_argument("--executed", type=Path, default=paths.PROJECT_DIR / "out" / "notebooks",
                     help="where executed copies of the notebooks are written")
    fig.set_defaults(func=_figures)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)
