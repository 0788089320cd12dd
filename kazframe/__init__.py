"""kazframe: narrative-framing analysis of news coverage, with voice and speaker attribution.

The public API is re-exported here; see README.md for the table columns each function returns.
Importing kazframe changes no global state (no rcParams, no downloads, no network).
"""

from __future__ import annotations

from .claims import claims
from .compare import classify_blocs, compare_groups, keyness, rates, similarity_map
from .corpus import count_by_outlet, load_corpus, load_manifest, raw_offsets, read_raw
from .evaluate import evaluate, read_coding, to_codebook
from .ingest import IngestError, read_corpus, write_report
from .label import MATCH_COLUMNS, kwic, kwic_html, label
from .lexicon import Lexicon, LexiconError, load_lexicon
from .quotes import SpeakerRegistry, find_attributions
from .registry import BLOCS, load_outlets, resolve_outlet
from .timeline import event_dates
from .voices import quotes

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "BLOCS",
    "MATCH_COLUMNS",
    "Lexicon",
    "LexiconError",
    "SpeakerRegistry",
    "IngestError",
    "claims",
    "classify_blocs",
    "compare_groups",
    "count_by_outlet",
    "event_dates",
    "keyness",
    "quotes",
    "rates",
    "read_corpus",
    "similarity_map",
    "write_report",
    "evaluate",
    "find_attributions",
    "kwic",
    "kwic_html",
    "label",
    "load_corpus",
    "load_lexicon",
    "load_manifest",
    "load_outlets",
    "raw_offsets",
    "read_coding",
    "read_raw",
    "resolve_outlet",
    "to_codebook",
]
