"""Validation against hand coding: precision, recall, F1 and Krippendorff's alpha.

A *coding* is a table in the scheme of the codebook (``data/codebook.yaml``; the human
version is ``codebook.md``): one row per coded word occurrence with columns ``seed, start,
end, text, region, article, framing, voice, short_quote, speaker, speaker_group``, where
``start``/``end`` are character offsets in the decoded raw file. :func:`to_codebook` turns
the tool's matches into a coding; :func:`evaluate` compares any two codings (tool vs. coder,
or coder A vs. coder B), taking the second as the reference.

What is scored
--------------
Occurrences are aligned on ``(seed, start, end)``.

* **term**: detection of codebook words in article text. Positives are rows with
  ``region`` in {body, title} and ``framing == "yes"``; words in captions and page furniture,
  and false friends (``framing == "no"``), are negatives, so a match there counts against
  precision. Matches of lexicon entries that contain no codebook word (troops, fuel prices)
  are neither rewarded nor penalised.
* **voice**: on occurrences that both codings detect, per-label precision/recall/F1 for
  ``own``, ``quoted``, ``reported``, their unweighted mean (macro-F1) and accuracy, and
  Krippendorff's alpha (nominal) between the two codings.
* **short_quote**: accuracy on the same occurrences.
* **speaker_group**: accuracy on the occurrences the *reference* codes ``quoted`` or
  ``reported`` (an empty group counts as ``unknown``).

The result is one tidy table, ``field, label, metric, value, n``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import paths
from .stats import krippendorff_alpha, prf_table
from .text import WORD_RE

__all__ = ["load_codebook", "read_coding", "to_codebook", "evaluate", "CodingError"]

CODING_COLUMNS = (
    "seed", "start", "end", "text", "region", "article", "framing", "voice", "short_quote",
    "speaker", "speaker_group",
)
ARTICLE_REGIONS = ("body", "title")


class CodingError(ValueError):
    """A coding file that does not follow the scheme: names file, row and reason."""


@lru_cache(maxsize=8)
def load_codebook(path: str | Path | None = None, *, language: str = "en") -> dict:
    """The coding scheme as data (stems, prefixes, value sets).

    ``data/codebook.yaml`` holds the English stems; another language's stems live in
    ``data/codebook_<language>.yaml`` (e.g. ``codebook_ru.yaml``), with the same value sets.
    """
    if path is None:
        path = paths.DATA_DIR / ("codebook.yaml" if language == "en" else f"codebook_{language}.yaml")
        if not path.exists():
            path = paths.DATA_DIR / "codebook.yaml"
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _stem_re(stems: tuple[str, ...], prefixes: tuple[str, ...]) -> re.Pattern:
    pre = "|".join(map(re.escape, prefixes))
    stem = "|".join(map(re.escape, sorted(stems, key=len, reverse=True)))
    return re.compile(rf"^(?:(?:{pre})-?)?(?:{stem})", re.IGNORECASE)


def codebook_words(raw: str, start: int, end: int, codebook: dict | None = None) -> list[tuple[int, int]]:
    """Spans of the codebook words (see the codebook, section 1) inside ``raw[start:end]``."""
    cb = codebook or load_codebook()
    pattern = _stem_re(tuple(cb["stems"]), tuple(cb["prefixes"]))
    return [
        (start + m.start(), start + m.end())
        for m in WORD_RE.finditer(raw[start:end])
        if pattern.match(m.group(0).replace("\u2010", "-").replace("\u2011", "-"))
    ]


def read_coding(path: str | Path) -> pd.DataFrame:
    """Read a coding CSV and check it against the scheme.

    Raises
    ------
    CodingError
        Naming the file, the data row (1-based, as a spreadsheet shows it: header is row 1)
        and the reason: a missing column, an offset that is not an integer, or a value outside
        its field's value set.
    """
    path = Path(path)
    coding = pd.read_csv(path, keep_default_na=False, dtype=str)
    missing = [c for c in CODING_COLUMNS if c not in coding.columns]
    if missing:
        raise CodingError(f"{path}: header: missing column(s) {missing}")
    values = load_codebook()["fields"]
    for i, row in enumerate(coding.itertuples(index=False), start=2):
        for col in ("start", "end"):
            if not str(getattr(row, col)).isdigit():
                raise CodingError(f"{path}: row {i}: {col} {getattr(row, col)!r} is not an offset")
        for field, allowed in values.items():
            v = getattr(row, field)
            if v != "" and v not in allowed:
                raise CodingError(f"{path}: row {i}: {field} {v!r} is not one of {allowed}")
    return coding.astype({"start": int, "end": int})


def to_codebook(matches: pd.DataFrame, *, raw_texts: dict[str, str] | None = None) -> pd.DataFrame:
    """The tool's matches as a coding in the codebook scheme.

    One row per codebook word inside each match (a multiword match such as "coup d'etat"
    yields the row for "coup"); matches with no codebook word are dropped, since the coding
    scheme does not code them. The stems are those of the match's language
    (:func:`load_codebook`).

    Parameters
    ----------
    matches : pandas.DataFrame
        Output of :func:`kazframe.label`.
    raw_texts : dict, optional
        ``source_file -> decoded raw text``; read with :func:`kazframe.corpus.read_raw` when
        not given.
    """
    from .corpus import read_raw

    raw_texts = dict(raw_texts or {})
    rows = []
    for m in matches.itertuples(index=False):
        if m.source_file not in raw_texts:
            raw_texts[m.source_file] = read_raw(m.source_file)
        raw = raw_texts[m.source_file]
        codebook = load_codebook(language=getattr(m, "language", "en") or "en")
        for a, b in codebook_words(raw, int(m.start), int(m.end), codebook):
            rows.append(
                {
                    "seed": m.source_file,
                    "start": a,
                    "end": b,
                    "text": raw[a:b],
                    "region": "title" if m.field == "title" else "body",
                    "article": m.article_id,
                    "framing": "yes",
                    "voice": m.voice,
                    "short_quote": "yes" if m.short_quote else "no",
                    "speaker": m.speaker,
                    "speaker_group": m.speaker_group,
                }
            )
    return pd.DataFrame(rows, columns=list(CODING_COLUMNS))


def _positives(coding: pd.DataFrame) -> pd.DataFrame:
    keep = coding["region"].isin(ARTICLE_REGIONS) & (coding["framing"] == "yes")
    return coding.loc[keep].drop_duplicates(["seed", "start", "end"])


def _row(field: str, label: str, metric: str, value: float, n: int) -> dict:
    return {"field": field, "label": label, "metric": metric, "value": float(value), "n": int(n)}


def _as_coding(table) -> pd.DataFrame:
    if isinstance(table, (str, Path)):
        return read_coding(table)
    if isinstance(table, (list, tuple)):
        return pd.concat([_as_coding(t) for t in table], ignore_index=True)
    if "seed" not in table.columns and "article_id" in table.columns:
        return to_codebook(table)
    return table


def evaluate(coding, reference, *, seeds=None) -> pd.DataFrame:
    """Score ``coding`` against ``reference`` (both in the codebook scheme).

    Parameters
    ----------
    coding : pandas.DataFrame, path or list of paths
        The coding to score: the tool's matches (:func:`kazframe.label`; converted with
        :func:`to_codebook`), a coding table, or coding CSV file(s) (:func:`read_coding`).
    reference : pandas.DataFrame, path or list of paths
        The reference coding (e.g. the gold standard, or a second coder).
    seeds : iterable of str, optional
        Files to score; default: the files the reference codes.

    Returns
    -------
    pandas.DataFrame
        Tidy rows ``field, label, metric, value, n``: ``term``/``all`` precision, recall, f1;
        ``voice`` per label precision/recall/f1 plus ``macro`` f1, ``all`` accuracy and
        ``krippendorff_alpha``; ``short_quote``/``all`` accuracy; ``speaker_group``/``all``
        accuracy. ``n`` is the number of occurrences the value rests on.
    """
    coding, reference = _as_coding(coding), _as_coding(reference)
    seeds = set(seeds) if seeds is not None else set(reference["seed"])
    ref = _positives(reference[reference["seed"].isin(seeds)])
    got = _positives(coding[coding["seed"].isin(seeds)])
    key = ["seed", "start", "end"]
    both = got.merge(ref, on=key, suffixes=("_got", "_ref"))
    tp, n_got, n_ref = len(both), len(got), len(ref)
    precision = tp / n_got if n_got else 0.0
    recall = tp / n_ref if n_ref else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    rows = [
        _row("term", "all", "precision", precision, n_got),
        _row("term", "all", "recall", recall, n_ref),
        _row("term", "all", "f1", f1, tp),
    ]
    voices = load_codebook()["fields"]["voice"]
    if tp:
        prf = prf_table(both["voice_ref"], both["voice_got"], labels=voices)
        for r in prf.itertuples(index=False):
            if r.label in voices:
                for metric in ("precision", "recall", "f1"):
                    rows.append(_row("voice", r.label, metric, getattr(r, metric), r.support))
        macro = np.mean([prf.loc[prf["label"] == v, "f1"].iloc[0] for v in voices])
        rows.append(_row("voice", "macro", "f1", macro, tp))
        rows.append(_row("voice", "all", "accuracy", (both["voice_ref"] == both["voice_got"]).mean(), tp))
        units = ref[key + ["voice"]].merge(got[key + ["voice"]], on=key, how="outer", suffixes=("_ref", "_got"))
        codings = units[["voice_ref", "voice_got"]].replace("", np.nan)
        rows.append(_row("voice", "all", "krippendorff_alpha", krippendorff_alpha(codings), len(units)))
        rows.append(
            _row("short_quote", "all", "accuracy", (both["short_quote_ref"] == both["short_quote_got"]).mean(), tp)
        )
        attributed = both[both["voice_ref"].isin(["quoted", "reported"])]
        if len(attributed):
            g_ref = attributed["speaker_group_ref"].replace("", "unknown")
            g_got = attributed["speaker_group_got"].replace("", "unknown")
            rows.append(_row("speaker_group", "all", "accuracy", (g_ref == g_got).mean(), len(attributed)))
    return pd.DataFrame(rows, columns=["field", "label", "metric", "value", "n"])
