"""Labeling framing terms with voice and speaker, and keyword-in-context views.

:func:`label` runs three steps over each article's ``title`` and ``text``:

1. **Match.** The lexicon (``data/lexicon.yaml``, see :mod:`kazframe.lexicon`) is compiled
   once into an Aho-Corasick automaton and run over the *folded* copy of the text
   (:func:`kazframe.text.fold`: same length, so offsets are shared). Overlaps are resolved
   leftmost-longest: "coup attempt" is one match, not "coup" plus "coup attempt".
2. **Who speaks.** Articles with at least one match go through the quotation and attribution
   model of :mod:`kazframe.quotes`: quotation spans (straight, curly, single, double,
   guillemets, nested, running over paragraphs), reported-speech scopes of reporting verbs
   and attribution phrases, "so-called", attributed headlines, and speakers resolved through
   ``data/speakers.csv``. A term's voice is the innermost span that holds it: a quotation
   (``quoted``), else a reported scope (``reported``), else ``own``.
   Each article is matched with the entries of its own ``language`` when the lexicon has
   entries for it (``en``, ``ru``); an article in another language (``kk`` for Kazakh, ``und``
   when undetermined) is matched with all entries, so Russian or English words inside it are
   still found. Kazakh has no lexicon of its own yet: its rates count only those words.
3. **Place.** Every match gets its sentence (NLTK Punkt, offline) and its offsets in the raw
   source file, so ``read_raw(source_file)[start:end] == text``.

The *matches* table has the stable columns of :data:`MATCH_COLUMNS`; the value sets of
``voice``, ``short_quote``, ``speaker`` and ``speaker_group`` follow the codebook.
"""

from __future__ import annotations

import html
from bisect import bisect_right

import pandas as pd
from tqdm import tqdm

from .corpus import read_raw
from .lexicon import Lexicon, load_lexicon
from .quotes import SpeakerRegistry, find_attributions, voice_at
from .text import OffsetMap, sentence_spans

__all__ = ["MATCH_COLUMNS", "label", "kwic", "kwic_html"]

#: Stable columns of the matches table (more may follow them).
MATCH_COLUMNS = (
    "article_id", "source_file", "start", "end", "text", "entry", "category", "frame",
    "sentence_id", "voice", "short_quote", "speaker", "speaker_group",
)
_EXTRA_COLUMNS = ("field", "text_start", "text_end", "concept", "language", "lexicon_version")
#: ``label`` shows a progress bar by default from this many articles on.
PROGRESS_MIN_ARTICLES = 2000
#: What ``label(..., voice=False)`` puts in the voice columns: not analysed (missing).
_NO_VOICE = (None, False, None, None)
_STR_DTYPE = pd.Series(["x"]).dtype  # the default string dtype of this pandas version


def _raw_piece(article: dict, field: str, raw: str | None, s: str, a: int, b: int, ra: int, rb: int) -> str:
    """The matched text as in the raw source: the record's raw text when the table carries it
    (``raw_text``/``raw_title`` of :func:`kazframe.read_corpus` with ``keep_raw=True``), else
    the raw file, else the article text itself."""
    own_raw = article.get("raw_title" if field == "title" else "raw_text")
    if isinstance(own_raw, str):
        return own_raw[ra:rb]
    if raw is not None:
        return raw[ra:rb]
    return s[a:b]


def _entry_info(lexicon: Lexicon) -> dict[str, dict]:
    """``entry -> {category, frame, concept, language}`` (a dict lookup per match, not ``.loc``)."""
    table = lexicon.entries.set_index("entry")[["category", "frame", "concept", "language"]]
    return table.to_dict("index")


def _article_matches(article, lexicon: Lexicon, speakers: SpeakerRegistry | None, entries: dict[str, dict],
                     raw: str | None) -> list[dict]:
    title, body = article["title"] or "", article["text"] or ""
    language = article.get("language")
    language = language if language in lexicon.languages else None
    found = {"title": lexicon.find_text(title, language) if title else [],
             "text": lexicon.find_text(body, language) if body else []}
    if not found["title"] and not found["text"]:
        return []
    if speakers is None:  # voice=False: terms and sentences only
        title_attr = body_attr = None
    else:
        title_attr, body_attr = find_attributions(body, title=title, speakers=speakers)
    title_sents = sentence_spans(title)
    body_sents = sentence_spans(body)
    rows = []
    for field, spans in found.items():
        if not spans:
            continue
        s = title if field == "title" else body
        attrs = title_attr if field == "title" else body_attr
        sents = title_sents if field == "title" else body_sents
        sent_starts = [a for a, _ in sents]
        offset = 0 if field == "title" else len(title_sents)
        omap = OffsetMap.from_list(article[f"{field}_offsets"])
        for a, b, entry in spans:
            voice, short, speaker, group = _NO_VOICE if attrs is None else voice_at(attrs, a, b)
            ra, rb = omap.span_to_raw(a, b)
            k = max(bisect_right(sent_starts, a) - 1, 0)
            info = entries[entry]
            rows.append(
                {
                    "article_id": article["article_id"],
                    "source_file": article["source_file"],
                    "start": ra,
                    "end": rb,
                    "text": _raw_piece(article, field, raw, s, a, b, ra, rb),
                    "entry": entry,
                    "category": info["category"],
                    "frame": info["frame"],
                    "sentence_id": offset + k,
                    "voice": voice,
                    "short_quote": bool(short),
                    "speaker": speaker,
                    "speaker_group": group,
                    "field": "title" if field == "title" else "body",
                    "text_start": a,
                    "text_end": b,
                    "concept": info["concept"],
                    "language": info["language"],
                    "lexicon_version": lexicon.version,
                }
            )
    return rows


def label(corpus: pd.DataFrame, lexicon: Lexicon | None = None, *,
          speakers: SpeakerRegistry | None = None, raw_texts: dict[str, str] | None = None,
          voice: bool = True, progress: bool | None = None) -> pd.DataFrame:
    """Label every framing term in the corpus with its voice and speaker.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (:func:`kazframe.load_corpus` or :func:`kazframe.read_corpus`).
    lexicon : Lexicon, optional
        Default: the shipped ``data/lexicon.yaml``. Use ``load_lexicon().with_entries(...)``
        to add or override entries from a notebook.
    speakers : SpeakerRegistry, optional
        Default: the shipped ``data/speakers.csv``.
    raw_texts : dict, optional
        ``source_file -> decoded raw text``, to fill ``text`` from the raw source. By default
        a corpus from :func:`kazframe.read_corpus` uses its ``raw_text``/``raw_title`` columns
        and the seed corpus its files in ``data/raw``; without either, ``text`` is taken from
        the article text (identical unless normalisation removed invisible characters inside).
    voice : bool
        Run the quotation and attribution model (default). ``False`` skips it: terms,
        offsets and sentences only, three to four times faster (see ``benchmarks/README.md``),
        for a first count of a very large corpus; ``voice``, ``speaker`` and
        ``speaker_group`` are then missing (``isna()``: not analysed, never ``"own"``) and
        ``short_quote`` is ``False``.
    progress : bool, optional
        Show a progress bar over articles (tqdm, on stderr: a terminal or a notebook
        cell). Default: only for corpora of at least :data:`PROGRESS_MIN_ARTICLES` articles.

    Returns
    -------
    pandas.DataFrame
        One row per matched term occurrence: :data:`MATCH_COLUMNS` (``start``/``end`` are
        offsets into the decoded raw file, ``sentence_id`` counts the title's sentences first),
        then ``field`` (title/body), ``text_start``/``text_end`` (offsets in the article's
        ``title``/``text``), ``concept``, ``language`` and ``lexicon_version``.
        Sorted by article (corpus order) and position.
    """
    lexicon = lexicon if lexicon is not None else load_lexicon()
    if voice:
        speakers = speakers if speakers is not None else SpeakerRegistry.load()
    else:
        speakers = None
    entries = _entry_info(lexicon)
    raw_texts = dict(raw_texts or {})
    rows: list[dict] = []
    # A corpus read by read_corpus (it has a ``locator`` column) carries its raw text itself
    # (``raw_text``/``raw_title``); only the manifest's seed corpus is read from data/raw, so a
    # user file that shares a seed file's name is never confused with it.
    from_manifest = "locator" not in corpus.columns
    show = progress if progress is not None else len(corpus) >= PROGRESS_MIN_ARTICLES
    for article in tqdm(corpus.to_dict("records"), desc="label", unit="article", disable=not show):
        src = article["source_file"]
        if src not in raw_texts:
            try:
                raw_texts[src] = read_raw(src) if from_manifest else None
            except (OSError, ValueError):
                raw_texts[src] = None
        rows.extend(_article_matches(article, lexicon, speakers, entries, raw_texts[src]))
    matches = pd.DataFrame(rows, columns=list(MATCH_COLUMNS + _EXTRA_COLUMNS))
    # conservation: matches only come from articles of the corpus
    assert set(matches["article_id"]) <= set(corpus["article_id"]), "label produced matches of unknown articles"
    if not voice:  # missing, as this pandas version's string columns hold it (NaN, or None before 3.0)
        matches = matches.assign(**{c: pd.Series([None] * len(matches), index=matches.index, dtype=_STR_DTYPE)
                                    for c in ("voice", "speaker", "speaker_group")})
    return matches.astype({"start": "int64", "end": "int64", "sentence_id": "int64", "short_quote": bool,
                           "text_start": "int64", "text_end": "int64"})


def kwic(matches: pd.DataFrame, corpus: pd.DataFrame, *, window: int = 60, **filters) -> pd.DataFrame:
    """Keyword in context: one row per match with the words around it.

    Parameters
    ----------
    matches : pandas.DataFrame
        Output of :func:`label` (filter it first, or pass ``filters``).
    corpus : pandas.DataFrame
        The article table the matches come from.
    window : int
        Characters of context on each side (cut at line breaks).
    **filters
        Column equality filters on the matches, e.g. ``entry="terrorist"``, ``voice="own"``,
        ``bloc="western"``; a list value means "any of".

    Returns
    -------
    pandas.DataFrame
        Columns ``article_id, bloc, outlet, field, left, match, right, entry, category, voice,
        short_quote, speaker, speaker_group, start, end``; ``start``/``end`` are raw offsets,
        so a coder can find the word in the source. Write it with ``to_csv`` as a coding sheet.
    """
    meta = corpus.set_index("article_id")
    table = matches.join(meta[["bloc", "outlet"]], on="article_id")
    for col, value in filters.items():
        if col not in table.columns:
            raise KeyError(f"kwic: no column {col!r} to filter on; columns are {list(table.columns)}")
        values = value if isinstance(value, (list, tuple, set)) else [value]
        table = table[table[col].isin(values)]
    rows = []
    for m in table.itertuples(index=False):
        s = meta.at[m.article_id, "title" if m.field == "title" else "text"]
        left = s[max(0, m.text_start - window) : m.text_start].split("\n")[-1]
        right = s[m.text_end : m.text_end + window].split("\n")[0]
        rows.append(
            {
                "article_id": m.article_id, "bloc": m.bloc, "outlet": m.outlet, "field": m.field,
                "left": left, "match": s[m.text_start : m.text_end], "right": right,
                "entry": m.entry, "category": m.category, "voice": m.voice,
                "short_quote": m.short_quote, "speaker": m.speaker, "speaker_group": m.speaker_group,
                "start": m.start, "end": m.end,
            }
        )
    columns = ["article_id", "bloc", "outlet", "field", "left", "match", "right", "entry", "category",
               "voice", "short_quote", "speaker", "speaker_group", "start", "end"]
    return pd.DataFrame(rows, columns=columns)


def kwic_html(table: pd.DataFrame, *, max_rows: int = 50) -> str:
    """HTML rendering of a :func:`kwic` table with the match highlighted.

    All text is escaped (``html.escape``): article text is never rendered as HTML.
    Display it in a notebook with ``IPython.display.HTML(kwic_html(table))``.
    """
    rows = []
    for r in table.head(max_rows).itertuples(index=False):
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(r.article_id))}</td><td>{html.escape(str(r.voice))}</td>"
            f"<td>{html.escape(str(r.speaker))}</td>"
            f"<td style='text-align:right'>{html.escape(r.left)}</td>"
            f"<td><mark><b>{html.escape(r.match)}</b></mark></td>"
            f"<td style='text-align:left'>{html.escape(r.right)}</td>"
            "</tr>"
        )
    head = "<tr><th>article</th><th>voice</th><th>speaker</th><th>left</th><th>match</th><th>right</th></tr>"
    more = f"<p>{len(table) - max_rows} more rows not shown</p>" if len(table) > max_rows else ""
    return f"<table class='kwic'>{head}{''.join(rows)}</table>{more}"
