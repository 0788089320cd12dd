"""The command line: ingest, label, help, exit codes and confined outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import kazframe
from kazframe.cli import main
from kazframe.ingest import read_corpus
from kazframe.label import label


@pytest.fixture()
def jsonl(tmp_path):
    corpus = kazframe.load_corpus().head(3)
    path = tmp_path / "in.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for art in corpus.itertuples(index=False):
            fh.write(json.dumps({"id": art.article_id, "outlet": art.outlet, "date": art.date,
                                 "title": art.title, "text": art.text}) + "\n")
    return path


def test_ingest_then_label(jsonl, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["ingest", str(jsonl), "--out", str(out)]) == 0
    corpus, report = read_corpus(jsonl)
    written = pd.read_parquet(out / "corpus.parquet")
    assert written["article_id"].tolist() == corpus["article_id"].tolist()
    assert written["text"].tolist() == corpus["text"].tolist()
    assert pd.read_csv(out / "ingest_report.csv", keep_default_na=False)["status"].tolist() == report["status"].tolist()

    matches_path = out / "matches.parquet"
    assert main(["label", str(out / "corpus.parquet"), "--out", str(matches_path), "--quiet",
                 "--chunksize", "2"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(matches_path), label(corpus))
    # labelling the JSONL directly gives the same matches
    assert main(["label", str(jsonl), "--out", str(tmp_path / "m2.parquet"), "--quiet"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "m2.parquet"), label(corpus))
    assert "match(es) in 3 article(s)" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["ingest", "{tmp}/missing", "--out", "{tmp}/o"], "no such file"),
    (["label", "{tmp}/missing.jsonl", "--out", "{tmp}/m.parquet"], "no such file"),
    (["label", "{jsonl}", "--out", "{tmp}/m.csv"], "must end in .parquet"),
    (["label", "{jsonl}", "--out", "{tmp}/m.parquet", "--processes", "0"], "at least 1"),
    (["ingest", "{jsonl}", "--out", "{tmp}/o", "--format", "docx"], "invalid choice"),
    (["ingest", "{jsonl}", "--out", "{tmp}/o", "--format", "csv"], "no text column"),
])
def test_user_errors_exit_2_with_one_line(argv, message, jsonl, tmp_path, capsys):
    argv = [a.format(tmp=tmp_path, jsonl=jsonl) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert "Traceback" not in err


def test_output_is_confined(jsonl, tmp_path):
    outside = tmp_path / "elsewhere.parquet"
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "matches.parquet").symlink_to(outside)
    assert main(["label", str(jsonl), "--out", str(folder / "matches.parquet"), "--quiet"]) == 2
    assert not outside.exists()


def test_help_for_every_command(capsys):
    for argv in (["--help"], ["ingest", "--help"], ["label", "--help"], ["figures", "--help"]):
        assert main(argv) == 0
        assert "usage: kazframe" in capsys.readouterr().out


def test_python_m_kazframe_help():
    done = subprocess.run([sys.executable, "-m", "kazframe", "--help"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0
    for command in ("ingest", "label", "figures"):
        assert command in done.stdout


def test_label_no_voice(jsonl, tmp_path, capsys):
    out = tmp_path / "terms.parquet"
    assert main(["label", str(jsonl), "--out", str(out), "--quiet", "--no-voice"]) == 0
    corpus, _ = read_corpus(jsonl)
    pd.testing.assert_frame_equal(pd.read_parquet(out), label(corpus, voice=False))
    assert (tmp_path / "terms.articles.parquet").exists() and (tmp_path / "terms.counts.parquet").exists()
    assert "terms.articles.parquet" in capsys.readouterr().out


def test_ingest_and_label_show_progress_unless_quiet(jsonl, tmp_path, capfd):
    assert main(["ingest", str(jsonl), "--out", str(tmp_path / "a")]) == 0
    err = capfd.readouterr().err
    assert "ingest: " in err and "3record" in err.replace(" ", "")
    assert main(["label", str(tmp_path / "a" / "corpus.parquet"), "--out", str(tmp_path / "m.parquet")]) == 0
    assert "3article" in capfd.readouterr().err.replace(" ", "")
    assert main(["ingest", str(jsonl), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert main(["label", str(tmp_path / "b" / "corpus.parquet"), "--out", str(tmp_path / "n.parquet"),
                 "--quiet"]) == 0
    assert capfd.readouterr().err == ""


def test_read_corpus_progress(jsonl, capfd):
    read_corpus(jsonl)
    assert capfd.readouterr().err == ""
    read_corpus(jsonl, progress=True)
    assert "read: " in capfd.readouterr().err
