"""Tests for kazframe.claims: which figure counts what, who says it, as of when.

Expected rows are read off the seed articles by hand (the sentence, its number, the verb
that says what is counted, and the attribution the codebook would give).
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass

import pandas as pd
import pytest
import yaml

from kazframe.claims import (
    CLAIM_COLUMNS,
    QUANTITIES,
    claims,
    claims_by_outlet,
    classify_numbers,
    emergency_dates,
    load_claim_rules,
)
from kazframe.corpus import read_raw
from kazframe.paths import DATA_DIR


def one(sentence: str) -> list[tuple]:
    return [(c["text"], c["quantity"], c["value"], c["unit"]) for c in classify_numbers(sentence)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("7,939 people were detained across the country.", [("7,939", "detained", 7939, "people")]),
        ("Police detained 300 people overnight.", [("300", "detained", 300, "people")]),
        ("More than 200 people had been arrested.", [("More than 200", "detained", 200, "people")]),
        ("133 of them were being held on suspicion.", [("133", "detained", 133, "people")]),
        ("164 people had been killed.", [("164", "killed", 164, "people")]),
        ("The death toll rose to 225.", [("225", "killed", 225, "people")]),
        ("103 of the deaths occurred in Almaty.", [("103", "killed", 103, "people")]),
        ("At least 12 people lost their lives.", [("At least 12", "killed", 12, "people")]),
        ("18 law enforcement officers were injured.", [("18", "injured", 18, "people")]),
        ("There were 40 wounded.", [("40", "injured", 40, "people")]),
        ("Some 20,000 people opened fire on police.", [("Some 20,000", "attackers", 20000, "people")]),
        ("500 gunmen stormed the building.", [("500", "attackers", 500, "people")]),
        ("It sent 3,000 troops.", [("3,000", "troops", 3000, "troops")]),
        ("More than 2,000 militaries arrived.", [("More than 2,000", "troops", 2000, "troops")]),
        ("They brought 250 pieces of military hardware.", [("250", "equipment", 250, "pieces")]),
        ("They brought 250 units of equipment.", [("250", "equipment", 250, "pieces")]),
        ("Rioters destroyed more than 400 vehicles.", [("more than 400", "damage", 400, "vehicles")]),
        ("The damage may reach 25 billion tenge.", [("25 billion tenge", "damage", 25e9, "tenge")]),
        ("Gas rose to 120 tenge per liter.", [("120 tenge", "price", 120, "tenge_per_litre")]),
        ("They demanded the price cap to 50 tenge.", [("50 tenge", "price", 50, "tenge")]),
    ],
)
def test_patterns(sentence, expected):
    got = one(sentence)
    assert [(t, q, u) for t, q, _, u in got] == [(t, q, u) for t, q, _, u in expected]
    assert [v for *_, v, _ in got] == pytest.approx([v for *_, v, _ in expected])


@pytest.mark.parametrize(
    "sentence",
    [
        "The worst unrest in its 30 years of independence.",
        "January 10 was declared a day of mourning.",
        "He was charged under Article 107.",
        "A curfew runs from 11 p.m. to 7 a.m.",
        "Ukraine has 40 million people.",
        "About 1,000 protesters gathered in the square.",
        "Aktobe is a city of half a million.",
        "Tensions are high over tens of thousands of Russian troops massed on the border with Ukraine.",
        "The damage was 300.",  # a damage figure needs a currency or an object noun
        "The killing of civilians in 2020 was condemned.",
    ],
)
def test_not_claims(sentence):
    assert one(sentence) == []


def test_vague_figure_has_range_not_value():
    (c,) = classify_numbers("Dozens of people are believed to have been killed.")
    assert c["quantity"] == "killed" and c["kind"] == "vague"
    assert math.isnan(c["value"]) and (c["low"], c["high"]) == (24, 99)


def test_relations_and_who():
    got = classify_numbers("Dozens of people are reported to have died, including 16 members of the security forces.")
    assert [(c["text"], c["quantity"], c["relation"], c["who"]) for c in got] == [
        ("Dozens", "killed", "", ""), ("16", "killed", "part_of", "security_forces")]
    got = classify_numbers("26 armed rioters have been killed, and 18 were injured.")
    assert [(c["value"], c["quantity"], c["who"]) for c in got] == [(26, "killed", "attackers"), (18, "injured", "")]
    got = classify_numbers("The unrest claimed the lives of at least 18 law enforcement officers and dozens of protesters.")
    assert [(c["quantity"], c["who"], c["relation"]) for c in got] == [
        ("killed", "security_forces", ""), ("killed", "protesters", "coordinated")]
    got = classify_numbers("The damage may reach 25 billion tenge ($57.5 million).")
    assert [(c["unit"], c["relation"]) for c in got] == [("tenge", ""), ("USD", "conversion")]
    got = classify_numbers("164 people, including three children, died in the protests.")
    assert [(c["value"], c["quantity"], c["who"]) for c in got] == [(164, "killed", ""), (3, "killed", "children")]


def test_quantities_are_fixed():
    assert set(yaml.safe_load((DATA_DIR / "claims.yaml").read_text(encoding="utf-8"))["quantities"]) <= set(QUANTITIES)
    assert len(QUANTITIES) == 8


def test_unknown_quantity_in_data_file_is_an_error(tmp_path):
    spec = yaml.safe_load((DATA_DIR / "claims.yaml").read_text(encoding="utf-8"))
    spec["quantities"]["protesters"] = {"unit": "people", "patterns": [{"re": "{N} protesters"}]}
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(ValueError, match="protesters"):
        load_claim_rules(path)


# --- the seed corpus -------------------------------------------------------------------


@pytest.fixture(scope="module")
def table(corpus):
    return claims(corpus)


def _claim(table, article_id, text, nth=0):
    rows = table[(table["article_id"] == article_id) & (table["text"] == text)]
    assert len(rows) > nth, (article_id, text)
    return rows.iloc[nth]


@pytest.mark.parametrize(
    "article_id, text, quantity, value, speaker_group, as_of",
    [
        ("D1", "7,939", "detained", 7939, "kz_gov", ""),  # "Ministry of Internal Affairs reported that"
        ("D1", "about 8,000", "detained", 8000, "kz_gov", ""),  # "Kazakh authorities announced that"
        ("D1", "164", "killed", 164, "kz_gov", ""),  # "The Ministry of Health ... announced that"
        ("D1", "2 thousand 30", "troops", 2030, "kz_gov", ""),  # "Tokayev said that"
        ("D1", "250", "equipment", 250, "kz_gov", ""),
        ("A2", "Almost 8,000", "detained", 8000, "kz_gov", "2022-01-10"),  # "the Interior Ministry said on Monday"
        ("A2", "16", "killed", 16, "", ""),  # the outlet's own voice
        ("A1", "1,300", "injured", 1300, "kz_gov", "2022-01-09"),  # "As of Jan. 9 ..., according to ..."
        ("A1", "At least\xa05,800", "detained", 5800, "", ""),  # a no-break space in the raw file
        ("A1", "some 20,000", "attackers", 20000, "kz_gov", ""),  # "According to him"
        ("A1", "120 tenge", "price", 120, "", "2022-01-03"),
        ("A1", "50 tenge", "price", 50, "", "2022-01-04"),  # "... fulfilled on Tuesday evening" (Jan 9 article)
        ("A1", "more than 400", "damage", 400, "kz_gov", ""),  # "The Ministry of Internal Affairs reports that"
        ("A1", "more than a hundred", "damage", 100, "kz_gov", ""),
        ("A3", "2,030", "troops", 2030, "kz_gov", ""),
        ("A3", "250", "equipment", 250, "kz_gov", ""),
        ("A3", "164", "killed", 164, None, ""),  # reported (by "Russian and state media")
        ("B1", "Over 3,000", "detained", 3000, None, ""),  # reported (Khabar 24 citing the ministry)
        ("B1", "26", "killed", 26, None, ""),
        ("B1", "at least 5,969", "detained", 5969, "kz_gov", "2022-01-09"),
        ("B1", "133", "detained", 133, "kz_gov", ""),
        ("B1", "at least 164", "killed", 164, "media", ""),  # Vlast.kz; "since ... January 5" is no as-of date
        ("B1", "103", "killed", 103, "media", ""),  # "According to Vlast.kz"
        ("B1", "20,000", "attackers", 20000, "kz_gov", "2022-01-07"),  # Toqaev posted on 07 January 2022
        ("B1", "Over 4,000", "detained", 4000, "kz_gov", ""),  # "according to the Interior Ministry"
        ("C1", "more than 2,000", "troops", 2000, "", ""),
        ("E1", "3,000", "troops", 3000, "", ""),
        ("E1", "25 billion tenge", "damage", 25e9, None, ""),  # "The Union of Trading Centers has said"
        ("E1", "$57.5 million", "damage", 57.5e6, None, ""),
        ("E1", "at least 18", "killed", 18, "kz_gov", ""),  # "authorities say has claimed the lives of"
    ],
)
def test_seed_claims(table, article_id, text, quantity, value, speaker_group, as_of):
    row = _claim(table, article_id, text)
    assert row["quantity"] == quantity
    assert row["value"] == pytest.approx(value)
    assert row["as_of"] == as_of
    if speaker_group is None:  # attributed to someone; which group is the quotes model's call
        assert row["voice"] != "own"
    else:
        assert row["speaker_group"] == speaker_group


def test_seed_vague_and_bounds(table):
    row = _claim(table, "E1", "Dozens")
    assert row["quantity"] == "killed" and row["kind"] == "vague" and math.isnan(row["value"])
    row = _claim(table, "B1", "More than 200")
    assert (row["quantity"], row["kind"], row["low"]) == ("detained", "lower_bound", 200)
    assert math.isnan(row["high"])
    assert _claim(table, "B1", "at least 95")["quantity"] == "injured"


def test_seed_not_claims(table):
    # Crowd sizes, a city's population, a price ceiling's duration, troops at Ukraine's border.
    texts = set(table["text"])
    assert not texts & {"some 3,000", "about 1,000", "half a million", "Around a thousand", "a few hundred",
                        "around 500", "tens of thousands", "11"}
    assert set(table["quantity"]) <= set(QUANTITIES)


def test_seed_table_shape_and_offsets(corpus, table):
    assert list(table.columns[: len(CLAIM_COLUMNS)]) == list(CLAIM_COLUMNS)
    assert {"low", "high", "kind", "text", "sentence", "who"} <= set(table.columns)
    raws = {f: read_raw(f) for f in corpus["source_file"].unique()}
    for r in table.itertuples():
        assert raws[r.source_file][r.start:r.end] == r.text
    own = table[table["voice"] == "own"]
    assert (own["speaker"] == "").all() and (own["speaker_group"] == "").all()


def test_claims_by_outlet(corpus, table):
    plot = claims_by_outlet(table, corpus)
    assert list(plot.columns[:7]) == ["outlet", "bloc", "quantity", "value", "low", "high", "speaker_group"]
    assert len(plot) == len(table)
    d1 = plot[(plot["article_id"] == "D1") & (plot["quantity"] == "detained")]
    assert set(d1["bloc"]) == {"other"}


def test_claims_does_not_mutate_corpus(corpus):
    before = corpus.copy()
    claims(corpus.head(1))
    pd.testing.assert_frame_equal(corpus, before)


@dataclass(frozen=True)
class FakeAttribution:
    start: int
    end: int
    kind: str
    speaker: str
    speaker_group: str
    verb: str
    n_words: int


def test_speaker_comes_from_the_attribution_model(monkeypatch, corpus):
    """A hand-built reported scope over the whole body attributes every figure to it."""
    quotes = importlib.import_module("kazframe.quotes")  # the module, not kazframe.quotes()

    def fake(body, *, title="", speakers=None, lexicon=None):
        return [], [FakeAttribution(0, len(body), "reported", "Interior Ministry", "kz_gov", "said", 1)]

    monkeypatch.setattr(quotes, "find_attributions", fake)
    table = claims(corpus[corpus["article_id"] == "C1"])
    assert len(table) > 0
    assert set(table["speaker"]) == {"Interior Ministry"} and set(table["voice"]) == {"reported"}


def test_emergency_dates(corpus):
    table = emergency_dates(corpus)
    a1 = table[table["article_id"] == "A1"]
    soe = a1[(a1["measure"] == "state_of_emergency") & (a1["date_from"] != "")].iloc[0]
    assert (soe["date_from"], soe["date_to"]) == ("2022-01-05", "2022-01-19")  # "from Jan. 5 to Jan. 19"
    curfew = a1[a1["measure"] == "curfew"].iloc[0]
    assert (curfew["hours_from"], curfew["hours_to"]) == ("23:00", "07:00")  # "from 11 p.m. to 7 a.m."
    b1 = table[(table["article_id"] == "B1") & (table["measure"] == "state_of_emergency")]
    assert "2022-01-19" in set(b1["date_to"])  # "until January 19"
