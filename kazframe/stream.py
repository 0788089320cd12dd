"""Streaming: ingest, label and count corpora that do not fit comfortably in memory.

:func:`iter_corpus` reads a corpus in chunks of ``chunksize`` records and yields
``(corpus_chunk, report_chunk)`` pairs built by the same code as
:func:`kazframe.ingest.read_corpus` (same columns, same normalisation, same report rows,
count conservation checked on every chunk). JSON Lines, CSV/TSV and Parquet files are read
incrementally (line by line, ``pandas.read_csv(chunksize=...)``, Parquet record batches);
other formats (a folder of ``.txt``/``.html`` files, Nexis/Factiva exports) are read one file
at a time, as ``read_corpus`` does.

:func:`label_stream` labels every chunk with :func:`kazframe.label.label`, appends the matches
to a Parquet file (one row group per chunk) and keeps only small running aggregates, so peak
memory depends on ``chunksize``, not on the corpus size. With ``processes > 1`` chunks are
labelled by a :mod:`multiprocessing` pool (the lexicon automaton and the speaker registry are
built once per worker) while the parent reads, writes and counts, in corpus order.

:func:`label_partition` is the per-partition function for Dask
(``ddf.map_partitions(label_partition, meta=match_meta())``).

Differences from :func:`~kazframe.ingest.read_corpus`
-----------------------------------------------------
* **Duplicates** are flagged against the records *seen earlier in the stream*: the canonical
  copy is the first one read, not the earliest-dated one. On a corpus whose duplicates come
  in date order the two agree; the matches never depend on it. Tracking costs about 200
  bytes per record (two 8-byte digests and the article id); ``check_duplicates=False``
  turns it off.
* A JSONL/CSV/TSV file is streamed only when it is valid UTF-8 without a byte-order mark or
  control bytes (checked in one fast pass); any other file goes through the in-memory
  reader, whose decoding repairs it, with the same result as ``read_corpus``.
* The columns of a JSONL file are resolved from the keys seen so far (``read_corpus`` uses
  the keys of the whole file); they differ only when a later line brings a better-matching
  key for a field.
"""

from __future__ import annotations

import codecs
import json
import multiprocessing
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from . import ingest as _ingest
from .corpus import CORPUS_COLUMNS
from .label import _EXTRA_COLUMNS, MATCH_COLUMNS, label
from .lexicon import Lexicon, load_lexicon
from .quotes import SpeakerRegistry
from .readers import (
    _BAD_LINE_RE,
    _CONTROL_BYTE_RE,
    IngestError,
    Issue,
    RawRecord,
    _row_record,
    detect_format,
    excerpt,
    resolve_columns,
)

__all__ = [
    "STREAM_FORMATS",
    "MATCH_SCHEMA",
    "StreamSummary",
    "sidecar_paths",
    "iter_corpus",
    "iter_article_table",
    "label_stream",
    "label_partition",
    "match_meta",
]

#: Formats read incrementally (others are read one file at a time).
STREAM_FORMATS = ("jsonl", "csv", "tsv", "parquet")

_INT_COLUMNS = ("start", "end", "sentence_id", "text_start", "text_end")
#: Arrow schema of the matches Parquet file written by :func:`label_stream`.
MATCH_SCHEMA = pa.schema(
    [(c, pa.int64() if c in _INT_COLUMNS else pa.bool_() if c == "short_quote" else pa.string())
     for c in MATCH_COLUMNS + _EXTRA_COLUMNS]
)
_BLOCK_BYTES = 1 << 23


# --- reading in chunks ----------------------------------------------------------------------------


def _plain_utf8(path: Path) -> bool:
    """True when the file is valid UTF-8 without BOM, NUL or control bytes (one pass, in blocks)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        first = True
        while block := fh.read(_BLOCK_BYTES):
            if first and block.startswith(b"\xef\xbb\xbf"):
                return False
            first = False
            if b"\x00" in block or _CONTROL_BYTE_RE.search(block):
                return False
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _jsonl_records(path: Path, source: str, mapping: Mapping, explicit: set[str]) -> Iterator[RawRecord]:
    """JSON Lines records, line by line (same locators and issues as the in-memory reader)."""
    present: list[str] = []
    cols: dict[str, str] = {}
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            line = raw.decode("utf-8")
            if line.endswith("\n"):
                line = line[:-1]
            if not line.strip():
                continue
            locator = f"{source}:line {line_no}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RawRecord(source=source, locator=locator, issues=[Issue(
                    "malformed_json",
                    f"line {line_no}, column {exc.colno}: {exc.msg}: {excerpt(line, width=60)}")])
                continue
            if not isinstance(obj, dict):
                yield RawRecord(source=source, locator=locator, issues=[Issue(
                    "malformed_json", f"line {line_no}: a JSON {type(obj).__name__}, not an object")])
                continue
            new = [k for k in obj if k not in present]
            if new or not cols:
                present.extend(new)
                cols = resolve_columns(present, mapping, explicit, source)
            yield _row_record(source, locator, obj, cols, [])


def _csv_records(path: Path, source: str, mapping: Mapping, explicit: set[str], *, sep: str,
                 chunksize: int) -> Iterator[RawRecord]:
    """CSV/TSV rows read ``chunksize`` at a time (pandas C engine, as the in-memory reader)."""
    caught: list[warnings.WarningMessage] = []
    try:
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, engine="c", sep=sep,
                             on_bad_lines="warn", chunksize=chunksize, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise IngestError(f"{source}: line 1: empty file, no header row") from None
    row_no = 0
    cols: dict[str, str] | None = None
    with reader:
        while True:
            with warnings.catch_warnings(record=True) as got:
                warnings.simplefilter("always")
                try:
                    table = next(reader)
                except StopIteration:
                    caught.extend(got)
                    break
                except pd.errors.ParserError as exc:
                    reason = str(exc).replace("Error tokenizing data. C error: ", "")
                    raise IngestError(f"{source}: {reason} (check the quoting: an unclosed quote?)") from None
            caught.extend(got)
            table.columns = [str(c).strip() for c in table.columns]
            if cols is None:
                cols = resolve_columns(list(table.columns), mapping, explicit, source)
            for row in table.to_dict("records"):
                row_no += 1
                yield _row_record(source, f"{source}:row {row_no}", row, cols, [])
    for w in caught:
        for m in _BAD_LINE_RE.finditer(str(w.message)):
            yield RawRecord(source=source, locator=f"{source}:line {m[1]}",
                            issues=[Issue("malformed_row", f"line {m[1]}: {m[2].strip()}")])


def _parquet_records(path: Path, source: str, mapping: Mapping, explicit: set[str], *,
                     chunksize: int) -> Iterator[RawRecord]:
    """Parquet rows, one record batch at a time."""
    try:
        pf = pq.ParquetFile(path, pre_buffer=False)  # pre-buffering keeps every batch read (RSS grows)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise IngestError(f"{source}: byte 0: unreadable Parquet file ({type(exc).__name__}: {str(exc)[:120]})") from None
    cols = resolve_columns([str(c) for c in pf.schema_arrow.names], mapping, explicit, source)
    row_no = 0
    for batch in pf.iter_batches(batch_size=chunksize):
        for row in pa.Table.from_batches([batch]).to_pandas().to_dict("records"):
            row_no += 1
            yield _row_record(source, f"{source}:row {row_no}", row, cols, [])


def _records(root: Path, metadata: Path | None, fmt: str | None, mapping: Mapping, explicit: set[str],
             chunksize: int) -> Iterator[RawRecord]:
    """Records of a file or folder, incrementally for the formats of :data:`STREAM_FORMATS`."""
    if root.is_file():
        with root.open("rb") as fh:
            head = fh.read(65536)
        kind = fmt or detect_format(root, head)
        source = root.name
        if head.strip() and kind == "parquet":
            return _parquet_records(root, source, mapping, explicit, chunksize=chunksize)
        if head.strip() and metadata is None and kind in ("csv", "tsv") and _plain_utf8(root):
            return _csv_records(root, source, mapping, explicit, sep="\t" if kind == "tsv" else ",",
                                chunksize=chunksize)
        if (head.strip() and metadata is None and kind == "jsonl" and not head.lstrip().startswith(b"[")
                and _plain_utf8(root)):
            return _jsonl_records(root, source, mapping, explicit)
    return _ingest._discover(root, metadata, fmt, mapping, explicit)


def _digest(s: str) -> int:
    return int.from_bytes(bytes.fromhex(s)[:8], "big")


class _StreamState:
    """What must be remembered across chunks: used ids and the digests of the texts seen."""

    def __init__(self, check_duplicates: bool):
        self.check_duplicates = check_duplicates
        self.seen_ids: dict[str, tuple[int, str]] = {}
        self.exact: dict[int, str] = {}
        self.near: dict[int, tuple[int, str]] = {}

    def take_id(self, row: dict, rec: RawRecord) -> None:
        aid = row["article_id"]
        if aid in self.seen_ids:
            count, first_loc = self.seen_ids[aid]
            new_id = f"{aid}#{count + 1}"
            while new_id in self.seen_ids:
                count += 1
                new_id = f"{aid}#{count + 1}"
            self.seen_ids[aid] = (count + 1, first_loc)
            rec.issues.append(Issue("duplicate_id", f"id {aid!r} already used by {first_loc}; stored as {new_id!r}"))
            row["article_id"] = new_id
        self.seen_ids.setdefault(row["article_id"], (1, rec.locator))

    def mark(self, row: dict, rec: RawRecord) -> None:
        near_key = row.pop("_near_key")
        if not self.check_duplicates:
            return
        h, n = _digest(row["record_hash"]), _digest(near_key)
        if h in self.exact:
            row["duplicate_of"] = self.exact[h]
            rec.issues.append(Issue("duplicate_text", f"same text as {self.exact[h]!r}"))
        elif n in self.near and self.near[n][0] != h:
            row["duplicate_of"] = self.near[n][1]
            rec.issues.append(Issue("near_duplicate", f"same words as {self.near[n][1]!r} up to case/punctuation/spacing"))
        self.exact.setdefault(h, row["article_id"])
        self.near.setdefault(n, (h, row["article_id"]))


def _chunk_frames(recs: list[RawRecord], opts, state: _StreamState,
                  keep_raw: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Corpus and report rows of a batch of records (the body of ``read_corpus``)."""
    rows: list[dict] = []
    row_of: list[int] = []
    for rec in recs:
        row = _ingest._article(rec, opts)
        if row is None:
            row_of.append(-1)
            continue
        state.take_id(row, rec)
        state.mark(row, rec)
        row_of.append(len(rows))
        rows.append(row)
    return _ingest._tables(recs, rows, row_of, keep_raw=keep_raw)


def iter_corpus(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    chunksize: int = 2000,
    format: str | None = None,  # noqa: A002 - the name read_corpus uses
    preset: str = "default",
    columns: Mapping[str, str | list[str]] | None = None,
    dayfirst: bool | None = None,
    max_line_chars: int = 100_000,
    keep_raw: bool = True,
    outlets: pd.DataFrame | None = None,
    check_duplicates: bool = True,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Read a corpus in chunks: ``(corpus_chunk, report_chunk)`` pairs.

    Parameters
    ----------
    path, metadata, format, preset, columns, dayfirst, max_line_chars, keep_raw, outlets
        As for :func:`kazframe.ingest.read_corpus`.
    chunksize : int
        Records (discovered, rejected ones included) per chunk.
    check_duplicates : bool
        Flag exact and near duplicates of earlier records (see the module docstring).

    Yields
    ------
    corpus_chunk : pandas.DataFrame
        The article table rows of the chunk's records that are not rejected (same columns
        as ``read_corpus``).
    report_chunk : pandas.DataFrame
        One report row per record of the chunk. Every record is in exactly one chunk, so
        the concatenated reports conserve counts as ``read_corpus``'s report does.

    Raises
    ------
    IngestError
        As ``read_corpus``; also for ``chunksize < 1``.
    """
    if chunksize < 1:
        raise IngestError(f"chunksize={chunksize}: must be at least 1")
    root = Path(path)
    if not root.exists():
        raise IngestError(f"{root}: path: does not exist")
    meta_path = Path(metadata) if metadata is not None else None
    settings = _ingest.load_settings()
    mapping, explicit = _ingest._resolve_mapping(preset, columns, settings)
    opts = _ingest._Options(dayfirst, max_line_chars, keep_raw, outlets, settings["languages"])
    state = _StreamState(check_duplicates)
    batch: list[RawRecord] = []
    for rec in _records(root, meta_path, format, mapping, explicit, chunksize):
        batch.append(rec)
        if len(batch) >= chunksize:
            yield _chunk_frames(batch, opts, state, keep_raw)
            batch = []
    if batch:
        yield _chunk_frames(batch, opts, state, keep_raw)


def _is_article_table(path: Path) -> bool:
    if path.suffix.lower() != ".parquet" or not path.is_file():
        return False
    try:
        names = set(pq.ParquetFile(path).schema_arrow.names)
    except Exception:  # not a readable Parquet file: let the ingest readers report it
        return False
    return set(CORPUS_COLUMNS) <= names


def iter_article_table(path: str | Path, *, chunksize: int = 2000) -> Iterator[pd.DataFrame]:
    """Chunks of an article table saved as Parquet (e.g. by ``kazframe ingest``).

    Parameters
    ----------
    path : str or Path
        A Parquet file with the columns of :data:`kazframe.corpus.CORPUS_COLUMNS`.
    chunksize : int
        Rows per chunk.

    Yields
    ------
    pandas.DataFrame
        Article table rows, as written (offset maps included).
    """
    pf = pq.ParquetFile(path, pre_buffer=False)  # pre-buffering keeps every batch read (RSS grows)
    missing = set(CORPUS_COLUMNS) - set(pf.schema_arrow.names)
    if missing:
        raise IngestError(f"{path}: not an article table: no column(s) {sorted(missing)}")
    for batch in pf.iter_batches(batch_size=chunksize):
        yield pa.Table.from_batches([batch]).to_pandas()


# --- labelling in chunks --------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamSummary:
    """What :func:`label_stream` returns: where the tables are, totals and per-bloc sums.

    Only fixed-size aggregates are held in memory; the per-article tables are written to
    Parquet beside the matches while streaming and read back on access, so a corpus of any
    size is summarised in bounded memory.

    Attributes
    ----------
    out_path : Path
        The matches Parquet file (columns of :func:`kazframe.label.label`).
    n_articles, n_matches : int
        Articles labelled and matches written.
    blocs : pandas.DataFrame
        ``bloc, n_articles, n_words, n_matches``: word and match totals per bloc.
    report : pandas.DataFrame
        ``status, reason, n_records``: the ingest report summarised (empty when chunks
        were given instead of a path).
    articles_path, counts_path : Path
        Parquet files of :attr:`articles` and :attr:`counts` (``<out>.articles.parquet``,
        ``<out>.counts.parquet``).
    """

    out_path: Path
    n_articles: int
    n_matches: int
    blocs: pd.DataFrame
    report: pd.DataFrame
    articles_path: Path
    counts_path: Path

    @property
    def articles(self) -> pd.DataFrame:
        """One row per article: ``article_id, outlet, bloc, date, language, n_words,
        n_matches`` (what :func:`kazframe.compare.rates` needs from the corpus), read from
        :attr:`articles_path`."""
        return pd.read_parquet(self.articles_path)

    @property
    def counts(self) -> pd.DataFrame:
        """``article_id, category, voice, n_mentions``: matches per article, category and
        voice (rows with zero mentions left out), read from :attr:`counts_path`."""
        return pd.read_parquet(self.counts_path)


_ARTICLE_COLUMNS = ("article_id", "outlet", "bloc", "date", "language", "n_words")
_ARTICLE_SCHEMA = pa.schema([*((c, pa.string()) for c in _ARTICLE_COLUMNS[:-1]),
                             ("n_words", pa.int64()), ("n_matches", pa.int64())])
_COUNT_SCHEMA = pa.schema([("article_id", pa.string()), ("category", pa.string()), ("voice", pa.string()),
                           ("n_mentions", pa.int64())])
_BLOC_SUMS = ("n_articles", "n_words", "n_matches")


def _article_table(articles: pd.DataFrame) -> pa.Table:
    """The per-article rows of a chunk in :data:`_ARTICLE_SCHEMA`: text columns of any type
    (a datetime ``date``, a numeric ``outlet``) are written as strings, missing stays missing."""
    fixed = {}
    for field in _ARTICLE_SCHEMA:
        values = articles[field.name]
        if field.type == pa.string() and not pd.api.types.is_string_dtype(values):
            fixed[field.name] = values.map(lambda v: None if pd.isna(v) else str(v)).astype(object)
    if fixed:
        articles = articles.assign(**fixed)
    return pa.Table.from_pandas(articles, schema=_ARTICLE_SCHEMA, preserve_index=False)


def sidecar_paths(out_path: str | Path) -> tuple[Path, Path]:
    """``(articles, counts)`` Parquet paths written beside a matches file by :func:`label_stream`."""
    out_path = Path(out_path)
    stem = out_path.name[: -len(".parquet")] if out_path.name.endswith(".parquet") else out_path.name
    return out_path.with_name(f"{stem}.articles.parquet"), out_path.with_name(f"{stem}.counts.parquet")

# Per-process state of pool workers (set once by _init_worker).
_WORKER: dict[str, object] = {}


def _init_worker(lexicon: Lexicon, speakers: SpeakerRegistry, voice: bool) -> None:
    lexicon.find("")  # compile the automaton once per worker
    _WORKER["lexicon"] = lexicon
    _WORKER["speakers"] = speakers
    _WORKER["voice"] = voice


def _worker_label(chunk: pd.DataFrame) -> pd.DataFrame:
    return label(chunk, _WORKER["lexicon"], speakers=_WORKER["speakers"],  # type: ignore[arg-type]
                 voice=bool(_WORKER["voice"]), progress=False)


def _chunks_of(path_or_chunks, chunksize: int, report_counts: Counter) -> Iterator[pd.DataFrame]:
    if isinstance(path_or_chunks, (str, Path)):
        path = Path(path_or_chunks)
        if _is_article_table(path):
            yield from iter_article_table(path, chunksize=chunksize)
            return
        for corpus, report in iter_corpus(path, chunksize=chunksize):
            for (status, reason), n in _ingest.summarize_report(report).set_index(["status", "reason"])["n_records"].items():
                report_counts[(status, reason)] += int(n)
            yield corpus
        return
    for item in path_or_chunks:
        yield item[0] if isinstance(item, tuple) else item


def _labelled(chunks: Iterator[pd.DataFrame], lexicon: Lexicon, speakers: SpeakerRegistry,
              processes: int, voice: bool) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """``(chunk, matches)`` in corpus order; with a pool, at most ``2 * processes`` chunks in flight."""
    if processes <= 1:
        for chunk in chunks:
            yield chunk, label(chunk, lexicon, speakers=speakers, voice=voice, progress=False)
        return
    with multiprocessing.get_context().Pool(processes, initializer=_init_worker,
                                            initargs=(lexicon, speakers, voice)) as pool:
        pending: list[tuple[pd.DataFrame, multiprocessing.pool.AsyncResult]] = []
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_worker_label, (chunk,))))
            if len(pending) >= 2 * processes:
                done, result = pending.pop(0)
                yield done, result.get()
        for done, result in pending:
            yield done, result.get()


def _match_table(matches: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(matches.loc[:, list(MATCH_SCHEMA.names)], schema=MATCH_SCHEMA,
                                preserve_index=False)


def label_stream(
    path_or_chunks: str | Path | Iterable[pd.DataFrame],
    out_path: str | Path,
    *,
    chunksize: int = 500,
    lexicon: Lexicon | None = None,
    speakers: SpeakerRegistry | None = None,
    processes: int = 1,
    progress: bool = True,
    voice: bool = True,
) -> StreamSummary:
    """Label a corpus chunk by chunk, writing the matches to Parquet and counting as it goes.

    Parameters
    ----------
    path_or_chunks : str, Path or iterable of DataFrame
        A corpus file or folder (read with :func:`iter_corpus`), an article table saved as
        Parquet (read with :func:`iter_article_table`), or an iterable of article-table
        chunks (or of ``(corpus, report)`` pairs, as :func:`iter_corpus` yields).
    out_path : str or Path
        The matches Parquet file to write (one row group per chunk with matches).
    chunksize : int
        Records per chunk when reading a path. With ``processes`` workers, ``2 * processes``
        chunks are in flight; the parent's peak memory grows with ``chunksize`` (about 390 MB
        at 500, 490 MB at 1,000 and 630 MB at 2,000 articles of ~4.7 KB with two workers,
        ``benchmarks/README.md``), not with the corpus size.
    lexicon : Lexicon, optional
        Default: the shipped lexicon.
    speakers : SpeakerRegistry, optional
        Default: the shipped speaker registry.
    processes : int
        Worker processes labelling chunks (1: in this process).
    progress : bool
        Show a progress bar (tqdm, on stderr: a terminal or a notebook cell).
    voice : bool
        Passed to :func:`~kazframe.label.label` (``False``: terms only, no voice model).

    Returns
    -------
    StreamSummary
        The output paths, totals and per-bloc sums. Reading ``out_path`` back gives exactly
        ``label(corpus)`` for the whole corpus (same rows, order and values); the per-article
        tables are written beside it (:func:`sidecar_paths`) and read on access.
    """
    if processes < 1:
        raise ValueError(f"processes={processes}: must be at least 1")
    lexicon = lexicon if lexicon is not None else load_lexicon()
    if voice:
        speakers = speakers if speakers is not None else SpeakerRegistry.load()
    out_path = Path(out_path)
    articles_path, counts_path = sidecar_paths(out_path)
    report_counts: Counter = Counter()
    bloc_sums: dict[str, list[int]] = {}
    n_articles = n_matches = 0
    writers = [pq.ParquetWriter(path, schema) for path, schema in
               ((out_path, MATCH_SCHEMA), (articles_path, _ARTICLE_SCHEMA), (counts_path, _COUNT_SCHEMA))]
    match_writer, article_writer, count_writer = writers
    bar = tqdm(unit="article", desc="label", disable=not progress)
    try:
        chunks = _chunks_of(path_or_chunks, chunksize, report_counts)
        for chunk, matches in _labelled(chunks, lexicon, speakers, processes, voice):
            if len(matches):
                match_writer.write_table(_match_table(matches))
            per_article = matches.groupby("article_id", sort=False).size()
            articles = chunk.loc[:, list(_ARTICLE_COLUMNS)].assign(
                n_matches=chunk["article_id"].map(per_article).fillna(0).astype("int64"))
            article_writer.write_table(_article_table(articles))
            counts = (matches.groupby(["article_id", "category", "voice"], sort=False, dropna=False)
                      .size().rename("n_mentions").reset_index())
            if len(counts):
                count_writer.write_table(pa.Table.from_pandas(counts, schema=_COUNT_SCHEMA,
                                                              preserve_index=False))
            for bloc, sums in articles.groupby("bloc", sort=False).agg(
                    n_articles=("article_id", "size"), n_words=("n_words", "sum"),
                    n_matches=("n_matches", "sum")).iterrows():
                total = bloc_sums.setdefault(bloc, [0, 0, 0])
                for k, name in enumerate(_BLOC_SUMS):
                    total[k] += int(sums[name])
            n_articles += len(chunk)
            n_matches += len(matches)
            bar.update(len(chunk))
    finally:
        bar.close()
        for writer in writers:
            writer.close()
    blocs = pd.DataFrame([(b, *sums) for b, sums in sorted(bloc_sums.items())], columns=["bloc", *_BLOC_SUMS])
    blocs = blocs.astype({c: "int64" for c in _BLOC_SUMS})
    report = pd.DataFrame([(s, r, n) for (s, r), n in sorted(report_counts.items())],
                          columns=["status", "reason", "n_records"])
    return StreamSummary(out_path, n_articles, n_matches, blocs, report, articles_path, counts_path)


# --- Dask -----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _default_models() -> tuple[Lexicon, SpeakerRegistry]:
    lexicon = load_lexicon()
    lexicon.find("")
    return lexicon, SpeakerRegistry.load()


def match_meta() -> pd.DataFrame:
    """Empty matches table with the columns and dtypes :func:`label_partition` returns (Dask ``meta``)."""
    return pd.DataFrame({
        f.name: pd.Series(dtype="int64" if pa.types.is_integer(f.type) else "bool" if pa.types.is_boolean(f.type) else "str")
        for f in MATCH_SCHEMA
    })


def _decode_offsets(corpus: pd.DataFrame) -> pd.DataFrame:
    """Offset maps turned into strings (Dask's ``dataframe.convert-string``) read back as JSON."""
    fixes = {}
    for col in ("title_offsets", "text_offsets"):
        values = corpus[col]
        if len(values) and isinstance(values.iloc[0], str):
            try:
                fixes[col] = [json.loads(v) for v in values]
            except json.JSONDecodeError:
                raise ValueError(
                    f"{col} holds strings that are not JSON offset maps ({values.iloc[0][:40]!r}); run Dask "
                    "with dask.config.set({'dataframe.convert-string': False})") from None
    return corpus.assign(**fixes) if fixes else corpus


def label_partition(corpus: pd.DataFrame, lexicon: Lexicon | None = None,
                    speakers: SpeakerRegistry | None = None, voice: bool = True) -> pd.DataFrame:
    """:func:`kazframe.label.label` for one partition of an article table (for Dask).

    Parameters
    ----------
    corpus : pandas.DataFrame
        A partition of the article table.
    lexicon, speakers : optional
        Default: the shipped ones, loaded once per worker process.
    voice : bool
        Passed to :func:`~kazframe.label.label`.

    Returns
    -------
    pandas.DataFrame
        The partition's matches, with the columns and dtypes of :func:`match_meta`.

    Examples
    --------
    >>> import dask.dataframe as dd  # doctest: +SKIP
    >>> ddf = dd.from_pandas(corpus, npartitions=8)  # doctest: +SKIP
    >>> matches = ddf.map_partitions(label_partition, meta=match_meta()).compute()  # doctest: +SKIP
    """
    if lexicon is None or speakers is None:
        default_lexicon, default_speakers = _default_models()
        lexicon = lexicon if lexicon is not None else default_lexicon
        speakers = speakers if speakers is not None else default_speakers
    corpus = _decode_offsets(corpus)
    matches = label(corpus, lexicon, speakers=speakers, voice=voice, progress=False)
    meta = match_meta()
    return matches.astype(meta.dtypes.to_dict())
