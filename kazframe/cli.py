"""Command-line interface: ``kazframe <command>`` or ``python -m kazframe <command>``.

Commands
--------
ingest    read a corpus (file or folder) and write ``corpus.parquet`` + ``ingest_report.csv``
label     label a corpus (Parquet article table, JSONL, CSV ...) in chunks into ``matches.parquet``
figures   execute every notebook in ``notebooks/`` headless and write ``figures/``

Exit codes: 0 success, 1 failure while running, 2 user error (missing file, bad format,
bad option), with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .readers import FORMATS


class _UserError(Exception):
    """A mistake in the command line: reported in one line, exit code 2."""


def _out_file(path: Path, command: str) -> Path:
    """``path`` confined to its folder (created if needed)."""
    from .safety import UnsafePathError, confine

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return confine(path.parent, path.name)
    except (UnsafePathError, OSError) as exc:
        raise _UserError(f"kazframe {command}: --out {path}: {exc}") from None


def _ingest(args: argparse.Namespace) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .ingest import REPORT_COLUMNS
    from .stream import iter_corpus

    if not args.path.exists():
        raise _UserError(f"kazframe ingest: {args.path}: no such file or folder")
    if args.metadata is not None and not args.metadata.is_file():
        raise _UserError(f"kazframe ingest: --metadata {args.metadata}: no such file")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _UserError(f"kazframe ingest: --out {args.out}: cannot create the folder ({exc.strerror})") from None
    corpus_path = _out_file(args.out / "corpus.parquet", "ingest")
    report_path = _out_file(args.out / "ingest_report.csv", "ingest")
    from tqdm import tqdm

    writer = None
    n_articles = n_records = 0
    bar = tqdm(unit="record", desc="ingest", disable=args.quiet)
    try:
        with report_path.open("w", encoding="utf-8", newline="") as report_fh:
            header = True
            for corpus, report in iter_corpus(args.path, args.metadata, chunksize=args.chunksize,
                                              format=args.format):
                report.loc[:, list(REPORT_COLUMNS)].to_csv(report_fh, index=False, header=header,
                                                           lineterminator="\n")
                header = False
                n_records += len(report)
                bar.update(len(report))
                if len(corpus):
                    table = pa.Table.from_pandas(corpus, preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(corpus_path, table.schema)
                    writer.write_table(table.cast(writer.schema))
                    n_articles += len(corpus)
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    if writer is None:
        print(f"kazframe ingest: {args.path}: no article accepted ({n_records} record(s)); see {report_path}",
              file=sys.stderr)
        return 1
    print(f"{n_articles} article(s) of {n_records} record(s) -> {corpus_path}; report -> {report_path}")
    return 0


def _label(args: argparse.Namespace) -> int:
    from .stream import label_stream

    if not args.corpus.exists():
        raise _UserError(f"kazframe label: {args.corpus}: no such file or folder")
    if args.chunksize < 1 or args.processes < 1:
        raise _UserError("kazframe label: --chunksize and --processes must be at least 1")
    if args.out.suffix.lower() != ".parquet":
        raise _UserError(f"kazframe label: --out {args.out}: must end in .parquet")
    out = _out_file(args.out, "label")
    lexicon = None
    if args.lexicon is not None:
        from .lexicon import load_lexicon

        lexicon = load_lexicon(args.lexicon)
    summary = label_stream(args.corpus, out, chunksize=args.chunksize, lexicon=lexicon,
                           processes=args.processes, progress=not args.quiet, voice=not args.no_voice)
    print(f"{summary.n_matches} match(es) in {summary.n_articles} article(s) -> {summary.out_path}; "
          f"per-article tables -> {summary.articles_path.name}, {summary.counts_path.name}")
    return 0


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

    ing = sub.add_parser("ingest", help="read a corpus and write corpus.parquet + ingest_report.csv",
                         description="Read a corpus file or folder in chunks (see kazframe.stream.iter_corpus) "
                                     "and write DIR/corpus.parquet (the article table) and "
                                     "DIR/ingest_report.csv (one row per record).")
    ing.add_argument("path", type=Path, help="corpus file or folder")
    ing.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    ing.add_argument("--metadata", type=Path, default=None, metavar="M",
                     help="metadata CSV for a folder of .txt/.html files")
    ing.add_argument("--format", choices=FORMATS, default=None, metavar="F",
                     help=f"force a format: {', '.join(FORMATS)} (default: by extension and content)")
    ing.add_argument("--chunksize", type=int, default=2000, metavar="N", help="records per chunk")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.set_defaults(func=_ingest)

    lab = sub.add_parser("label", help="label a corpus in chunks into a matches Parquet file",
                         description="Label every framing term (voice and speaker included) chunk by chunk "
                                     "(see kazframe.stream.label_stream).")
    lab.add_argument("corpus", type=Path,
                     help="article table (.parquet from kazframe ingest) or a corpus file/folder (JSONL, CSV ...)")
    lab.add_argument("--out", type=Path, required=True, metavar="matches.parquet", help="output Parquet file")
    lab.add_argument("--chunksize", type=int, default=500, metavar="N", help="articles per chunk")
    lab.add_argument("--processes", type=int, default=1, metavar="N", help="worker processes")
    lab.add_argument("--lexicon", type=Path, default=None, help="lexicon YAML (default: the shipped one)")
    lab.add_argument("--no-voice", action="store_true",
                     help="terms and sentences only: skip the voice model (voice/speaker missing: not analysed)")
    lab.add_argument("--quiet", action="store_true", help="no progress bar")
    lab.set_defaults(func=_label)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or an argparse usage error (2), already printed
        return int(exc.code or 0)
    from .ingest import IngestError
    from .lexicon import LexiconError

    try:
        return args.func(args)
    except _UserError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (IngestError, LexiconError) as exc:
        print(f"kazframe {args.command}: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"kazframe {args.command}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
