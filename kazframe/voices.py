"""Who speaks: quotation and reported-speech tables, and who uses which label.

:func:`quotes` lists every direct quotation and every reported statement of the corpus
(not only those holding lexicon terms), found by the attribution model of
:mod:`kazframe.quotes`, with offsets into the raw files like the matches table. A quotation
inside reported speech appears twice: once as the ``quoted`` span, and inside the span of
the ``reported`` statement around it.

From the quotes and the matches:

* :func:`count_voice_shares`: for key label families (``data/key_labels.yaml``), how often
  each bloc uses them in its own voice, in quotations and in reported speech;
* :func:`speaker_shares`: who gets to speak in each bloc (share of quoted or reported words
  by speaker group);
* :func:`speaker_framing`: how each speaker group frames the events (mentions of each
  category per 1,000 words inside that group's quotations or reported statements).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import paths
from .quotes import SpeakerRegistry, find_attributions
from .registry import BLOCS
from .stats import DEFAULT_SEED, group_rng
from .text import OffsetMap

__all__ = [
    "QUOTE_COLUMNS",
    "load_key_labels",
    "quotes",
    "count_voice_shares",
    "speaker_shares",
    "speaker_framing",
]

#: Stable columns of the quotes table (more follow them).
QUOTE_COLUMNS = ("article_id", "source_file", "start", "end", "kind", "speaker", "speaker_group", "verb", "text")
_EXTRA = ("field", "text_start", "text_end", "n_words")
VOICE_ORDER = ("own", "reported", "quoted")


def load_key_labels(path: str | Path | None = None) -> dict[str, list[str]]:
    """Key label families: ``family -> [lexicon concept ids]`` (``data/key_labels.yaml``).

    Families are made of *concepts*, so English and Russian entries of the same concept
    ("terrorists", "террористы") fall in the same family.
    """
    path = Path(path) if path is not None else paths.DATA_DIR / "key_labels.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ValueError(f"{path}: expected a mapping of family name -> list of lexicon concept ids")
    return {str(k): [str(e) for e in v] for k, v in data.items()}


def quotes(corpus: pd.DataFrame, *, speakers: SpeakerRegistry | None = None,
           raw_texts: dict[str, str] | None = None) -> pd.DataFrame:
    """Every direct quotation and reported statement of the corpus.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table.
    speakers : SpeakerRegistry, optional
        Default: ``data/speakers.csv``.
    raw_texts : dict, optional
        ``source_file -> decoded raw text`` used to fill ``text`` from the raw source.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`QUOTE_COLUMNS` (``kind`` is ``quoted`` or ``reported``; ``start``/``end``
        are raw-file offsets; ``speaker_group`` follows the codebook, ``unknown`` when nobody is
        identifiable), then ``field`` (title/body), ``text_start``/``text_end`` (offsets in the
        article's ``title``/``text``) and ``n_words``. Join it to the matches table on
        ``article_id`` and ``field`` with ``text_start <= match.text_start < text_end``.
    """
    from .corpus import read_raw

    speakers = speakers if speakers is not None else SpeakerRegistry.load()
    raw_texts = dict(raw_texts or {})
    rows = []
    from_manifest = "locator" not in corpus.columns  # read_corpus tables carry raw_text/raw_title
    for article in corpus.to_dict("records"):
        src = article["source_file"]
        if src not in raw_texts:
            try:
                raw_texts[src] = read_raw(src) if from_manifest else None
            except (OSError, ValueError):
                raw_texts[src] = None
        title_attr, body_attr = find_attributions(article["text"] or "", title=article["title"] or "",
                                                  speakers=speakers)
        for field, attrs in (("title", title_attr), ("text", body_attr)):
            omap = OffsetMap.from_list(article[f"{field}_offsets"])
            s = article[field] or ""
            own_raw = article.get("raw_title" if field == "title" else "raw_text")
            raw = own_raw if isinstance(own_raw, str) else raw_texts[src]
            for at in attrs:
                ra, rb = omap.span_to_raw(at.start, at.end)
                rows.append(
                    {
                        "article_id": article["article_id"], "source_file": src, "start": ra, "end": rb,
                        "kind": at.kind, "speaker": at.speaker, "speaker_group": at.speaker_group or "unknown",
                        "verb": at.verb, "text": raw[ra:rb] if raw is not None else s[at.start : at.end],
                        "field": "title" if field == "title" else "body", "text_start": at.start,
                        "text_end": at.end, "n_words": at.n_words,
                    }
                )
    table = pd.DataFrame(rows, columns=list(QUOTE_COLUMNS + _EXTRA))
    return table.astype({"start": "int64", "end": "int64", "text_start": "int64", "text_end": "int64",
                         "n_words": "int64"})


def _bloc_order(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(bloc=pd.Categorical(table["bloc"], categories=list(BLOCS), ordered=True))


def _bootstrap_share_bounds(counts: np.ndarray, rng: np.random.Generator, *, n_boot: int,
                            ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each column's share of the row totals, resampling rows (articles).

    ``counts`` is articles x segments; each replicate draws the articles with replacement and
    recomputes ``column sum / total sum``. Replicates with a zero total are ignored.
    """
    quantiles = [(1 - ci) / 2, (1 + ci) / 2]
    draws = rng.integers(0, counts.shape[0], size=(n_boot, counts.shape[0]))
    boot = counts[draws].sum(axis=1)  # replicates x segments
    totals = boot.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, boot / np.where(totals > 0, totals, 1), np.nan)
    low, high = np.nanquantile(shares, quantiles, axis=0)
    return low, high


def count_voice_shares(matches: pd.DataFrame, corpus: pd.DataFrame, *,
                       families: dict[str, list[str]] | None = None, n_boot: int = 2000,
                       ci: float = 0.95, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Voice of key labels per bloc: how often each family is own, reported or quoted.

    Parameters
    ----------
    matches : pandas.DataFrame
        Output of :func:`kazframe.label`.
    corpus : pandas.DataFrame
        The article table (for ``bloc``).
    families : dict, optional
        ``family -> concept ids``; default :func:`load_key_labels`.
    n_boot, ci, seed
        Percentile bootstrap of each share, resampling the bloc's *articles* with
        replacement (occurrences cluster within articles), with one generator per
        (family, bloc) (:func:`kazframe.stats.group_rng`).

    Returns
    -------
    pandas.DataFrame
        One row per (family, bloc, voice) among the blocs that use the family:
        ``family, bloc, voice, n, n_total, share, share_low, share_high, n_articles``
        (``share = n / n_total``; ``n_total`` counts the family's occurrences in the bloc;
        ``n_articles`` the bloc's articles, all of which are resampled), zero rows included
        so every bar has all three voices; ordered by family (file order), bloc and voice.
    """
    families = families if families is not None else load_key_labels()
    blocs = corpus.set_index("article_id")["bloc"]
    parts = []
    for family, concepts in families.items():
        sel = matches[matches["concept"].isin(concepts)]
        sel = sel.assign(bloc=sel["article_id"].map(blocs))
        for bloc in [b for b in BLOCS if b in set(sel["bloc"])]:
            ids = sorted(corpus.loc[corpus["bloc"] == bloc, "article_id"])
            per_article = (sel[sel["bloc"] == bloc].groupby(["article_id", "voice"]).size()
                           .unstack(fill_value=0).reindex(index=ids, columns=list(VOICE_ORDER), fill_value=0))
            counts = per_article.to_numpy(dtype=float)  # articles x voices
            low, high = _bootstrap_share_bounds(counts, group_rng(seed, f"{family}|{bloc}"), n_boot=n_boot, ci=ci)
            n = counts.sum(axis=0)
            for k, voice in enumerate(VOICE_ORDER):
                parts.append({"family": family, "bloc": bloc, "voice": voice, "n": int(n[k]),
                              "n_total": int(n.sum()), "share": n[k] / n.sum(), "share_low": float(low[k]),
                              "share_high": float(high[k]), "n_articles": len(ids)})
    columns = ["family", "bloc", "voice", "n", "n_total", "share", "share_low", "share_high", "n_articles"]
    return pd.DataFrame(parts, columns=columns)


def speaker_shares(quote_table: pd.DataFrame, corpus: pd.DataFrame, *, n_boot: int = 2000, ci: float = 0.95,
                   seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Who gets to speak: share of quoted and of reported words by speaker group, per bloc.

    Parameters
    ----------
    quote_table : pandas.DataFrame
        Output of :func:`quotes`.
    corpus : pandas.DataFrame
        The article table (for ``bloc``; every article of a bloc is resampled, also those
        quoting nobody).
    n_boot, ci, seed
        Percentile bootstrap of each share, resampling the bloc's articles with replacement,
        one generator per (bloc, kind) (:func:`kazframe.stats.group_rng`).

    Returns
    -------
    pandas.DataFrame
        ``bloc, kind, speaker_group, n_spans, n_words, share_words, share_low, share_high,
        n_articles`` where ``share_words`` is the group's share of all words of that kind in
        the bloc's articles. A quotation inside reported speech counts in both kinds.
    """
    blocs = corpus.set_index("article_id")["bloc"]
    table = quote_table.assign(bloc=quote_table["article_id"].map(blocs))
    rows = []
    for (bloc, kind), part in table.groupby(["bloc", "kind"], sort=False):
        ids = sorted(corpus.loc[corpus["bloc"] == bloc, "article_id"])
        words = part.pivot_table(index="article_id", columns="speaker_group", values="n_words", aggfunc="sum",
                                 fill_value=0).reindex(index=ids, fill_value=0)
        groups = list(words.columns)
        counts = words.to_numpy(dtype=float)
        low, high = _bootstrap_share_bounds(counts, group_rng(seed, f"{bloc}|{kind}"), n_boot=n_boot, ci=ci)
        spans = part.groupby("speaker_group").size()
        for k, group in enumerate(groups):
            rows.append({"bloc": bloc, "kind": kind, "speaker_group": group, "n_spans": int(spans[group]),
                         "n_words": int(counts[:, k].sum()), "share_words": counts[:, k].sum() / counts.sum(),
                         "share_low": float(low[k]), "share_high": float(high[k]), "n_articles": len(ids)})
    columns = ["bloc", "kind", "speaker_group", "n_spans", "n_words", "share_words", "share_low", "share_high",
               "n_articles"]
    out = _bloc_order(pd.DataFrame(rows, columns=columns))
    out = out.sort_values(["bloc", "kind", "n_words", "speaker_group"], ascending=[True, True, False, True])
    return out.assign(bloc=out["bloc"].astype(str)).reset_index(drop=True)


def speaker_framing(quote_table: pd.DataFrame, matches: pd.DataFrame, *, kind: str = "quoted") -> pd.DataFrame:
    """How each speaker group frames the events: category mentions inside its statements.

    A match belongs to a statement when it lies inside the statement's span (same article and
    field). The rate is per 1,000 words of that group's statements of the given ``kind``.

    Returns
    -------
    pandas.DataFrame
        ``speaker_group, category, n_mentions, n_words, per_1k_words``.
    """
    spans = quote_table[quote_table["kind"] == kind]
    words = spans.groupby("speaker_group")["n_words"].sum()
    joined = matches.merge(spans[["article_id", "field", "text_start", "text_end", "speaker_group"]],
                           on=["article_id", "field"], suffixes=("", "_q"))
    inside = joined[(joined["text_start"] >= joined["text_start_q"]) & (joined["text_end"] <= joined["text_end_q"])]
    # a match inside two nested statements of the same kind counts once, for the innermost
    inside = inside.assign(_len=inside["text_end_q"] - inside["text_start_q"]).sort_values("_len")
    inside = inside.drop_duplicates(["article_id", "field", "text_start"])
    counts = inside.groupby(["speaker_group_q", "category"]).size().rename("n_mentions").reset_index()
    counts = counts.rename(columns={"speaker_group_q": "speaker_group"})
    counts["n_words"] = counts["speaker_group"].map(words).astype("int64")
    counts["per_1k_words"] = 1000 * counts["n_mentions"] / counts["n_words"]
    return counts.sort_values(["speaker_group", "per_1k_words", "category"],
                              ascending=[True, False, True]).reset_index(drop=True)
