"""The lexicon file validates, its matcher finds the codebook's words and nothing else.

Expected values are hand-worked from the codebook and the documented matching rules; the
property test compares the Aho-Corasick matcher with a naive one-regex-per-pattern
implementation of the same rules written here, independently of the module.
"""

from __future__ import annotations

import pickle
import re
from itertools import product
from pathlib import Path

import pandas as pd
import pytest
from conftest import gold_article_table, gold_voice, shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kazframe.lexicon import ENTRY_COLUMNS, Lexicon, LexiconError, load_lexicon, validate_lexicon
from kazframe.paths import DATA_DIR
from kazframe.text import fold

RAW_DIR = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def matched(lex: Lexicon, text: str) -> list[tuple[str, str]]:
    """``(matched text, entry)`` for every match in ``text`` (folded first)."""
    return [(text[a:b], entry) for a, b, entry in lex.find(fold(text))]


# --- positives and negatives -------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # inflection
        ("The protester fled.", [("protester", "protester")]),
        ("Protesters and protestors gathered.", [("Protesters", "protester"), ("protestors", "protester")]),
        ("a riot, two riots", [("riot", "riot"), ("riots", "riot")]),
        ("rioters were rioting", [("rioters", "rioter"), ("rioting", "riot")]),
        ("rallies and rallying crowds", [("rallies", "rally"), ("rallying", "rally"), ("crowds", "crowd")]),
        ("shops were looted; looting by looters", [("looted", "looting"), ("looting", "looting"), ("looters", "looter")]),
        ("Terrorism, terroristic acts", [("Terrorism", "terrorist"), ("terroristic", "terrorist")]),
        ("the uprisings", [("uprisings", "uprising")]),
        ("radicals, radicalised, radicalization", [("radicals", "radical"), ("radicalised", "radical"), ("radicalization", "radical")]),
        ("peacekeepers and peace-keeping", [("peacekeepers", "peacekeeping"), ("peace-keeping", "peacekeeping")]),
        # hyphenated, solid and open compounds with anti-/counter-
        ("the anti-terrorist operation", [("anti-terrorist operation", "counter_terrorism")]),
        ("antiterrorist units", [("antiterrorist", "counter_terrorism")]),
        ("counterterrorism and counter-terrorism", [("counterterrorism", "counter_terrorism"), ("counter-terrorism", "counter_terrorism")]),
        ("the counter terrorism operation", [("counter terrorism operation", "counter_terrorism")]),
        ("Anti\u2011Terrorism drills", [("Anti\u2011Terrorism", "counter_terrorism")]),  # non-breaking hyphen
        ("counter-protesters", [("counter-protesters", "protester")]),
        ("anti-riot police", [("anti-riot", "riot_police"), ]),
        ("riot police", [("riot police", "riot_police")]),
        # a hyphenated compound is one word
        ("coup-plotters", [("coup-plotters", "coup")]),
        ("riot-hit Almaty", [("riot-hit", "riot")]),
        ("a rally-car", [("rally-car", "rally")]),  # one word that starts with "rally"
        ("Nazarbayev's nephew", [("Nazarbayev's", "nazarbayev")]),
        ("the terrorists' demands", [("terrorists", "terrorist")]),
        # British/American spelling, transliteration
        ("so-called colour revolutions", [("colour revolutions", "colour_revolution")]),
        ("a color revolution", [("color revolution", "colour_revolution")]),
        ("well organised, well-organized", [("well organised", "single_centre"), ("well-organized", "single_centre")]),
        ("Nazarbaev and Nazarbayev", [("Nazarbaev", "nazarbayev"), ("Nazarbayev", "nazarbayev")]),
        # curly apostrophes (folding), accents, leftmost-longest
        ("an attempted coup d\u2019\u00e9tat", [("attempted coup d\u2019\u00e9tat", "coup")]),
        ("Coup d\u2019Etat", [("Coup d\u2019Etat", "coup")]),
        ("Coup attempt", [("Coup attempt", "coup")]),
        ("a coup attempts", [("coup attempts", "coup")]),
        ("an attempted coup.", [("attempted coup", "coup")]),
        ("terrorist attacks", [("terrorist attacks", "terrorist_attack")]),
        # two codebook words stay two matches (the coder codes two rows)
        ("armed terrorist gangs", [("terrorist", "terrorist"), ("gangs", "gang")]),
        ("Criminal gangs", [("Criminal", "criminal"), ("gangs", "gang")]),
        ("these bandit gangs", [("bandit", "bandit"), ("gangs", "gang")]),
        ("a foreign-backed terrorist uprising", [("foreign-backed", "foreign_backed"), ("terrorist", "terrorist"), ("uprising", "uprising")]),
        ("armed gangs", [("armed gangs", "armed_group")]),
        # spaces: runs, no-break spaces, tabs
        ("terrorist\u00a0attack", [("terrorist\u00a0attack", "terrorist_attack")]),
        ("the   terrorist \t attack", [("terrorist \t attack", "terrorist_attack")]),
        ("x  y  the coup  attempt  and  riots", [("coup  attempt", "coup"), ("riots", "riot")]),
        # grievance and intervention
        ("fuel prices, LPG and the price cap", [("fuel prices", "fuel_price"), ("LPG", "lpg"), ("price cap", "price_cap")]),
        ("the LPG price cap", [("LPG price", "fuel_price")]),  # leftmost wins over "price cap"
        ("2,030 Russian-led troops", [("Russian-led", "russian_led")]),
        ("orders to shoot to kill", [("shoot to kill", "shoot_to_kill")]),
        ("protesters demonstrated in Aktobe", [("protesters", "protester"), ("demonstrated in", "demonstration")]),
    ],
)
def test_find_positives(lexicon, text, expected):
    assert matched(lexicon, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a couple of coupons",
        "the deployment demonstrated the Kremlin's readiness",
        "it demonstrates resolve; demonstrating strength",
        "the gangway and gangly ganglion",
        "a Protestant church; his protestations",
        "unrestrained and unrestricted",
        "a patriotic, generally moral tally",
        "the President and presidents",
        "revolting food",
        "radically different",
        "mobile automobiles, clandestine marshal",
        "anti-government",
        "riot2022 coup3",
        "",
    ],
)
def test_find_negatives(lexicon, text):
    assert matched(lexicon, text) == []


def test_identical_spans_go_to_the_most_specific_term(lexicon):
    # protest* (new, stem, 7 letters) against protest (plain) and protester* (9 letters)
    catch_all = {"entry": "protest_any", "category": "protest_event", "concept": "protest",
                 "language": "en", "terms": ["protest*"]}
    lex = lexicon.with_entries([catch_all])
    assert matched(lex, "protest, protesters, Protestant") == [
        ("protest", "protest"), ("protesters", "protester"), ("Protestant", "protest_any")]


def test_matches_never_cross_a_line_break(lexicon):
    text = "a terrorist\nattack; riot\npolice; coup\n attempt"
    assert matched(lexicon, text) == [("terrorist", "terrorist"), ("riot", "riot"), ("coup", "coup")]


def test_offsets_index_the_folded_text_of_a_raw_file(lexicon):
    raw = (RAW_DIR / "000_d5d94fbe56db05e6.txt").read_text(encoding="utf-8")
    folded = fold(raw)
    found = lexicon.find(folded)
    assert found == sorted(found)
    assert all(b <= c for (_, b, _), (c, _, _) in zip(found, found[1:], strict=False))
    k = raw.index("Kazakhstan unrest was coup attempt")
    assert (k + 11, k + 17, "unrest") in found
    assert (k + 22, k + 34, "coup") in found


# --- a naive reference implementation of the documented rules ----------------------

HSPACE = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+"


def reference_keys(lex: Lexicon) -> list[tuple[re.Pattern, int, bool, int]]:
    """One lookahead regex per expanded pattern: (regex, literal length, stem, entry index)."""
    out = []
    for idx, terms in enumerate(lex.entries["terms"]):
        for term in terms:
            stem = term.endswith("*")
            body = term.rstrip("*")
            parts = body.split("-")
            variants = {parts[0] + "".join(j + p for j, p in zip(js, parts[1:], strict=True))
                        for js in product(["-", "", " "], repeat=len(parts) - 1)}
            for key in variants:
                words = HSPACE.join(re.escape(w) for w in key.split(" "))
                tail = r"[^\W\d_]*(?![^\W_])" if stem else r"(?![^\W_])"
                rx = re.compile(rf"(?<![^\W_])(?<![^\W_][-'])(?=({words}{tail}(?:[-'][^\W_]+)*))")
                out.append((rx, len(key), stem, idx))
    return out


def reference_find(lex: Lexicon, keys, folded: str) -> list[tuple[int, int, str]]:
    candidates = set()
    for rx, length, stem, idx in keys:
        for m in rx.finditer(folded):
            candidates.add((m.start(), -(m.start() + len(m.group(1))), -length, stem, idx))
    out, reached = [], 0
    for start, neg_end, _, _, idx in sorted(candidates):
        if start >= reached:
            reached = -neg_end
            out.append((start, reached, lex.entries["entry"].iloc[idx]))
    return out


@pytest.fixture(scope="module")
def small_lexicon(lexicon) -> Lexicon:
    """A few overlapping entries, so that random texts hit them often."""
    keep = ["coup", "riot", "rioter", "riot_police", "terrorist", "terrorist_attack", "counter_terrorism",
            "protest", "protester", "peacekeeping", "nazarbayev", "gang", "armed_group"]
    entries = lexicon.entries[lexicon.entries["entry"].isin(keep)].reset_index(drop=True)
    return Lexicon(version="test", entries=entries, source="<test>")


FRAGMENTS = ["coup", " d'etat", " attempt", "attempted ", "s", "er", "ing", "-", "'", " ", "  ", "\n",
             "\u00a0", "\t", ".", ",", "riot", " police", "terror", "ist", "ism", " attack", "anti",
             "counter", "protest", "peace", "keep", "nazarbayev", "gang", "armed ", "le", "x", "2",
             "\u00e9", "\u0442"]


@pytest.fixture(scope="module")
def small_reference_keys(small_lexicon):
    return reference_keys(small_lexicon)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join))
def test_find_agrees_with_naive_reference(small_lexicon, small_reference_keys, text):
    assert small_lexicon.find(text) == reference_find(small_lexicon, small_reference_keys, text)


TEXT_FRAGMENTS = [*FRAGMENTS, "Coup", "TERROR", "Riot", "\u2019", "\u201c", "\u201d", "\u00ab", "\u00bb",
                  "\u2014", "\u2010", "`", "\u0410", "\u0401", "\u0451", "\u03a3", "\u03c3", "\u0130",
                  "\u00c9", "\U00010400", "\u0422\u0415\u0420\u0420\u041e\u0420", "\u0411\u0443\u043d\u0442"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TEXT_FRAGMENTS), max_size=14).map("".join),
       st.sampled_from([None, "en", "ru"]))
def test_find_text_equals_find_on_folded(text, language):
    """The one-pass path (fold composed into the scan table) gives find(fold(text))."""
    lexicon = load_lexicon()
    assert lexicon.find_text(text, language) == lexicon.find(fold(text), language)


def test_find_text_equals_find_on_real_texts(lexicon):
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW_DIR.glob("*.txt"))]
    texts.append((Path(__file__).parent / "data" / "ru_article.txt").read_text(encoding="utf-8"))
    texts.append("Rioters and TERRORISTS: a Coup-Attempt, said  Tokayev's\tspokesman.")  # the ASCII path
    for text in texts:
        for language in (None, "en", "ru"):
            assert lexicon.find_text(text, language) == lexicon.find(fold(text), language)
    assert lexicon.find_text(texts[-1], "en")  # the ASCII text does have matches


def test_reference_agrees_on_the_seed_files(lexicon):
    keys = reference_keys(lexicon)
    for path in sorted(RAW_DIR.glob("*.txt"))[:2]:
        folded = fold(path.read_text(encoding="utf-8"))
        assert lexicon.find(folded) == reference_find(lexicon, keys, folded), path.name


# --- against the gold coding -------------------------------------------------------


def codebook_stems() -> tuple[list[str], list[str]]:
    """Stems and prefixes as listed in section 1 of ../shared/codebook.md."""
    text = shared_path("codebook.md").read_text(encoding="utf-8")
    section = text.split("## 1.")[1].split("## 2.")[0]
    stems = [w for line in section.splitlines() if line.startswith("    ") for w in line.split()]
    assert "terroris" in stems and "aggression" in stems
    return stems, ["anti", "counter"]


def codebook_word_re() -> re.Pattern:
    stems, prefixes = codebook_stems()
    return re.compile(rf"(?:(?:{'|'.join(prefixes)})-?)?(?:{'|'.join(stems)})")


WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
CAPTION_LINES = {"000_d5d94fbe56db05e6.txt": {54, 170}}  # captions inside body spans (gold README)


def test_gold_recall_and_precision(lexicon):
    gold = gold_voice()
    articles = gold_article_table()
    is_word = codebook_word_re()
    positives = gold[gold["region"].isin(["body", "title"]) & (gold["framing"] == "yes")]
    missed, tp, fps = [], 0, []
    for seed in sorted(gold["seed"].unique()):
        raw = (RAW_DIR / seed).read_text(encoding="utf-8")
        found = lexicon.find(fold(raw))
        pos = positives[positives["seed"] == seed]
        for row in pos.itertuples():
            if not any(a <= row.start and row.end <= b for a, b, _ in found):
                missed.append((seed, row.line, row.text))
        gold_spans = list(zip(pos["start"], pos["end"], strict=True))
        lines: set[int] = set()
        for art in articles[articles["source_file"] == seed].itertuples():
            lines |= {art.title_line, *range(art.body_first, art.body_last + 1)}
        lines -= CAPTION_LINES.get(seed, set())
        for a, b, entry in found:
            if raw.count("\n", 0, a) + 1 not in lines:
                continue
            words = [(a + m.start(), a + m.end()) for m in WORD.finditer(fold(raw[a:b]))
                     if is_word.match(m.group())]
            assert len(words) <= 1, f"one match holds two codebook words: {raw[a:b]!r}"
            if not words:
                continue
            if any(ws <= gs and ge <= we for ws, we in words for gs, ge in gold_spans):
                tp += 1
            else:
                fps.append((seed, raw.count("\n", 0, a) + 1, raw[a:b], entry))
    recall = 1 - len(missed) / len(positives)
    precision = tp / (tp + len(fps))
    print(f"recall {recall:.3f} ({len(positives) - len(missed)}/{len(positives)}), "
          f"precision {precision:.3f} ({tp}/{tp + len(fps)})")
    for fp in fps:
        print("false positive:", fp)
    assert recall >= 0.98, missed
    assert precision >= 0.98, fps


def test_framing_no_rows_that_are_false_friends_are_not_matched(lexicon):
    gold = gold_voice()
    raw = (RAW_DIR / "000_d5d94fbe56db05e6.txt").read_text(encoding="utf-8")
    found = lexicon.find(fold(raw))
    row = gold[(gold["text"] == "demonstrated") & (gold["framing"] == "no")].iloc[0]
    assert not any(a < row.end and row.start < b for a, b, _ in found)


def test_no_pattern_holds_two_codebook_words(lexicon):
    is_word = codebook_word_re()
    patterns = lexicon.expanded_terms()
    counts = patterns["pattern"].map(lambda p: sum(bool(is_word.match(w)) for w in WORD.findall(p)))
    assert counts.max() <= 1, patterns[counts > 1]


# --- the shipped file --------------------------------------------------------------


def test_shipped_lexicon_validates_and_is_tidy(lexicon):
    assert lexicon.source == str(DATA_DIR / "lexicon.yaml")
    assert re.fullmatch(r"\d{4}\.\d+\.\d+", lexicon.version)
    assert list(lexicon.entries.columns) == list(ENTRY_COLUMNS)
    assert lexicon.entries["entry"].is_unique
    assert set(lexicon.entries["language"]) == {"en", "ru"}
    assert set(lexicon.entries["frame"]) <= set(lexicon.frames["frame"])
    assert {"delegitimise", "civic", "event_terror", "event_coup", "event_protest", "event_disorder",
            "foreign_hand", "intervention", "state_force", "grievance"} <= set(lexicon.frames["frame"])
    assert len(lexicon.entries) >= 50


def test_lexicon_pickles_with_its_matcher(lexicon):
    text = fold("Putin says alliance blocked 'terrorists, criminals, looters'")
    before = lexicon.find(text)
    clone = pickle.loads(pickle.dumps(lexicon))
    assert clone.find(text) == before == [(29, 39, "terrorist"), (41, 50, "criminal"), (52, 59, "looter")]


# --- with_entries ------------------------------------------------------------------

JUNTA = {"entry": "junta", "category": "coup_event", "concept": "junta", "language": "en", "terms": ["junta", "juntas"]}


def test_with_entries_adds_and_replaces(lexicon):
    putsch_only = {"entry": "coup", "category": "coup_event", "concept": "coup", "language": "en",
                   "terms": ["putsch"], "note": "narrowed"}
    changed = lexicon.with_entries([JUNTA, putsch_only])
    assert matched(changed, "a junta after the putsch, not a coup") == [("junta", "junta"), ("putsch", "coup")]
    assert matched(lexicon, "a junta after the putsch, not a coup") == [("putsch", "coup"), ("coup", "coup")]
    assert len(changed.entries) == len(lexicon.entries) + 1
    assert changed.entries["entry"].iloc[-1] == "junta"
    # replaced in place, keeps its position
    assert changed.entries.index[changed.entries["entry"] == "coup"].tolist() == \
        lexicon.entries.index[lexicon.entries["entry"] == "coup"].tolist()
    assert changed.entries.set_index("entry").loc["junta", "frame"] == "event_coup"
    assert changed.source == "<override>"
    assert re.fullmatch(re.escape(lexicon.version) + r"\+local\.[0-9a-f]{8}", changed.version)


def test_with_entries_version_records_the_override(lexicon):
    a = lexicon.with_entries([JUNTA])
    b = lexicon.with_entries(pd.DataFrame([JUNTA]))
    c = lexicon.with_entries([{**JUNTA, "terms": ["junta"]}])
    assert a.version == b.version != c.version
    chained = a.with_entries([{**JUNTA, "entry": "junta2", "terms": ["military council"]}], version_suffix="+nb")
    assert re.fullmatch(re.escape(a.version) + r"\.nb\.[0-9a-f]{8}", chained.version)


def test_with_entries_accepts_its_own_entries_frame(lexicon):
    same = lexicon.with_entries(lexicon.entries.head(3))
    assert same.entries.drop(columns="note").equals(lexicon.entries.drop(columns="note"))


@pytest.mark.parametrize(
    "override, reason",
    [
        ({**JUNTA, "category": "nope"}, "category 'nope' is not declared"),
        ({**JUNTA, "terms": ["coup"]}, "matches the same text as term 'coup' of entry 'coup'"),
        ({**JUNTA, "terms": ["Junta"]}, "write 'junta'"),
        ({**JUNTA, "frame": "civic"}, "is not the frame of category 'coup_event'"),
        ({k: v for k, v in JUNTA.items() if k != "concept"}, "missing required key 'concept'"),
    ],
)
def test_with_entries_validates(lexicon, override, reason):
    with pytest.raises(LexiconError, match=re.escape(reason)) as err:
        lexicon.with_entries([override])
    assert str(err.value).startswith("<override>")


# --- validation messages -----------------------------------------------------------

MINIMAL = """\
version: "1.0"
frames:
  f1: A frame.
categories:
  c1: {frame: f1, description: A category.}
entries:
  - entry: e1
    category: c1
    concept: k1
    language: en
    terms: [coup, riot*]
"""
SECOND = """\
  - entry: e2
    category: c1
    concept: k2
    language: en
    terms: [rally]
"""


def test_minimal_file_loads(tmp_path):
    path = tmp_path / "lex.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    lex = load_lexicon(path)
    assert lex.version == "1.0"
    assert lex.find("a coup and riots") == [(2, 6, "e1"), (11, 16, "e1")]


@pytest.mark.parametrize(
    "old, new, line, reason",
    [
        ("    language: en\n", "   language: en\n", 10, "YAML syntax error"),
        ("  f1: A frame.\n", "  f1: A frame.\n  f1: Again.\n", 4, "duplicate key 'f1'"),
        ('version: "1.0"\n', "version: 1.0\n", 1, "must be a quoted string"),
        ("    terms: [coup, riot*]\n", "    terms: [coup, riot*]\nextra: 1\n", 12, "unknown key 'extra'"),
        ("    terms: [coup, riot*]\n", "    term: [coup]\n", 11, "unknown key 'term'"),
        ("    concept: k1\n", "", 7, "missing required key 'concept'"),
        ("    category: c1\n", "    category: c9\n", 8, "category 'c9' is not declared"),
        ("{frame: f1,", "{frame: f9,", 5, "frame 'f9' is not declared"),
        ("[coup, riot*]", "[coup, '*']", 11, "would match everything"),
        ("[coup, riot*]", "[coup, 'a*']", 11, "would match almost every word"),
        ("[coup, riot*]", "[coup, 'ab*']", 11, "would match almost every word"),
        ("[coup, riot*]", "[coup, '']", 11, "would match everything"),
        ("[coup, riot*]", "[coup, '--']", 11, "must start and end with a letter or digit"),
        ("[coup, riot*]", "[coup, '!?']", 11, "cannot be matched"),
        ("[coup, riot*]", "[coup, 'x']", 11, "too short"),
        ("[coup, riot*]", "[coup, 'ri*ot']", 11, "'*' is allowed only at the end"),
        ("[coup, riot*]", "[Coup]", 11, "write 'coup'"),
        ("[coup, riot*]", "['coup d\u2019etat']", 11, "write \"coup d'etat\""),
        ("[coup, riot*]", "[]", 11, "terms must be a non-empty list"),
    ],
)
def test_validation_errors_name_file_line_and_reason(tmp_path, old, new, line, reason):
    assert old in MINIMAL
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    message = str(err.value)
    assert message.startswith(f"{path}, line {line}: "), message
    assert reason in message


def test_duplicate_entry_id_and_duplicate_term_are_located(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(MINIMAL + SECOND.replace("e2", "e1"), encoding="utf-8")
    with pytest.raises(LexiconError, match=r", line 12: duplicate entry id 'e1'"):
        load_lexicon(path)
    path.write_text(MINIMAL + SECOND.replace("[rally]", "[rally, coup]"), encoding="utf-8")
    with pytest.raises(LexiconError, match=r", line 16: entry 'e2': term 'coup' matches the same text"):
        load_lexicon(path)


def test_validate_lexicon_without_lines_names_the_path():
    import yaml

    data = yaml.safe_load(MINIMAL)
    validate_lexicon(data, source="x")
    data["entries"][0]["terms"] = ["coup", "Riot"]
    with pytest.raises(LexiconError, match=r"^x, entries\[0\]\.terms\[1\]: entry 'e1': term 'Riot'"):
        validate_lexicon(data, source="x")


def test_load_lexicon_is_compiled_once_and_reloaded_when_the_file_changes(tmp_path):
    import os
    import shutil

    for name in ("lexicon.yaml", "lexicon_ru.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    first = load_lexicon(tmp_path / "lexicon.yaml")
    assert load_lexicon(tmp_path / "lexicon.yaml") is first
    path = tmp_path / "lexicon.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f'version: "{first.version}"', 'version: "9999.1.0"'),
                    encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    again = load_lexicon(path)
    assert again is not first and again.version == "9999.1.0"
