"""Language of an article: English, Russian, Kazakh, or undetermined.

Method
------
Articles are classified with ``py3langid``, a maintained fork of ``langid.py`` (Lui &
Baldwin 2012): a multinomial naive Bayes model over byte n-grams, trained on 97+ languages
and shipped inside the package (no download). The model is run over *all* its languages,
and the answer is kept only when it is one of :data:`LANGUAGES` (``en``, ``ru``, ``kk``)
with a normalised probability of at least ``min_confidence``; anything else (another
language, a text too short to tell, a tie) is ``"und"``. Running the full model, rather
than restricting it to the three languages, keeps Ukrainian, Kyrgyz or German text from
being forced into the nearest of the three.

Kazakh and Russian share the Cyrillic script; Kazakh has nine letters of its own
(ә ғ қ ң ө ұ ү һ і) and its own function words, which the n-gram model picks up: a Kazakh
paragraph that quotes Russian stays ``kk``, a Russian article quoting the slogan
"Шал, кет!" stays ``ru``. Kazakh in the Latin alphabet (2017-2021 reforms) is not in the
model's training data and comes out ``und`` or wrong; the seed corpus has none.

What the label means downstream
-------------------------------
The lexicon has English and Russian entries (:mod:`kazframe.lexicon`), no Kazakh ones.
An article labelled ``kk`` is therefore matched with no lexicon of its own:
``Lexicon.find(folded, language="kk")`` finds nothing, and such articles should be
reported as *not analysed* rather than as articles without framing terms. Matching a
Kazakh text with ``language=None`` (all entries) finds Russian loanwords only when they
stand uninflected ("теракт" but not Kazakh-suffixed "теракттар"), so its counts are not
comparable with Russian or English ones.

References
----------
Lui, M. & Baldwin, T. (2012). langid.py: An off-the-shelf language identification tool.
*Proceedings of the ACL 2012 System Demonstrations*, 25-30.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

__all__ = ["LANGUAGES", "UNDETERMINED", "KAZAKH_LETTERS", "detect_language", "detect_languages"]

#: Languages that :func:`detect_language` reports.
LANGUAGES = ("en", "ru", "kk")
#: The label for anything else.
UNDETERMINED = "und"
#: Cyrillic letters of Kazakh that Russian does not use (lower case).
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
#: Characters read per text: the opening of an article decides its language.
MAX_CHARS = 3000
#: Fewer letters than this: ``"und"``.
MIN_LETTERS = 8


@lru_cache(maxsize=1)
def _identifier():
    """The py3langid model over all its languages, with probabilities (loaded once)."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError("language detection needs py3langid: pip install py3langid") from exc

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def detect_language(text: str, *, min_confidence: float = 0.5) -> str:
    """The language of a text: ``"en"``, ``"ru"``, ``"kk"`` or ``"und"``.

    Parameters
    ----------
    text : str
        An article (headline and body), or any text. Only the first :data:`MAX_CHARS`
        characters are read.
    min_confidence : float, optional
        Smallest probability (over all the model's languages) to accept; below it the
        answer is ``"und"``.

    Returns
    -------
    str
        One of :data:`LANGUAGES`, or ``"und"`` for another language, a text with fewer
        than :data:`MIN_LETTERS` letters, or an uncertain one.

    Examples
    --------
    >>> detect_language("Президент заявил, что в стране была предпринята попытка переворота.")
    'ru'
    >>> detect_language("Мемлекет басшысы елдегі жағдайға қатысты мәлімдеме жасады.")
    'kk'
    >>> detect_language("ok")
    'und'
    """
    sample = text[:MAX_CHARS]
    if _letters(sample) < MIN_LETTERS:
        return UNDETERMINED
    label, probability = _identifier().classify(sample)
    if label in LANGUAGES and probability >= min_confidence:
        return label
    return UNDETERMINED


def detect_languages(texts: Iterable[str], *, min_confidence: float = 0.5) -> list[str]:
    """:func:`detect_language` for many texts, loading the model once.

    Identical texts (after cutting to :data:`MAX_CHARS`) are classified once, which is
    what makes syndicated copies of one article cheap.

    Parameters
    ----------
    texts : iterable of str
        ``None`` or a missing value counts as an empty text (``"und"``).
    min_confidence : float, optional
        As in :func:`detect_language`.

    Returns
    -------
    list of str
        One label per text, in order.
    """
    seen: dict[str, str] = {}
    out: list[str] = []
    for text in texts:
        sample = text[:MAX_CHARS] if isinstance(text, str) else ""
        label = seen.get(sample)
        if label is None:
            label = detect_language(sample, min_confidence=min_confidence)
            seen[sample] = label
        out.append(label)
    return out
