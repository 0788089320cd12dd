"""Labeling: the matches table contract, offsets into the raw files, and validation against gold."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import gold_voice, shared_path

import kazframe
from kazframe.corpus import read_raw
from kazframe.evaluate import CodingError, evaluate, read_coding, to_codebook
from kazframe.label import MATCH_COLUMNS, kwic, kwic_html, label
from kazframe.lexicon import load_lexicon

CODEBOOK_VALUES = {
    "voice": {"own", "quoted", "reported"},
    "speaker_group": {"", "kz_gov", "ru_gov", "ru_media", "western_gov", "intl_org", "expert", "citizen",
                      "media", "unknown"},
}


@pytest.fixture(scope="module")
def matches(corpus):
    return label(corpus)


def test_matches_have_the_stable_columns_and_codebook_values(matches):
    assert list(matches.columns[: len(MATCH_COLUMNS)]) == list(MATCH_COLUMNS)
    assert set(matches["voice"]) <= CODEBOOK_VALUES["voice"]
    assert set(matches["speaker_group"]) <= CODEBOOK_VALUES["speaker_group"]
    assert matches["short_quote"].dtype == bool
    own = matches[matches["voice"] == "own"]
    assert (own["speaker"] == "").all() and (own["speaker_group"] == "").all()
    assert not matches.loc[matches["short_quote"], "voice"].ne("quoted").any()


def test_every_match_points_at_its_text_in_the_raw_file(matches):
    for src, group in matches.groupby("source_file"):
        raw = read_raw(src)
        for m in group.itertuples():
            assert raw[m.start : m.end] == m.text


def test_every_match_records_the_lexicon_version(matches):
    assert set(matches["lexicon_version"]) == {load_lexicon().version}


def test_sentence_ids_are_sentences_of_the_article(corpus, matches):
    from kazframe.text import sentence_spans

    n_sent = {a.article_id: len(sentence_spans(a.title)) + len(sentence_spans(a.text)) for a in corpus.itertuples()}
    assert (matches["sentence_id"] < matches["article_id"].map(n_sent)).all()
    assert (matches["sentence_id"] >= 0).all()


def test_captions_and_furniture_are_never_labeled(matches):
    # 000 line 170 is a photo caption with "protests"; 004 lines 59-95 are unrelated teasers.
    raw = read_raw("000_d5d94fbe56db05e6.txt")
    caption_start = raw.index("A candle and flowers")
    caption_end = raw.index("\n", caption_start)
    m000 = matches[matches["source_file"] == "000_d5d94fbe56db05e6.txt"]
    assert not ((m000["start"] >= caption_start) & (m000["end"] <= caption_end)).any()
    teaser = read_raw("004_4555abe7f80cb0dd.txt").index("Diplomacy Watch")
    assert not ((matches["source_file"] == "004_4555abe7f80cb0dd.txt") & (matches["start"] > teaser)).any()


def test_a_researcher_can_override_the_lexicon_in_a_notebook(corpus):
    lex = load_lexicon().with_entries(
        [{"entry": "single_centre", "category": "orchestration", "concept": "single_centre",
          "language": "en", "terms": ["single centre", "single center", "one centre"]},
         {"entry": "checkpoint", "category": "repression", "concept": "checkpoint", "language": "en",
          "terms": ["checkpoint*"]}]
    )
    matches = label(corpus, lex)
    assert (matches["entry"] == "checkpoint").sum() >= 2
    assert set(matches["lexicon_version"]) == {lex.version}
    assert lex.version != load_lexicon().version


def test_a_corpus_without_terms_gives_an_empty_table_with_the_columns(corpus):
    empty = corpus.head(1).assign(title="Nothing here", text="The weather was fine.")
    out = label(empty)
    assert out.empty and list(out.columns[: len(MATCH_COLUMNS)]) == list(MATCH_COLUMNS)


def test_voice_examples_read_off_the_seed_pages(matches):
    """Hand-read examples (codebook section 3), independent of the gold files."""
    def voice_of(src, phrase, word):
        raw = read_raw(src)
        start = raw.index(phrase) + phrase.index(word)
        row = matches[(matches["source_file"] == src) & (matches["start"] <= start) & (matches["end"] > start)]
        assert len(row) == 1, (phrase, word)
        return row.iloc[0]

    a2 = "000_d5d94fbe56db05e6.txt"
    # "Armed militants who were waiting in the wings ..." ... Mr Tokayev said.  -> quoted, Tokayev
    r = voice_of(a2, '"Armed militants who', "militants")
    assert (r.voice, r.speaker_group) == ("quoted", "kz_gov")
    # A hunt for "terrorists" was continuing ... he added -> scare quote
    r = voice_of(a2, 'A hunt for "terrorists"', "terrorists")
    assert (r.voice, r.short_quote) == ("quoted", True)
    # President Putin said Kazakhstan had been targeted by international terrorism -> reported, ru_gov
    r = voice_of(a2, "targeted by international terrorism", "terrorism")
    assert (r.voice, r.speaker_group) == ("reported", "ru_gov")
    # The protests started on 2 January -> own
    assert voice_of(a2, "The protests started on 2 January", "protests").voice == "own"


# --- validation against the hand coding ---------------------------------------------


def _gold_paths():
    return sorted(shared_path("gold").glob("voice_*.csv"))


def test_evaluate_against_gold_meets_the_bars(matches):
    scores = evaluate(matches, _gold_paths())
    print("\n" + scores.to_string(index=False))
    get = scores.set_index(["field", "label", "metric"])["value"]
    assert get[("term", "all", "f1")] >= 0.98
    assert get[("voice", "macro", "f1")] >= 0.93
    assert get[("speaker_group", "all", "accuracy")] >= 0.85


def test_evaluate_of_a_coding_against_itself_is_perfect():
    gold = gold_voice()
    scores = evaluate(gold, gold).set_index(["field", "label", "metric"])["value"]
    assert scores[("term", "all", "f1")] == 1.0
    assert scores[("voice", "macro", "f1")] == 1.0
    assert scores[("voice", "all", "krippendorff_alpha")] == 1.0


def test_evaluate_hand_worked_two_coders():
    """Two coders, four words: B misses one word, adds one caption word, disagrees on one voice."""
    def row(start, voice, region="body"):
        return {"seed": "f.txt", "start": start, "end": start + 4, "text": "riot", "region": region,
                "article": "X1", "framing": "yes", "voice": voice, "short_quote": "no", "speaker": "",
                "speaker_group": ""}

    a = pd.DataFrame([row(0, "own"), row(10, "quoted"), row(20, "reported"), row(30, "own")])
    b = pd.DataFrame([row(0, "own"), row(10, "reported"), row(20, "reported"), row(40, "own", "caption")])
    scores = evaluate(b, a).set_index(["field", "label", "metric"])["value"]
    # b's positives: 0, 10, 20 (40 is a caption); all three in a -> precision 3/3; a has 4 -> recall 3/4
    assert scores[("term", "all", "precision")] == 1.0
    assert scores[("term", "all", "recall")] == 0.75
    # voice on the 3 aligned words: own 1/1; quoted: 0 predicted, 1 true -> f1 0; reported: P 1/2 R 1/1
    assert scores[("voice", "own", "f1")] == 1.0
    assert scores[("voice", "quoted", "f1")] == 0.0
    assert scores[("voice", "reported", "f1")] == pytest.approx(2 / 3)
    assert scores[("voice", "macro", "f1")] == pytest.approx((1 + 0 + 2 / 3) / 3)


def test_to_codebook_splits_multiword_matches_into_codebook_words(matches):
    coding = to_codebook(matches)
    assert not coding.empty
    raw = {s: read_raw(s) for s in coding["seed"].unique()}
    assert all(raw[r.seed][r.start : r.end] == r.text for r in coding.itertuples())
    # "anti-terrorist operation" yields the row "anti-terrorist"; "troops" yields none
    assert "anti-terrorist" in set(coding["text"])
    assert "troops" not in set(coding["text"])


def test_read_coding_names_file_row_and_reason(tmp_path):
    path = tmp_path / "coder_b.csv"
    good = "seed,start,end,text,region,article,framing,voice,short_quote,speaker,speaker_group\n"
    path.write_text(good + "f.txt,0,4,riot,body,X1,yes,own,no,,\nf.txt,5,9,coup,body,X1,yes,loud,no,,\n")
    with pytest.raises(CodingError, match=r"coder_b.csv: row 3: voice 'loud'"):
        read_coding(path)


# --- keyword in context ------------------------------------------------------------------


def test_kwic_filters_and_shows_context(corpus, matches):
    table = kwic(matches, corpus, entry="terrorist", voice="own")
    assert len(table) == ((matches["entry"] == "terrorist") & (matches["voice"] == "own")).sum()
    assert set(table["voice"]) == {"own"}
    for r in table.itertuples():
        assert r.match.lower().startswith("terror")
        assert "\n" not in r.left and "\n" not in r.right
    western = kwic(matches, corpus, bloc="western")
    assert set(western["bloc"]) == {"western"}


def test_kwic_rejects_an_unknown_filter_column(corpus, matches):
    with pytest.raises(KeyError, match="colour"):
        kwic(matches, corpus, colour="red")


def test_kwic_html_escapes_article_text(corpus, matches):
    table = kwic(matches, corpus).head(3).assign(left="<script>alert(1)</script>")
    out = kwic_html(table)
    assert "<script>" not in out and "&lt;script&gt;" in out and "<mark>" in out


def test_public_api_is_exported():
    for name in ["load_corpus", "label", "kwic", "evaluate", "load_lexicon"]:
        assert callable(getattr(kazframe, name))


def test_offsets_of_an_ingested_corpus_point_into_its_own_raw_text(tmp_path):
    """Soft hyphens and zero-width characters inside terms: still matched, offsets still right."""
    (tmp_path / "000_d5d94fbe56db05e6.txt").write_text(  # same name as a seed file: must not be confused
        "Title here\n\nThe pro\u00adtesters met Terror\u200bists. \"They are terror\u00adists,\" he said.\n",
        encoding="utf-8")
    corpus, _ = kazframe.read_corpus(tmp_path)
    matches = label(corpus)
    raw = corpus.loc[0, "raw_text"]
    assert [m.text for m in matches.itertuples()] == ["pro\u00adtesters", "Terror\u200bists", "terror\u00adists"]
    assert all(raw[m.start : m.end] == m.text for m in matches.itertuples())
    assert list(matches["voice"]) == ["own", "own", "quoted"]


def test_label_progress_bar_only_when_asked_or_large(capfd):
    corpus = kazframe.load_corpus()
    kazframe.label(corpus, progress=True)
    assert f"{len(corpus)}/{len(corpus)}" in capfd.readouterr().err
    kazframe.label(corpus)  # 7 articles: below PROGRESS_MIN_ARTICLES, no bar by default
    assert capfd.readouterr().err == ""
