"""FramingVectorizer, the lexicon-aware term vectorizer and their scikit-learn contract."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

from kazframe.lexicon import load_lexicon
from kazframe.vectorize import (
    FramingVectorizer,
    LexiconAnalyzer,
    article_texts,
    make_term_vectorizer,
    match_token,
    tokenize_spans,
)

# Hand-counted against data/lexicon.yaml: rioter (Rioters), looting (looted), riot (riots),
# coup (coup attempt), protest (protests), protester (Protesters, protesters).
SAMPLE = "Rioters looted shops; the riots were a coup attempt, not protests. Protesters and more protesters."
SAMPLE_ENTRIES = {"rioter": 1, "looting": 1, "riot": 1, "coup": 1, "protest": 1, "protester": 2}
SAMPLE_CATEGORIES = {"mob_label": 1, "disorder_event": 2, "coup_event": 1, "protest_event": 1,
                     "protester_actor": 2}


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def as_dict(vec, row) -> dict[str, int]:
    names = vec.get_feature_names_out()
    return {names[j]: int(v) for j, v in zip(row.indices, row.data, strict=True) if v}


def test_article_texts_joins_title_and_body():
    corpus = pd.DataFrame({"title": ["Head", ""], "text": ["Body one", "Body two"]})
    assert article_texts(corpus) == ["Head\n\nBody one", "\n\nBody two"]


@pytest.mark.parametrize(
    "text_in, spans, stop_words, tokens_out",
    [
        ("the coup attempt failed", [(4, 16, "<coup>")], True, [["<coup>", "failed"]]),
        ("the coup attempt failed", [(4, 16, "<coup>")], False, [["the", "<coup>", "failed"]]),
        ("riots.\n\nnew, line", [], True, [["riots"], ["new", "line"]]),
        ("anti-terror drills", [], False, [["anti-terror", "drills"]]),
        ("", [], True, []),
    ],
)
def test_tokenize_spans(text_in, spans, stop_words, tokens_out):
    assert tokenize_spans(text_in, spans, stop_words=stop_words) == tokens_out


def test_analyzer_keeps_multiword_entry_as_one_token(lexicon):
    tokens = LexiconAnalyzer(lexicon)("Tokayev called it a Coup Attempt by foreign-backed terrorists.")
    assert tokens == ["tokayev", "called", match_token("coup"), match_token("foreign_backed"),
                      match_token("terrorist")]
    assert "attempt" not in tokens and "coup" not in tokens


def test_analyzer_ngrams_and_pickle(lexicon):
    analyzer = LexiconAnalyzer(lexicon, ngram_range=(1, 2))
    assert analyzer("riots spread") == ["<riot>", "spread", "<riot> spread"]
    default = LexiconAnalyzer()
    default("warm up")  # loads the default lexicon
    restored = pickle.loads(pickle.dumps(default))
    assert restored("mass riots") == ["<riot>"]


def test_term_vectorizer_counts_match_tokens(lexicon):
    vec = make_term_vectorizer(lexicon)
    assert isinstance(vec, CountVectorizer) and not isinstance(vec, TfidfVectorizer)
    X = vec.fit_transform(["An attempted coup d'etat, a coup attempt.", "The coup failed."])
    names = list(vec.get_feature_names_out())
    assert names == ["<coup>", "failed"]
    assert sp.issparse(X)
    assert X.toarray().tolist() == [[2, 0], [1, 1]]


def test_term_vectorizer_tfidf_and_refused_options(lexicon):
    assert isinstance(make_term_vectorizer(lexicon, tfidf=True), TfidfVectorizer)
    with pytest.raises(ValueError, match="tokenizer"):
        make_term_vectorizer(lexicon, tokenizer=str.split)


def test_framing_vectorizer_hand_counted_entries(lexicon):
    vec = FramingVectorizer(lexicon)
    X = vec.fit_transform([SAMPLE, "Nothing to see here."])
    assert sp.issparse(X) and X.format == "csr"
    assert X.shape == (2, len(lexicon.entries))
    assert as_dict(vec, X[0]) == SAMPLE_ENTRIES
    assert X[1].nnz == 0
    assert list(vec.get_feature_names_out()) == lexicon.entries["entry"].tolist()


def test_framing_vectorizer_categories_and_binary(lexicon):
    vec = FramingVectorizer(lexicon, unit="category").fit([])
    assert as_dict(vec, vec.transform([SAMPLE])[0]) == SAMPLE_CATEGORIES
    binary = FramingVectorizer(lexicon, unit="category", binary=True).fit([])
    assert as_dict(binary, binary.transform([SAMPLE])[0]) == {k: 1 for k in SAMPLE_CATEGORIES}


def test_framing_vectorizer_accepts_corpus_frame(lexicon):
    corpus = pd.DataFrame({"title": ["Riots in Almaty"], "text": ["Protesters and protesters."]})
    X = FramingVectorizer(lexicon).fit_transform(corpus)
    vec = FramingVectorizer(lexicon).fit([])
    assert as_dict(vec, X[0]) == {"riot": 1, "protester": 2}


def test_sklearn_contract_params_clone(lexicon):
    vec = FramingVectorizer(lexicon, unit="concept", binary=True)
    params = vec.get_params()
    assert params["lexicon"] is lexicon and params["unit"] == "concept" and params["binary"] is True
    twin = clone(vec)
    assert twin is not vec and twin.get_params()["unit"] == "concept"
    assert not hasattr(twin, "vocabulary_")
    twin.set_params(unit="entry")
    assert twin.unit == "entry" and vec.unit == "concept"
    assert vec.fit([]) is vec
    with pytest.raises(ValueError, match="unit"):
        FramingVectorizer(unit="word").fit([])


def test_pipeline_and_cross_val_score(lexicon):
    hostile = ["Terrorists and bandits attacked; riots and looting.", "Militants and looters stormed it.",
               "A terrorist attack by armed gangs.", "Extremists and rioters burned cars.",
               "Criminals and terrorists looted shops.", "Bandits, thugs and a mob."]
    civic = ["Peaceful protesters gathered.", "Demonstrators held a rally.", "Protesters and activists marched.",
             "Citizens joined peaceful protests.", "Striking workers and protesters.", "A crowd of demonstrators."]
    texts = hostile + civic
    y = np.array([1] * len(hostile) + [0] * len(civic))
    pipe = Pipeline([("vec", FramingVectorizer(lexicon, unit="category")), ("clf", LogisticRegression())])
    scores = cross_val_score(pipe, texts, y, cv=3)
    assert scores.mean() == 1.0
    pipe.fit(texts, y)
    assert pipe.predict(["Terrorists and looters."]).tolist() == [1]


# --- voice, from a hand-built matches table -------------------------------------------

def hand_matches(lexicon) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": ["X1", "X1", "X1", "X2"],
            "entry": ["terrorist", "terrorist", "protester", "terrorist"],
            "voice": ["own", "quoted", "quoted", "reported"],
            "lexicon_version": lexicon.version,
        }
    )


def test_voice_split_from_matches_table(lexicon):
    X = pd.DataFrame({"article_id": ["X2", "X1", "X3"]})
    vec = FramingVectorizer(lexicon, voice="split", matches=hand_matches(lexicon)).fit(X)
    counts = vec.transform(X)
    assert len(vec.get_feature_names_out()) == 3 * len(lexicon.entries)
    assert as_dict(vec, counts[0]) == {"reported:terrorist": 1}
    assert as_dict(vec, counts[1]) == {"own:terrorist": 1, "quoted:terrorist": 1, "quoted:protester": 1}
    assert counts[2].nnz == 0


def test_voice_own_only_and_duplicated_rows(lexicon):
    X = pd.DataFrame({"article_id": ["X1", "X1"]})
    vec = FramingVectorizer(lexicon, voice="own", matches=hand_matches(lexicon)).fit(X)
    assert [as_dict(vec, row) for row in vec.transform(X)] == [{"own:terrorist": 1}] * 2


def test_voice_needs_article_table_and_same_lexicon(lexicon):
    vec = FramingVectorizer(lexicon, voice="split", matches=hand_matches(lexicon)).fit([])
    with pytest.raises(ValueError, match="article table"):
        vec.transform(["a text"])
    other = hand_matches(lexicon).assign(lexicon_version="0.0.1")
    with pytest.raises(ValueError, match="lexicon"):
        FramingVectorizer(lexicon, voice="own", matches=other).fit([]).transform(
            pd.DataFrame({"article_id": ["X1"]}))


def test_voice_split_sums_to_plain_counts_on_seed_corpus(corpus, lexicon):
    try:
        from kazframe.label import label
    except ImportError:
        pytest.skip("kazframe.label not importable yet")
    matches = label(corpus, lexicon)
    plain = FramingVectorizer(lexicon).fit_transform(corpus).toarray()
    split = FramingVectorizer(lexicon, voice="split", matches=matches).fit_transform(corpus).toarray()
    n = plain.shape[1]
    # Two independent paths (text matching vs the labeler's table) must agree per unit.
    np.testing.assert_array_equal(split[:, :n] + split[:, n : 2 * n] + split[:, 2 * n :], plain)
    assert plain.sum() == len(matches)
