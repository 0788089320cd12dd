"""Tests for the page cleaner / article segmenter (kazframe.clean).

The acceptance test scores the segmenter against the hand-made article table of
``../shared/gold/README.md`` (parsed by ``conftest.gold_article_table``); the other tests use
small hand-written pages whose expected articles and removed blocks are worked out by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import gold_article_table
from hypothesis import given, settings
from hypothesis import strategies as st

from kazframe.clean import (
    FURNITURE_PATH,
    REMOVED_COLUMNS,
    ArticleSegment,
    coverage_check,
    load_furniture,
    segment_page,
)
from kazframe.paths import RAW_DIR

# Prose paragraphs for hand-written pages (each ends a sentence and has enough words).
P1 = "Security forces regained control of the main square on Friday, the interior ministry said."
P2 = "Shops and banks reopened in the city, and public transport ran again for the first time."
P3 = "The internet was switched back on for several hours, residents told reporters by phone."
P4 = "Officials said more than a thousand people had been detained across the country."


def page(*paragraphs: str) -> str:
    """A page in the seed format: one paragraph per line, blank lines between."""
    return "\n\n".join(paragraphs) + "\n"


def line_span(raw: str, line_no: int) -> tuple[int, int]:
    """Raw span of a 1-based line, without surrounding whitespace."""
    starts = [0] + [m.end() for m in re.finditer("\n", raw)]
    a = starts[line_no - 1]
    b = raw.find("\n", a)
    b = len(raw) if b < 0 else b
    text = raw[a:b]
    a += len(text) - len(text.lstrip())
    return a, a + len(text.strip())


def texts(raw: str, spans) -> list[str]:
    return [raw[a:b] for a, b in spans]


def reasons_by_text(raw: str, removed: pd.DataFrame) -> dict[str, str]:
    return {raw[a:b]: r for a, b, r in zip(removed["start"], removed["end"], removed["reason"], strict=True)}


# --- acceptance on the seed pages against the gold article table ----------------------

EXPECTED_OUTLET = {"A1": "The Astana Times", "A2": "BBC", "A3": "Reuters", "E1": "Eurasianet"}

# Parts of the gold body ranges that the README notes name as not body (captions, credits, a
# section tag): whole lines, or (line, marker) = the line from the marker to its end.
GOLD_NOT_BODY = {
    "000_d5d94fbe56db05e6.txt": [54, 170, (66, "Photo credit:")],
    "004_4555abe7f80cb0dd.txt": [9],  # "lines 9 and 58 are section tags"
}


def gold_body_positions(raw: str, source_file: str, first: int, last: int) -> set[int]:
    """Non-whitespace character offsets of a gold body (lines first..last minus exclusions)."""
    excluded: dict[int, str | None] = {}
    for item in GOLD_NOT_BODY.get(source_file, []):
        line, marker = item if isinstance(item, tuple) else (item, None)
        excluded[line] = marker
    positions: set[int] = set()
    for line in range(first, last + 1):
        a, b = line_span(raw, line)
        if line in excluded:
            marker = excluded[line]
            if marker is None:
                continue
            b = raw.index(marker, a, b)
        positions.update(i for i in range(a, b) if not raw[i].isspace())
    return positions


def positions(raw: str, spans) -> set[int]:
    return {i for a, b in spans for i in range(a, b) if not raw[i].isspace()}


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    table = gold_article_table()  # parses the README's markdown table; skips without ../shared
    assert len(table) == 7, "the gold README should list seven articles"
    return table


def test_gold_acceptance(gold: pd.DataFrame) -> None:
    rows = []
    n_found = 0
    for source_file, group in gold.groupby("source_file", sort=True):
        raw = (RAW_DIR / source_file).read_text(encoding="utf-8")
        articles, removed = segment_page(raw, source_file=source_file)
        coverage_check(raw, articles, removed)
        n_found += len(articles)
        found = [positions(raw, a.body) for a in articles]
        used: set[int] = set()
        for g in group.itertuples(index=False):
            truth = gold_body_positions(raw, source_file, g.body_first, g.body_last)
            overlaps = [len(truth & f) for f in found]
            k = max(range(len(found)), key=overlaps.__getitem__) if found else None
            if k is None or overlaps[k] == 0 or k in used:
                rows.append({"article_id": g.article_id, "matched": False})
                continue
            used.add(k)
            art = articles[k]
            rows.append(
                {
                    "article_id": g.article_id,
                    "matched": True,
                    "recall": overlaps[k] / len(truth),
                    "precision": overlaps[k] / len(found[k]),
                    "title_ok": art.title == line_span(raw, g.title_line),
                    "outlet_hint": art.outlet_hint,
                    "byline": art.byline,
                    "date_hint": art.date_hint,
                }
            )
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("\n", table.to_string(index=False, float_format="{:.4f}".format))
    assert n_found == 7
    assert table["matched"].all()
    assert (table["recall"] >= 0.98).all()
    assert (table["precision"] >= 0.97).all()
    assert table["title_ok"].all()
    hints = dict(zip(table["article_id"], table["outlet_hint"], strict=True))
    for article_id, outlet in EXPECTED_OUTLET.items():
        assert hints[article_id] == outlet, article_id
    assert hints["B1"] in (None, "GlobalSecurity.org")


@pytest.mark.parametrize("path", sorted(RAW_DIR.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seed_pages_conserve_text(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    articles, removed = segment_page(raw, source_file=path.name)
    coverage_check(raw, articles, removed)
    assert list(removed.columns) == list(REMOVED_COLUMNS)
    assert (removed["source_file"] == path.name).all()
    for a, b, line in zip(removed["start"], removed["end"], removed["line"], strict=True):
        assert raw.count("\n", 0, a) + 1 == line
        assert raw[a:b] == raw[a:b].strip() and b > a


# --- hand-written pages: one heuristic each ----------------------------------------------


def test_page_without_furniture() -> None:
    raw = page("Troops leave Almaty after a week", P1, P2, P3)
    articles, removed = segment_page(raw)
    assert removed.empty
    assert list(removed.columns) == list(REMOVED_COLUMNS)
    assert len(articles) == 1
    art = articles[0]
    assert art.title == (0, len("Troops leave Almaty after a week"))
    assert texts(raw, art.body) == [P1, P2, P3]
    assert (art.byline, art.outlet_hint, art.date_hint) == (None, None, None)


@pytest.mark.parametrize("raw", ["", "\n", "  \n\n\t\n", "\u00a0\n \n"])
def test_empty_page(raw: str) -> None:
    articles, removed = segment_page(raw, source_file="x.txt")
    assert articles == []
    assert removed.empty and list(removed.columns) == list(REMOVED_COLUMNS)
    coverage_check(raw, articles, removed)


def test_page_of_menu_items_has_no_article() -> None:
    raw = page("Home", "World News", "Opinion Editorials", "Contact us")
    articles, removed = segment_page(raw)
    assert articles == []
    assert removed["reason"].tolist() == ["menu"] * 4


@pytest.mark.parametrize(
    "caption",
    [
        "Police guard a checkpoint in Almaty, Kazakhstan January 7, 2022. REUTERS/Pavel Mikheyev",
        "President Yoon casts his early vote in Busan, South Korea, April 5, 2024. Yonhap via REUTERS",
        "Troops at the main square in Almaty, January 6, 2022. REUTERS/Mariya Gordeyeva|Tokayev "
        "and Putin (Photos: Vladimir Tretyakov via",
        "Photo: a burnt-out car in Almaty on January 8",
    ],
)
def test_caption_line_is_removed_from_body(caption: str) -> None:
    raw = page("Curfew stays in place in Almaty", P1, caption, P2)
    articles, removed = segment_page(raw)
    assert texts(raw, articles[0].body) == [P1, P2]
    assert reasons_by_text(raw, removed) == {caption: "caption"}


@pytest.mark.parametrize(
    "para",
    [
        "An AP/NORC poll found that most Americans followed the news from Kazakhstan closely.",
        "Photos by residents showed troops firing into the air near the mayor's office on Wednesday "
        "evening, hours before the internet was switched off across the whole country.",
    ],
)
def test_body_paragraphs_that_mention_photos_or_agencies_stay_body(para: str) -> None:
    raw = page("Curfew stays in place in Almaty", P1, para, P2)
    articles, removed = segment_page(raw)
    assert texts(raw, articles[0].body) == [P1, para, P2] and removed.empty


def test_photo_credit_line_and_the_caption_above_it() -> None:
    caption = "Soldiers stand near the airport of Almaty on Friday morning after the clashes"
    credit = "(Photo by Staff Sgt. Jane Doe)"
    raw = page("Curfew stays in place in Almaty", P1, caption + "\n" + credit, P2)
    articles, removed = segment_page(raw)
    assert texts(raw, articles[0].body) == [P1, P2]
    assert reasons_by_text(raw, removed) == {caption: "caption", credit: "caption"}


def test_trailing_credit_sentence_is_cut_from_a_long_paragraph() -> None:
    long_para = (
        "The ministry reports that rioters destroyed more than a hundred shops and banks and "
        "set fire to more than four hundred vehicles, including police cars, in the city of Almaty."
    )
    raw = page("Damage counted in Almaty", long_para + " Photo credit: Tengrinews.", P1)
    articles, removed = segment_page(raw)
    assert texts(raw, articles[0].body) == [long_para, P1]
    assert reasons_by_text(raw, removed) == {"Photo credit: Tengrinews.": "credit"}


def test_short_paragraph_with_photo_credit_is_a_caption() -> None:
    caption = "The meeting of the security council on Jan. 9. Photo credit: Akorda."
    raw = page("Council meets in the capital", P1, caption, P2)
    articles, removed = segment_page(raw)
    assert texts(raw, articles[0].body) == [P1, P2]
    assert reasons_by_text(raw, removed) == {caption: "caption"}


def test_source_footer_gives_outlet_and_ends_article() -> None:
    title = "Kazakhstan unrest was coup attempt, says president"
    footer = "Kazakhstan unrest was coup attempt, says president - Example News"
    raw = page(title, P1, P2, footer, "This prose after the footer is not part of the article.")
    articles, removed = segment_page(raw)
    assert len(articles) == 1
    assert articles[0].outlet_hint == "Example News"
    assert texts(raw, articles[0].body) == [P1, P2]
    assert reasons_by_text(raw, removed) == {
        footer: "source_footer",
        "This prose after the footer is not part of the article.": "page_footer",
    }


def test_source_footer_after_a_share_prompt() -> None:
    title = "Putin claims victory in defending Kazakhstan from revolt"
    raw = page(title, P1, P2, "Share this", title + " | Reuters")
    articles, removed = segment_page(raw)
    assert articles[0].outlet_hint == "Reuters"
    assert removed["reason"].tolist() == ["share_prompt", "source_footer"]


def test_repeated_headline_and_section_tag() -> None:
    title = "Dozens killed as government unleashes crackdown"
    raw = page("Follow us on social", title, title, "Analysis | Reporting | Asia", P1, P2)
    articles, removed = segment_page(raw)
    assert articles[0].title == line_span(raw, 3)
    assert texts(raw, articles[0].body) == [P1, P2]
    assert removed["reason"].tolist() == ["share_prompt", "repeated_headline", "section_tag"]
    assert removed["line"].tolist() == [1, 5, 7]


def test_teaser_block_after_keep_reading() -> None:
    teaser_title = "What Washington got wrong about Niger"
    teaser_text = "On March 17 the council suspended its military agreement with the United States."
    raw = page(
        "Curfew stays in place in Almaty", P1, P2, P3,
        teaser_title, teaser_text, "keep readingShow less", "Israel-Gaza Crisis",
    )
    articles, removed = segment_page(raw)
    assert len(articles) == 1
    assert texts(raw, articles[0].body) == [P1, P2, P3]
    assert reasons_by_text(raw, removed) == {
        teaser_title: "teaser",
        teaser_text: "teaser",
        "keep readingShow less": "teaser",
        "Israel-Gaza Crisis": "menu",
    }


def test_sub_heading_inside_an_article_is_body() -> None:
    sub = "\u2018Terrorist attack evidence will be revealed to the world\u2019"
    raw = page("Thousands detained in Kazakhstan", P1, P2, sub, P3, P4)
    articles, removed = segment_page(raw)
    assert len(articles) == 1 and removed.empty
    assert texts(raw, articles[0].body) == [P1, P2, sub, P3, P4]


def test_aggregator_page_is_split_at_each_headline_and_byline() -> None:
    raw = page(
        "News, January 2022",
        "Share the link of this article with your facebook friends",
        "Mourning day declared in Kazakhstan",
        "The Astana Times, 9 JANUARY 2022",
        P1, P2,
        "Putin claims victory in Kazakhstan",
        "By Tamara Vaal",
        "Reuters, January 10, 2022",
        P3, P4,
        "Fair Use Notice",
        "This site contains copyrighted material the use of which has not always been authorized.",
    )
    articles, removed = segment_page(raw, source_file="agg.txt")
    assert [a.title_text(raw) for a in articles] == [
        "Mourning day declared in Kazakhstan",
        "Putin claims victory in Kazakhstan",
    ]
    assert [texts(raw, a.body) for a in articles] == [[P1, P2], [P3, P4]]
    assert [a.outlet_hint for a in articles] == ["The Astana Times", "Reuters"]
    assert [a.date_hint for a in articles] == ["9 JANUARY 2022", "January 10, 2022"]
    assert articles[1].byline == "By Tamara Vaal; Reuters, January 10, 2022"
    assert removed["reason"].tolist() == [
        "menu", "share_prompt", "byline", "byline", "byline", "fair_use", "fair_use",
    ]


@pytest.mark.parametrize(
    "byline_line, byline, outlet, date",
    [
        ("The Astana Times, 9 JANUARY 2022", "The Astana Times, 9 JANUARY 2022", "The Astana Times", "9 JANUARY 2022"),
        ("BBC, January 10, 2022", "BBC, January 10, 2022", "BBC", "January 10, 2022"),
        ("By\u00a0Tamara Vaal", "By\u00a0Tamara Vaal", None, None),
        ("Voice of America, Jan. 7, 2022", "Voice of America, Jan. 7, 2022", "Voice of America", "Jan. 7, 2022"),
        ("January 10, 2022", None, None, "January 10, 2022"),  # a dateline, not a byline
    ],
)
def test_byline_and_dateline(byline_line: str, byline, outlet, date) -> None:
    raw = page("Putin claims victory in Kazakhstan", byline_line, P1, P2)
    articles, removed = segment_page(raw)
    art = articles[0]
    assert (art.byline, art.outlet_hint, art.date_hint) == (byline, outlet, date)
    assert removed["reason"].tolist() == ["byline" if byline else "dateline"]


@pytest.mark.parametrize(
    "para",
    [
        "NUR-SULTAN, Jan 10 (Reuters) - Russian President Vladimir Putin claimed victory on Monday.",
        "By January 9, most of the troops had left the city, officials said.",
    ],
)
def test_body_paragraphs_that_look_like_bylines_stay_body(para: str) -> None:
    raw = page("Putin claims victory in Kazakhstan", para, P1, P2)
    articles, removed = segment_page(raw)
    assert texts(raw, articles[0].body) == [para, P1, P2] and removed.empty


def test_republication_credit_names_the_outlet() -> None:
    credit = "This article has been republished with permission from\u00a0Eurasianet."
    raw = page("Dozens killed in Almaty", P1, P2, credit, "Some text after the credit that is not body.")
    articles, removed = segment_page(raw)
    assert articles[0].outlet_hint == "Eurasianet"
    assert texts(raw, articles[0].body) == [P1, P2]
    assert reasons_by_text(raw, removed)[credit] == "credit"


def test_page_without_headline_falls_back_to_longest_prose_run() -> None:
    raw = page("Home", P1, P2, P3, "Contact us")
    articles, removed = segment_page(raw)
    assert len(articles) == 1 and articles[0].title is None
    assert texts(raw, articles[0].body) == [P1, P2, P3]
    assert removed["reason"].tolist() == ["menu", "menu"]


def test_excerpt_escapes_control_characters() -> None:
    raw = page("Follow us\x07 on social \\ now", "Curfew stays in place in Almaty", P1, P2)
    _, removed = segment_page(raw)
    assert removed["excerpt"].tolist() == ["Follow us\\x07 on social \\\\ now"]


def test_crlf_page() -> None:
    raw = page("Curfew stays in place in Almaty", P1, P2).replace("\n", "\r\n")
    articles, removed = segment_page(raw)
    assert articles[0].title_text(raw) == "Curfew stays in place in Almaty"
    assert texts(raw, articles[0].body) == [P1, P2]
    coverage_check(raw, articles, removed)


# --- the furniture file ---------------------------------------------------------------


def test_researcher_can_add_furniture_without_python(tmp_path: Path) -> None:
    default = FURNITURE_PATH.read_text(encoding="utf-8")
    custom = default.replace(
        "line_patterns:\n",
        "line_patterns:\n  - reason: advert\n    patterns: ['^advertisement$']\n",
        1,
    )
    path = tmp_path / "furniture.yaml"
    path.write_text(custom, encoding="utf-8")
    raw = page("Curfew stays in place in Almaty", P1, "ADVERTISEMENT", P2)
    default_articles, _ = segment_page(raw)
    assert "ADVERTISEMENT" in texts(raw, default_articles[0].body)
    articles, removed = segment_page(raw, furniture=path)
    assert texts(raw, articles[0].body) == [P1, P2]
    assert reasons_by_text(raw, removed) == {"ADVERTISEMENT": "advert"}


@pytest.mark.parametrize(
    "content, message",
    [
        ("line_patterns:\n  - reason: x\n    patterns: ['(unclosed']\nmonths: [jan]\n", "bad regex"),
        ("menu_items: []\nmonths: [jan]\n", "unknown key"),
        ("line_patterns:\n  - patterns: ['x']\nmonths: [jan]\n", "needs 'reason'"),
        ("line_patterns:\n  - reason: x\n    patterns: '^x$'\nmonths: [jan]\n", "list of 'patterns'"),
        ("months: [jan]\nthresholds: {min_words: 3}\n", "unknown threshold"),
    ],
)
def test_bad_furniture_file_is_reported(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_furniture(path)
    assert "bad.yaml" in str(err.value)


# --- the coverage check ----------------------------------------------------------------


def test_coverage_check_detects_a_silent_drop() -> None:
    raw = page("Share this", "Curfew stays in place in Almaty", P1, P2)
    articles, removed = segment_page(raw)
    coverage_check(raw, articles, removed)
    with pytest.raises(ValueError, match="line 1"):
        coverage_check(raw, articles, removed.iloc[1:])
    shorter = ArticleSegment(title=articles[0].title, body=articles[0].body[:1])
    with pytest.raises(ValueError, match="line 7"):
        coverage_check(raw, [shorter], removed)


def test_coverage_check_detects_double_claims_and_bad_spans() -> None:
    raw = page("Curfew stays in place in Almaty", P1, P2)
    articles, removed = segment_page(raw)
    art = articles[0]
    doubled = ArticleSegment(title=art.title, body=art.body + (art.body[0],))
    with pytest.raises(ValueError, match="overlaps"):
        coverage_check(raw, [doubled], removed)
    outside = ArticleSegment(title=art.title, body=art.body + ((len(raw), len(raw) + 5),))
    with pytest.raises(ValueError, match="outside"):
        coverage_check(raw, [outside], removed)


# --- invariants on arbitrary pages ------------------------------------------------------

_PARAGRAPHS = st.sampled_from(
    [
        P1, P2, P3, P4, "Curfew stays in place in Almaty", "By Tamara Vaal", "BBC, January 10, 2022",
        "January 10, 2022", "Share this", "keep readingShow less", "Analysis | Reporting | Asia",
        "Curfew stays in place in Almaty - Example News", "Fair Use Notice", "Photo credit: Akorda.",
        "Crowds in Almaty. REUTERS/Pavel Mikheyev", "(Photo by Jane Doe)", "Home", "",
        "\u00a0", "x", "A very long paragraph without a full stop " * 10,
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PARAGRAPHS, max_size=14), st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]))
def test_any_page_conserves_text(paragraphs: list[str], sep: str) -> None:
    raw = sep.join(paragraphs)
    articles, removed = segment_page(raw)
    coverage_check(raw, articles, removed)
    spans = [s for a in articles for s in ((a.title,) if a.title else ()) + a.body]
    spans += list(zip(removed["start"], removed["end"], strict=True))
    for a, b in spans:
        assert b > a and raw[a:b] == raw[a:b].strip()
