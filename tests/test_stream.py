"""Streaming ingest and labelling give exactly the in-memory results, chunk by chunk."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import kazframe
from kazframe.ingest import IngestError, read_corpus
from kazframe.label import label
from kazframe.stream import (
    MATCH_SCHEMA,
    iter_article_table,
    iter_corpus,
    label_partition,
    label_stream,
    match_meta,
    sidecar_paths,
)

DATA = Path(__file__).resolve().parent / "data"


def _records() -> list[dict]:
    """Records cut from the seed articles (three paragraphs each), plus the awkward cases."""
    corpus = kazframe.load_corpus()
    records = []
    for art in corpus.itertuples(index=False):
        paras = art.text.split("\n\n")
        for k in range(0, len(paras), 3):
            records.append({"id": f"{art.article_id}-{k // 3}", "outlet": art.outlet, "date": art.date,
                            "title": art.title if k == 0 else "", "text": "\n\n".join(paras[k:k + 3]),
                            "language": art.language})
    ru = (DATA / "ru_article.txt").read_text(encoding="utf-8")
    title, _, body = ru.partition("\n")
    records.append({"id": "RU1", "outlet": "TASS", "date": "2022-01-07", "title": title, "text": body,
                    "language": "ru"})
    # An exact duplicate (later date, so the first copy is canonical in both readers),
    # a reused id, an empty text.
    records.append({**records[0], "id": "DUP", "date": "2022-02-01"})
    records.append({**records[3], "title": "Reused id"})
    records.append({"id": "EMPTY", "outlet": "BBC", "date": "2022-01-06", "title": "x", "text": ""})
    return records


@pytest.fixture(scope="module")
def jsonl_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stream") / "corpus.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in _records()]
    lines.insert(5, "{not json")  # a malformed line: rejected, reported with its line number
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def in_memory(jsonl_path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    corpus, report = read_corpus(jsonl_path)
    return corpus, report, label(corpus)


def _concat(chunks):
    chunks = list(chunks)
    return (pd.concat([c for c, _ in chunks], ignore_index=True),
            pd.concat([r for _, r in chunks], ignore_index=True), len(chunks))


def test_iter_corpus_jsonl_equals_read_corpus(jsonl_path, in_memory):
    corpus, report, _ = in_memory
    streamed, streamed_report, n_chunks = _concat(iter_corpus(jsonl_path, chunksize=7))
    assert n_chunks == -(-len(report) // 7)  # every record (rejected included) in one chunk
    pd.testing.assert_frame_equal(streamed, corpus)
    pd.testing.assert_frame_equal(streamed_report, report)
    # the awkward records are reported as read_corpus reports them
    assert set(report["status"]) >= {"rejected", "flagged"}
    assert (corpus["duplicate_of"] != "").sum() >= 1


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet"])
def test_iter_corpus_tables_equal_read_corpus(tmp_path, fmt):
    table = pd.DataFrame(_records())
    path = tmp_path / f"corpus.{fmt}"
    if fmt == "parquet":
        table.to_parquet(path, index=False)
    else:
        table.to_csv(path, index=False, sep="\t" if fmt == "tsv" else ",")
    corpus, report = read_corpus(path)
    streamed, streamed_report, n_chunks = _concat(iter_corpus(path, chunksize=5))
    assert n_chunks > 1
    pd.testing.assert_frame_equal(streamed, corpus)
    pd.testing.assert_frame_equal(streamed_report, report)


def test_iter_corpus_folder_of_text_files():
    raw = kazframe.paths.RAW_DIR
    corpus, report = read_corpus(raw)
    streamed, streamed_report, _ = _concat(iter_corpus(raw, chunksize=2))
    pd.testing.assert_frame_equal(streamed, corpus)
    pd.testing.assert_frame_equal(streamed_report, report)


def test_iter_corpus_errors(tmp_path, jsonl_path):
    with pytest.raises(IngestError, match="does not exist"):
        next(iter_corpus(tmp_path / "missing.jsonl"))
    with pytest.raises(IngestError, match="chunksize"):
        next(iter_corpus(jsonl_path, chunksize=0))


@pytest.mark.parametrize("processes", [1, 2])
def test_label_stream_equals_label(jsonl_path, in_memory, tmp_path, processes):
    corpus, report, matches = in_memory
    out = tmp_path / "matches.parquet"
    summary = label_stream(jsonl_path, out, chunksize=6, processes=processes, progress=False)
    written = pd.read_parquet(out)
    pd.testing.assert_frame_equal(written, matches)
    assert summary.n_matches == len(matches) > 0
    assert summary.n_articles == len(corpus)
    # aggregates, recomputed independently from the in-memory tables
    expected_counts = matches.groupby(["article_id", "category", "voice"]).size()
    got_counts = summary.counts.set_index(["article_id", "category", "voice"])["n_mentions"]
    assert got_counts.sort_index().to_dict() == expected_counts.sort_index().to_dict()
    blocs = summary.blocs.set_index("bloc")
    assert blocs["n_words"].to_dict() == corpus.groupby("bloc")["n_words"].sum().to_dict()
    assert blocs["n_articles"].to_dict() == corpus["bloc"].value_counts().to_dict()
    assert blocs["n_matches"].sum() == len(matches)
    assert summary.articles["article_id"].tolist() == corpus["article_id"].tolist()
    assert summary.report["n_records"].sum() >= len(report)  # a record counts once per reason
    assert set(summary.report["status"]) == set(report["status"])


def test_label_stream_from_chunks_and_article_table(in_memory, tmp_path):
    corpus, _, matches = in_memory
    chunks = (corpus.iloc[i:i + 4] for i in range(0, len(corpus), 4))
    label_stream(chunks, tmp_path / "a.parquet", progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"), matches)
    table = tmp_path / "corpus.parquet"
    corpus.to_parquet(table, index=False)
    assert sum(len(c) for c in iter_article_table(table, chunksize=5)) == len(corpus)
    label_stream(table, tmp_path / "b.parquet", chunksize=5, progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "b.parquet"), matches)


def test_label_stream_no_matches_writes_empty_file(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "Nothing to see."}) + "\n", encoding="utf-8")
    summary = label_stream(path, tmp_path / "m.parquet", progress=False)
    written = pd.read_parquet(tmp_path / "m.parquet")
    assert summary.n_matches == 0 and len(written) == 0
    assert list(written.columns) == MATCH_SCHEMA.names
    assert summary.articles["n_matches"].tolist() == [0]


def test_label_partition_matches_meta(in_memory):
    corpus, _, matches = in_memory
    part = label_partition(corpus.iloc[:3])
    meta = match_meta()
    assert list(part.columns) == list(meta.columns)
    assert part.dtypes.to_dict() == meta.dtypes.to_dict()
    n = int(matches["article_id"].isin(corpus["article_id"].iloc[:3]).sum())
    pd.testing.assert_frame_equal(part, matches.iloc[:n].reset_index(drop=True), check_dtype=False)


def test_label_stream_keeps_per_article_tables_on_disk(jsonl_path, in_memory, tmp_path):
    """Memory bounded by the chunk: only per-bloc sums are held; per-article tables go to Parquet."""
    corpus, _, matches = in_memory
    out = tmp_path / "m.parquet"
    summary = label_stream(jsonl_path, out, chunksize=4, progress=False)
    assert (summary.articles_path, summary.counts_path) == sidecar_paths(out)
    assert summary.articles_path.name == "m.articles.parquet" and summary.counts_path.name == "m.counts.parquet"
    held = {name: value for name, value in vars(summary).items() if isinstance(value, pd.DataFrame)}
    assert set(held) == {"blocs", "report"}
    assert len(summary.blocs) == corpus["bloc"].nunique()  # one row per bloc, whatever the corpus size
    articles = pd.read_parquet(summary.articles_path)
    assert articles["article_id"].tolist() == corpus["article_id"].tolist()
    assert articles["n_matches"].tolist() == (
        corpus["article_id"].map(matches["article_id"].value_counts()).fillna(0).astype(int).tolist())
    assert articles.dtypes[["n_words", "n_matches"]].tolist() == ["int64", "int64"]
    assert int(pd.read_parquet(summary.counts_path)["n_mentions"].sum()) == len(matches)


def test_label_voice_false_same_terms_no_voice(in_memory, tmp_path, jsonl_path):
    corpus, _, matches = in_memory
    terms = label(corpus, voice=False)
    same = ["article_id", "start", "end", "text", "entry", "sentence_id", "field", "text_start", "text_end"]
    pd.testing.assert_frame_equal(terms[same], matches[same])
    assert terms["voice"].isna().all() and terms["speaker"].isna().all() and terms["speaker_group"].isna().all()
    assert not terms["short_quote"].any()
    assert set(matches["voice"]) == {"own", "quoted", "reported"}  # the full label does set them
    out = tmp_path / "terms.parquet"
    summary = label_stream(jsonl_path, out, chunksize=5, processes=2, voice=False, progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(out), terms)
    counts = summary.counts  # per article and category; voice missing, not a value
    assert counts["voice"].isna().all() and counts["n_mentions"].sum() == len(terms)
    assert (counts.groupby("article_id")["n_mentions"].sum().to_dict()
            == terms.groupby("article_id").size().to_dict())
    pd.testing.assert_frame_equal(label_partition(corpus, voice=False), terms.astype(match_meta().dtypes.to_dict()))


def test_label_stream_article_file_takes_any_column_types(in_memory, tmp_path):
    """Chunks given by the caller may hold a datetime date or a numeric outlet id."""
    corpus, _, matches = in_memory
    chunk = corpus.head(4).assign(date=pd.to_datetime(["2022-01-05", None, "2022-01-06", "2022-01-07"]),
                                  outlet=[101, 102, 103, 104])
    summary = label_stream([chunk], tmp_path / "m.parquet", progress=False)
    articles = summary.articles
    assert articles["outlet"].tolist() == ["101", "102", "103", "104"]
    assert articles["date"].iloc[0].startswith("2022-01-05") and pd.isna(articles["date"].iloc[1])
    assert articles["n_matches"].sum() == matches["article_id"].isin(chunk["article_id"]).sum()


def test_iter_article_table_memory_does_not_grow_with_the_file(in_memory, tmp_path):
    """Arrow memory held while reading stays at about one chunk, however many row groups follow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    corpus = in_memory[0].loc[:, list(kazframe.corpus.CORPUS_COLUMNS)]
    table = pa.Table.from_pandas(corpus, preserve_index=False)
    path = tmp_path / "big.parquet"
    with pq.ParquetWriter(path, table.schema) as writer:
        for _ in range(150):
            writer.write_table(table)
    chunk_bytes = table.nbytes
    peak = 0
    n = 0
    for chunk in iter_article_table(path, chunksize=len(corpus)):
        n += len(chunk)
        peak = max(peak, pa.total_allocated_bytes())
    assert n == 150 * len(corpus)
    assert peak < 10 * chunk_bytes, (peak, chunk_bytes)  # not 150 chunks' worth
