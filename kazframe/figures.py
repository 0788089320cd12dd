"""Publication figures: one style, fixed bloc colours, plot helpers and reproducible saving.

Style
-----
All figures use ``kazframe.mplstyle`` (shipped in the package): DejaVu Sans at 8-9 pt
(matplotlib's bundled font, which covers Russian and Kazakh Cyrillic), no LaTeX, thin
spines without top/right, a light grid on the value axis, TrueType (Type 42) fonts
embedded in PDF, SVG text converted to paths, and the colour-blind-safe palette of
Okabe & Ito (2008, *Color Universal Design*). :func:`style` applies it temporarily
after resetting matplotlib's defaults, so a user's ``matplotlibrc`` cannot change a
figure and importing :mod:`kazframe` changes no global state (``rcParams`` included).

Every plot uses the same bloc order (:data:`BLOCS`), labels (:data:`BLOC_LABELS`) and
colours (:data:`BLOC_COLORS`); voices are ordered by :data:`VOICES` and drawn with
:data:`VOICE_COLORS` plus :data:`VOICE_HATCHES` (so they survive greyscale printing).

Plot helpers
------------
Each ``plot_*`` function takes a tidy DataFrame, draws on the ``ax`` it is given (or
on a new figure from :func:`new_figure`) and returns that ax. They never call
``plt.show()``, never touch pyplot's current axes and never modify the input table.
Artists are created under :func:`style`; decorations a caller adds later outside
``with style():`` follow the global ``rcParams`` instead.

Saving
------
:func:`save_figure` writes PDF, SVG and 300-dpi PNG with fixed metadata (no creation
dates, creator ``"kazframe"``) plus a CSV of the plotted numbers, so re-running an
analysis gives byte-identical files that can be diffed and checked into a compendium.
Layout uses matplotlib's constrained layout, so a saved figure keeps exactly the
declared width (:data:`SINGLE_COLUMN` or :data:`DOUBLE_COLUMN` inches).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Literal

import matplotlib.style as mpl_style
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from kazframe import paths

__all__ = [
    "BLOCS",
    "BLOC_LABELS",
    "BLOC_COLORS",
    "VOICES",
    "VOICE_LABELS",
    "VOICE_COLORS",
    "VOICE_HATCHES",
    "OKABE_ITO",
    "SINGLE_COLUMN",
    "DOUBLE_COLUMN",
    "STYLE_PATH",
    "SAVE_DPI",
    "FLOAT_FORMAT",
    "FEW_ARTICLES",
    "style",
    "new_figure",
    "save_figure",
    "plot_corpus_composition",
    "plot_voice_shares",
    "plot_rates_ci",
    "plot_heatmap",
    "plot_keyness",
    "plot_similarity_map",
    "plot_shares",
    "plot_claims",
    "plot_label_days",
    "save_table",
]

# --- constants, defined once and used by every plot ------------------------------------------

#: Outlet blocs in display order. Same tuple as ``kazframe.registry.BLOCS`` (kept here to
#: avoid an import cycle; a test checks they agree when the registry exists).
BLOCS: tuple[str, ...] = ("kz_state", "russian", "western", "other", "unknown")

BLOC_LABELS: dict[str, str] = {
    "kz_state": "Kazakh state",
    "russian": "Russian",
    "western": "Western",
    "other": "Other",
    "unknown": "Unknown",
}

#: Okabe & Ito (2008) colour-blind-safe palette, with its grey.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}

BLOC_COLORS: dict[str, str] = {
    "kz_state": OKABE_ITO["sky_blue"],
    "russian": OKABE_ITO["vermillion"],
    "western": OKABE_ITO["bluish_green"],
    "other": OKABE_ITO["reddish_purple"],
    "unknown": OKABE_ITO["grey"],
}

#: Voice of a term occurrence (see the codebook): the outlet's own words, reported
#: (indirect) speech, or a direct quotation.
VOICES: tuple[str, ...] = ("own", "reported", "quoted")

VOICE_LABELS: dict[str, str] = {"own": "Own voice", "reported": "Reported", "quoted": "Quoted"}
VOICE_COLORS: dict[str, str] = {
    "own": OKABE_ITO["orange"],
    "reported": OKABE_ITO["yellow"],
    "quoted": OKABE_ITO["blue"],
}
VOICE_HATCHES: dict[str, str] = {"own": "", "reported": "//", "quoted": ".."}

#: Figure widths in inches for one and two journal columns.
SINGLE_COLUMN: float = 3.5
DOUBLE_COLUMN: float = 7.2

STYLE_PATH: Path = Path(__file__).with_name("kazframe.mplstyle")
#: Resolution of saved PNG files (dots per inch).
SAVE_DPI: int = 300
#: Groups with fewer articles than this get hollow dots and dashed whiskers in
#: :func:`plot_rates_ci`: a bootstrap over 2-4 articles has only 3-35 distinct resamples,
#: so its interval is rough (too narrow or too wide), and one article gives none at all.
FEW_ARTICLES: int = 5
#: ``printf``-style format of floats in the CSV written next to each figure.
FLOAT_FORMAT: str = "%.6g"

_CREATOR = "kazframe"
_METADATA: dict[str, dict[str, str | None]] = {
    "pdf": {"Creator": _CREATOR, "Producer": _CREATOR, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": _CREATOR, "Date": None},
    "png": {"Software": _CREATOR},
}
_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_WIDTHS: dict[str, float] = {"single": SINGLE_COLUMN, "double": DOUBLE_COLUMN}
_ROW_HEIGHT = 2.4  # default inches per row of subplots
_BAR_HEIGHT = 0.7  # bar thickness, in units of one row
_MIN_LABEL_SHARE = 0.1  # narrower stacked segments get their count beside the bar
_KEYNESS_SIDE_COLORS = {"positive": OKABE_ITO["blue"], "negative": OKABE_ITO["orange"]}
_MISSING_MARK = "\u2013"  # en dash in heatmap cells with no value
_VALUE_LABELS = {
    "n_words": "Words",
    "n_articles": "Articles",
    "per_1k_words": "Rate per 1,000 words",
    "share_articles": "Share of articles",
}


# --- style, figures, saving ------------------------------------------------------------------


def style() -> AbstractContextManager[None]:
    """Return a context manager that applies the kazframe style temporarily.

    Matplotlib's defaults are restored first (``after_reset=True``), so the result does
    not depend on the user's ``matplotlibrc``; all ``rcParams`` are restored on exit.

    Returns
    -------
    contextlib.AbstractContextManager
        ``matplotlib.style.context`` for :data:`STYLE_PATH`.

    Examples
    --------
    >>> with style():
    ...     fig, ax = new_figure()
    """
    return mpl_style.context(STYLE_PATH, after_reset=True)


def new_figure(
    width: Literal["single", "double"] | float = "single",
    height: float | None = None,
    nrows: int = 1,
    ncols: int = 1,
) -> tuple[Figure, Any]:
    """Create a figure under the kazframe style without changing global ``rcParams``.

    Parameters
    ----------
    width : {"single", "double"} or float, default "single"
        Journal column width (:data:`SINGLE_COLUMN` or :data:`DOUBLE_COLUMN` inches) or a
        width in inches.
    height : float, optional
        Height in inches; default 2.4 inches per row of subplots.
    nrows, ncols : int, default 1
        Grid of subplots, as in ``matplotlib.pyplot.subplots``.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure (registered with pyplot, so notebooks display it; close it with
        ``plt.close(fig)`` when done).
    ax : matplotlib.axes.Axes or numpy.ndarray of Axes
        One Axes when ``nrows == ncols == 1``, else an array of shape ``(nrows, ncols)``
        squeezed like ``pyplot.subplots``.
    """
    import matplotlib.pyplot as plt  # imported lazily: no pyplot state at import time

    fig_width = _WIDTHS.get(width) if isinstance(width, str) else float(width)
    if fig_width is None or not fig_width > 0:
        raise ValueError(f"width must be 'single', 'double' or a positive number; got {width!r}")
    if nrows < 1 or ncols < 1:
        raise ValueError(f"nrows and ncols must be >= 1; got {nrows}, {ncols}")
    fig_height = _ROW_HEIGHT * nrows if height is None else float(height)
    if not fig_height > 0:
        raise ValueError(f"height must be positive; got {height!r}")
    with style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(fig_width, fig_height))
        for ax in np.ravel(axes):
            _materialize_ticks(ax)
    return fig, axes


def save_figure(
    fig: Figure,
    name: str,
    data: pd.DataFrame,
    *,
    outdir: str | Path | None = None,
    formats: Sequence[str] = ("pdf", "svg", "png"),
) -> dict[str, Path]:
    """Save a figure in several formats plus a CSV of its numbers, byte-reproducibly.

    Metadata are fixed (no creation or modification dates; creator/producer/software
    ``"kazframe"``), SVG ids come from a fixed salt and PNG files are 300 dpi, so running
    the same code twice gives byte-identical files. The figure is not closed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to save.
    name : str
        File stem: ASCII letters, digits, ``-`` and ``_`` only (no folders, no suffix).
    data : pandas.DataFrame
        The numbers plotted, written to ``<name>.csv`` (no index, ``"\\n"`` line endings,
        floats formatted with :data:`FLOAT_FORMAT`).
    outdir : str or Path, optional
        Output folder (created if missing); default :data:`kazframe.paths.FIGURES_DIR`.
    formats : sequence of {"pdf", "svg", "png"}, default all three
        Image formats to write.

    Returns
    -------
    dict of str to Path
        Written file per format, plus ``"csv"``.

    Raises
    ------
    ValueError
        If ``name`` is not a plain file stem or a format is not supported.
    TypeError
        If ``data`` is not a DataFrame.
    """
    stem = _check_stem(name)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    unknown = [fmt for fmt in formats if fmt not in _METADATA]
    if unknown:
        raise ValueError(f"unsupported formats {unknown}; choose from {sorted(_METADATA)}")
    folder = Path(paths.FIGURES_DIR if outdir is None else outdir).resolve()
    targets = {fmt: _confined(folder, f"{stem}.{fmt}") for fmt in (*formats, "csv")}
    folder.mkdir(parents=True, exist_ok=True)
    with style():
        for fmt in formats:
            fig.savefig(targets[fmt], format=fmt, dpi=SAVE_DPI, metadata=_METADATA[fmt])
    data.to_csv(
        targets["csv"],
        index=False,
        lineterminator="\n",
        float_format=FLOAT_FORMAT,
        encoding="utf-8",
    )
    return targets


def save_table(table: pd.DataFrame, name: str, *, outdir: str | Path | None = None) -> Path:
    """Write a table as ``<outdir>/<name>.csv`` the way :func:`save_figure` writes its CSV.

    Same rules: ``name`` is a plain file stem confined to the folder (default
    :data:`kazframe.paths.FIGURES_DIR`), no index, ``"\\n"`` line endings, floats with
    :data:`FLOAT_FORMAT`, so re-runs give byte-identical files.
    """
    stem = _check_stem(name)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame; got {type(table).__name__}")
    folder = Path(paths.FIGURES_DIR if outdir is None else outdir).resolve()
    target = _confined(folder, f"{stem}.csv")
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(target, index=False, lineterminator="\n", float_format=FLOAT_FORMAT, encoding="utf-8")
    return target


# --- plot helpers ----------------------------------------------------------------------------


def plot_corpus_composition(
    articles: pd.DataFrame, *, ax: Axes | None = None, value: str = "n_words"
) -> Axes:
    """Draw one horizontal bar per outlet, coloured and grouped by bloc.

    Parameters
    ----------
    articles : pandas.DataFrame
        One row per outlet with columns ``outlet``, ``bloc`` (one of :data:`BLOCS`) and
        the ``value`` column (normally ``n_articles`` and ``n_words``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new single-column figure.
    value : str, default "n_words"
        Column giving bar length.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. Bars run top to bottom in bloc order (:data:`BLOCS`), largest
        first within a bloc; each bar is labelled with its value.
    """
    _require_columns(articles, ["outlet", "bloc", value], table="articles")
    _check_blocs(articles["bloc"])
    _check_no_missing(articles, ["outlet"], table="articles")
    _check_unique(articles, ["outlet"], table="articles")
    _check_finite_nonnegative(articles[value], column=value)
    ordered = (
        articles.assign(_bloc_rank=articles["bloc"].map(BLOCS.index))
        .sort_values(["_bloc_rank", value, "outlet"], ascending=[True, False, True], kind="stable")
        .reset_index(drop=True)
    )
    y = _group_positions(ordered["bloc"], gap=0.5)
    ax = _axes_or_new(ax, n_rows=len(ordered))
    with style():
        ax.barh(
            y,
            ordered[value],
            height=_BAR_HEIGHT,
            color=[BLOC_COLORS[b] for b in ordered["bloc"]],
        )
        for pos, amount in zip(y, ordered[value], strict=True):
            ax.annotate(
                _format_number(amount),
                (amount, pos),
                xytext=(2, 0),
                textcoords="offset points",
                va="center",
                ha="left",
            )
        ax.set_yticks(y, labels=[str(o) for o in ordered["outlet"]])
        ax.set_ylim(max(y, default=0) + 0.6, -0.6)
        ax.set_xlim(left=0)
        ax.set_xlabel(_VALUE_LABELS.get(value, value))
        _value_grid(ax, axis="x")
        _bloc_legend(ax, ordered["bloc"])
    return ax


def plot_voice_shares(shares: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Draw stacked bars of the own / reported / quoted share per label family and bloc.

    Shares are computed from the counts ``n``. Each segment wide enough to hold it shows
    its count; every bar is followed by its total ``n = ...`` and the counts of any
    segment too narrow to label, so small numbers are never hidden.

    Parameters
    ----------
    shares : pandas.DataFrame
        Columns ``family`` (label family), ``bloc`` (one of :data:`BLOCS`), ``voice`` (one
        of :data:`VOICES`) and ``n`` (non-negative count); at most one row per
        (family, bloc, voice). Missing voices count as 0.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new double-column figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar container per voice (in :data:`VOICES` order), each
        with one bar per (family, bloc), families top to bottom in order of appearance
        (or categorical order), blocs in :data:`BLOCS` order within a family.
    """
    _require_columns(shares, ["family", "bloc", "voice", "n"], table="shares")
    _check_blocs(shares["bloc"])
    _check_values(shares["voice"], VOICES, column="voice")
    _check_no_missing(shares, ["family"], table="shares")
    _check_unique(shares, ["family", "bloc", "voice"], table="shares")
    _check_finite_nonnegative(shares["n"], column="n")
    families = _levels(shares["family"])
    counts = (
        shares.pivot_table(index=["family", "bloc"], columns="voice", values="n", aggfunc="sum",
                           observed=True)
        .reindex(columns=list(VOICES), fill_value=0)
        .fillna(0)
    )
    bars = pd.MultiIndex.from_tuples(
        [(f, b) for f in families for b in BLOCS if (f, b) in counts.index],
        names=["family", "bloc"],
    )
    counts = counts.reindex(bars)
    totals = counts.sum(axis=1)
    share_table = counts.div(totals.where(totals > 0), axis=0).fillna(0.0)
    y = _group_positions(pd.Series(bars.get_level_values("family")), gap=1.0, lead=1.0)
    ax = _axes_or_new(ax, n_rows=len(bars) + 2 * len(families), width="double")
    with style():
        left = np.zeros(len(bars))
        for voice in VOICES:
            width = share_table[voice].to_numpy(dtype=float)
            ax.barh(
                y,
                width,
                left=left,
                height=_BAR_HEIGHT,
                color=VOICE_COLORS[voice],
                hatch=VOICE_HATCHES[voice],
                edgecolor="white",
                linewidth=0.5,
                label=VOICE_LABELS[voice],
            )
            for pos, start, frac, count in zip(y, left, width, counts[voice], strict=True):
                if frac >= _MIN_LABEL_SHARE:
                    ax.text(start + frac / 2, pos, _format_number(count), ha="center",
                            va="center", color=_text_color(VOICE_COLORS[voice]))
            left = left + width
        for pos, (_, row) in zip(y, counts.iterrows(), strict=True):
            ax.annotate(_bar_note(row), (1.0, pos), xytext=(3, 0), textcoords="offset points",
                        va="center", ha="left", annotation_clip=False)
        for family in families:
            first = y[list(bars.get_level_values("family")).index(family)]
            ax.text(0, first - 0.75, str(family), fontweight="bold", ha="left", va="bottom")
        ax.set_yticks(y, labels=[BLOC_LABELS[b] for b in bars.get_level_values("bloc")])
        ax.set_ylim(max(y, default=0) + 0.6, -0.6)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel("Share of occurrences")
        _value_grid(ax, axis="x")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=len(VOICES))
    return ax


def plot_rates_ci(
    rates: pd.DataFrame, *, ax: Axes | None = None, value: str = "per_1k_words",
    low: str = "ci_low", high: str = "ci_high",
) -> Axes:
    """Draw dot-and-whisker estimates with confidence intervals, dodged by bloc.

    Parameters
    ----------
    rates : pandas.DataFrame
        Columns ``category``, ``bloc`` (one of :data:`BLOCS`), the ``value`` column,
        ``ci_low``, ``ci_high`` and ``n_articles``; at most one row per
        (category, bloc). Rows with missing interval bounds get a dot without whisker.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new single-column figure.
    value : str, default "per_1k_words"
        Column holding the point estimate.
    low, high : str, default "ci_low", "ci_high"
        Columns holding the interval bounds (e.g. ``per_1k_low``/``per_1k_high`` of
        :func:`kazframe.compare.rates`).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one row per category (order of appearance, or categorical
        order) and, per bloc present, one scatter (dots) and one line collection
        (whiskers) in :data:`BLOC_COLORS`. The legend gives each bloc's ``n_articles``; a
        bloc with fewer than :data:`FEW_ARTICLES` articles is drawn with hollow dots and
        dashed whiskers and marked "rough interval".

    Raises
    ------
    ValueError
        If ``ci_low > ci_high`` in some row, or on duplicate (category, bloc) rows.
    """
    rates = rates.rename(columns={low: "ci_low", high: "ci_high"})
    _require_columns(rates, ["category", "bloc", value, "ci_low", "ci_high", "n_articles"],
                     table="rates")
    _check_blocs(rates["bloc"])
    _check_no_missing(rates, ["category"], table="rates")
    _check_unique(rates, ["category", "bloc"], table="rates")
    if (rates["ci_low"] > rates["ci_high"]).any():
        raise ValueError("rates has rows with ci_low > ci_high")
    categories = _levels(rates["category"])
    blocs = [b for b in BLOCS if b in set(rates["bloc"])]
    step = min(0.2, 0.7 / max(len(blocs), 1))
    ax = _axes_or_new(ax, n_rows=len(categories))
    row_of = {c: i for i, c in enumerate(categories)}
    with style():
        for k, bloc in enumerate(blocs):
            part = rates[rates["bloc"] == bloc]
            y = part["category"].map(row_of).to_numpy(dtype=float) + (k - (len(blocs) - 1) / 2) * step
            whisker = part[["ci_low", "ci_high"]].notna().all(axis=1).to_numpy()
            few = bool(pd.to_numeric(part["n_articles"], errors="coerce").max() < FEW_ARTICLES)
            label = _bloc_n_label(bloc, part["n_articles"]) + (", rough interval" if few else "")
            ax.hlines(y[whisker], part["ci_low"][whisker], part["ci_high"][whisker],
                      color=BLOC_COLORS[bloc], linewidth=1.0, linestyles="dashed" if few else "solid")
            ax.scatter(part[value], y, s=14, zorder=3, label=label,
                       facecolors="white" if few else BLOC_COLORS[bloc], edgecolors=BLOC_COLORS[bloc],
                       linewidths=0.8)
        ax.set_yticks(range(len(categories)), labels=[str(c) for c in categories])
        ax.set_ylim(len(categories) - 0.5, -0.5)
        if (rates[[value, "ci_low"]].min(skipna=True) >= 0).all():
            ax.set_xlim(left=0)
        ax.set_xlabel(_VALUE_LABELS.get(value, value))
        _value_grid(ax, axis="x")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=min(len(blocs), 2))
    return ax


def plot_heatmap(
    table: pd.DataFrame,
    *,
    row: str,
    col: str,
    value: str,
    ax: Axes | None = None,
    fmt: str = "{:.1f}",
) -> Axes:
    """Draw an annotated heatmap of ``value`` by ``row`` and ``col`` with a colour bar.

    Uses the sequential, colour-blind-safe ``cividis`` colour map. Missing combinations
    are marked with an en dash on a light grey background (distinct from a coloured 0,
    which is annotated with its value). The colour
    scale starts at 0 unless some value is negative.

    Parameters
    ----------
    table : pandas.DataFrame
        Long table with at most one row per (``row``, ``col``).
    row, col, value : str
        Columns for the heatmap rows, columns and cell values. Levels are ordered by
        :data:`BLOCS` when they are blocs (and labelled with :data:`BLOC_LABELS`), by
        categorical order for categoricals, else by order of appearance.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new single-column figure.
    fmt : str, default "{:.1f}"
        ``str.format`` pattern of the cell annotations.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (the colour bar gets its own axes in the same figure).
    """
    _require_columns(table, [row, col, value], table="table")
    _check_no_missing(table, [row, col], table="table")
    _check_unique(table, [row, col], table="table")
    row_levels, col_levels = _levels(table[row]), _levels(table[col])
    matrix = (
        table.pivot(index=row, columns=col, values=value)
        .reindex(index=row_levels, columns=col_levels)
        .to_numpy(dtype=float)
    )
    finite = matrix[np.isfinite(matrix)]
    # Anchor the colour scale at 0 for non-negative data, so colour differences are not
    # exaggerated by a data-dependent minimum.
    vmin = min(0.0, float(finite.min())) if finite.size else 0.0
    vmax = float(finite.max()) if finite.size else 1.0
    norm = Normalize(vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1.0)
    ax = _axes_or_new(ax, n_rows=len(row_levels))
    with style():
        mesh = ax.pcolormesh(np.ma.masked_invalid(matrix), cmap="cividis", norm=norm,
                             edgecolors="white", linewidth=0.5)
        for i, j in zip(*np.nonzero(np.isfinite(matrix)), strict=True):
            cell = matrix[i, j]
            ax.text(j + 0.5, i + 0.5, fmt.format(cell), ha="center", va="center",
                    color=_text_color(mesh.cmap(norm(cell))))
        for i, j in zip(*np.nonzero(~np.isfinite(matrix)), strict=True):
            ax.text(j + 0.5, i + 0.5, _MISSING_MARK, ha="center", va="center", color="#777777")
        ax.set_facecolor("#eeeeee")
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.tick_params(length=0)
        col_labels = _level_labels(col_levels)
        rotate = max((len(label) for label in col_labels), default=0) > 8
        ax.set_xticks(np.arange(len(col_levels)) + 0.5, labels=col_labels,
                      rotation=30 if rotate else 0, ha="right" if rotate else "center",
                      rotation_mode="anchor")
        ax.set_yticks(np.arange(len(row_levels)) + 0.5, labels=_level_labels(row_levels))
        ax.set_xlim(0, len(col_levels))
        ax.set_ylim(len(row_levels), 0)
        ax.set_xlabel(col)
        ax.set_ylabel(row)
        colorbar = ax.figure.colorbar(mesh, ax=ax, label=value, shrink=0.9)
        colorbar.outline.set_linewidth(0.5)
    return ax


def plot_keyness(keyness: pd.DataFrame, *, ax: Axes | None = None, top: int = 15) -> Axes:
    """Draw horizontal bars of keyness z-scores for the top terms of each side.

    Parameters
    ----------
    keyness : pandas.DataFrame
        Columns ``term`` and ``z``; optional ``group`` naming the group each term is
        characteristic of. Without ``group`` the sides are ``z > 0`` (drawn in blue, at
        the top) and ``z < 0`` (orange); terms with ``z == 0`` or missing ``z`` are
        skipped. With ``group`` each group is a side, coloured by :data:`BLOC_COLORS`
        when the groups are blocs.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new single-column figure.
    top : int, default 15
        Number of terms per side: the largest ``|z|`` (ties broken by term).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar container with one bar per selected term, sides
        separated by a gap, strongest term first within a side.
    """
    _require_columns(keyness, ["term", "z"], table="keyness")
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
        raise ValueError(f"top must be a positive integer; got {top!r}")
    scored = keyness[keyness["z"].notna()]
    if "group" in scored.columns:
        sides = scored.assign(_side=scored["group"])
        side_levels = _levels(sides["_side"])
        colors = _group_colors(side_levels)
    else:
        scored = scored[scored["z"] != 0]
        sides = scored.assign(_side=np.where(scored["z"] > 0, "positive", "negative"))
        side_levels = [s for s in ("positive", "negative") if s in set(sides["_side"])]
        colors = _KEYNESS_SIDE_COLORS
    chosen = pd.concat(
        [
            sides[sides["_side"] == side]
            .assign(_strength=lambda t: t["z"].abs(), _term=lambda t: t["term"].astype(str))
            .sort_values(["_strength", "_term"], ascending=[False, True], kind="stable")
            .head(top)
            for side in side_levels
        ],
        ignore_index=True,
    ) if side_levels else sides.iloc[0:0]
    y = _group_positions(chosen["_side"], gap=0.8)
    ax = _axes_or_new(ax, n_rows=len(chosen))
    with style():
        ax.barh(y, chosen["z"], height=_BAR_HEIGHT, color=[colors[s] for s in chosen["_side"]])
        ax.axvline(0, color="#333333", linewidth=0.6)
        ax.set_yticks(y, labels=[str(t) for t in chosen["term"]])
        ax.set_ylim(max(y, default=0) + 0.6, -0.6)
        ax.set_xlabel("z")
        _value_grid(ax, axis="x")
        if "group" in keyness.columns and side_levels:
            handles = [Patch(color=colors[s], label=_level_labels([s])[0]) for s in side_levels]
            ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0),
                      ncols=min(len(handles), 3))
    return ax


# --- private helpers -------------------------------------------------------------------------


def _check_stem(name: str) -> str:
    """Return ``name`` if it is a plain file stem, else raise ValueError."""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise ValueError(
            f"figure name must be a plain file stem of ASCII letters, digits, '-' and '_' "
            f"(no folders, dots or suffix); got {name!r}"
        )
    return name


def _confined(folder: Path, filename: str) -> Path:
    """Return ``folder / filename`` resolved, raising ValueError if it leaves ``folder``."""
    target = (folder / filename).resolve()
    if not target.is_relative_to(folder) or target.parent != folder:
        raise ValueError(f"output path {target} is outside the output folder {folder}")
    return target


def _materialize_ticks(ax: Axes) -> None:
    """Create the first major/minor tick of each axis now, under the current style.

    Matplotlib creates ticks lazily and later ticks copy the first one, so doing this
    inside :func:`style` makes tick labels keep the style even when drawn outside it.
    """
    for axis in (ax.xaxis, ax.yaxis):
        axis.get_major_ticks(1)
        axis.get_minor_ticks(1)


def _axes_or_new(
    ax: Axes | None, *, n_rows: int, width: Literal["single", "double"] = "single"
) -> Axes:
    """Return ``ax`` or a new styled axes tall enough for ``n_rows`` rows of labels."""
    if ax is not None:
        return ax
    _, new_ax = new_figure(width=width, height=max(1.8, 0.8 + 0.17 * n_rows))
    return new_ax


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], *, table: str) -> None:
    """Raise ValueError naming the columns of ``columns`` missing from ``frame``."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{table} must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{table} is missing columns {missing}; it has {list(frame.columns)}")


def _check_no_missing(frame: pd.DataFrame, columns: Iterable[str], *, table: str) -> None:
    """Raise ValueError if a key column has missing values (they would vanish silently)."""
    empty = [c for c in columns if frame[c].isna().any()]
    if empty:
        raise ValueError(f"{table} has missing values in key columns {empty}")


def _check_values(values: pd.Series, allowed: Sequence[str], *, column: str) -> None:
    """Raise ValueError if ``values`` holds anything outside ``allowed`` (NaN included)."""
    unknown = sorted({repr(v) for v in values if v not in allowed})
    if unknown:
        raise ValueError(f"unknown {column} values {unknown}; expected one of {list(allowed)}")


def _check_blocs(values: pd.Series) -> None:
    """Raise ValueError on bloc codes outside :data:`BLOCS`."""
    _check_values(values, BLOCS, column="bloc")


def _check_unique(frame: pd.DataFrame, keys: list[str], *, table: str) -> None:
    """Raise ValueError if ``frame`` has more than one row per ``keys``."""
    duplicated = frame.duplicated(subset=keys, keep=False)
    if duplicated.any():
        example = frame.loc[duplicated, keys].iloc[0].tolist()
        raise ValueError(f"{table} must have one row per {keys}; duplicated e.g. {example}")


def _check_finite_nonnegative(values: pd.Series, *, column: str) -> None:
    """Raise ValueError unless every value is a finite number >= 0."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(numbers).all() and (numbers >= 0).all()):
        raise ValueError(f"column {column!r} must hold finite numbers >= 0")


def _levels(values: pd.Series) -> list[Hashable]:
    """Display order of a column: bloc order, categorical order, else first appearance."""
    present = list(pd.unique(values.dropna()))
    if present and all(v in BLOCS for v in present):
        return [b for b in BLOCS if b in present]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if c in present]
    return present


def _level_labels(levels: Sequence[Hashable]) -> list[str]:
    """Human labels: :data:`BLOC_LABELS` for blocs, ``str`` otherwise."""
    return [BLOC_LABELS.get(v, str(v)) if isinstance(v, str) else str(v) for v in levels]


def _group_positions(groups: pd.Series, *, gap: float, lead: float = 0.0) -> np.ndarray:
    """Row positions (top = 0) for consecutive groups, with ``gap`` rows between groups.

    ``lead`` extra rows are left before every group (room for a group heading).
    """
    positions: list[float] = []
    pos = 0.0
    previous: object = None
    for i, group in enumerate(groups):
        if i == 0:
            pos = lead
        elif group != previous:
            pos += 1 + gap + lead
        else:
            pos += 1
        positions.append(pos)
        previous = group
    return np.asarray(positions, dtype=float)


def _group_colors(levels: Sequence[Hashable]) -> dict[Hashable, str]:
    """Bloc colours for bloc groups, else Okabe-Ito colours in order."""
    if all(v in BLOC_COLORS for v in levels):
        return {v: BLOC_COLORS[v] for v in levels}
    cycle = [c for k, c in OKABE_ITO.items() if k not in ("yellow", "grey")]
    return {v: cycle[i % len(cycle)] for i, v in enumerate(levels)}


def _value_grid(ax: Axes, *, axis: Literal["x", "y"]) -> None:
    """Show the style's light grid on the value axis only."""
    ax.grid(False)
    ax.grid(True, axis=axis)
    ax.set_axisbelow(True)


def _bloc_legend(ax: Axes, blocs: Iterable[str]) -> None:
    """Legend of the blocs present, in :data:`BLOCS` order, above the axes."""
    present = set(blocs)
    handles = [Patch(color=BLOC_COLORS[b], label=BLOC_LABELS[b]) for b in BLOCS if b in present]
    if handles:
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0),
                  ncols=min(len(handles), 3))


def _bloc_n_label(bloc: str, n_articles: pd.Series) -> str:
    """Legend label with the bloc's number of articles (a range if it varies)."""
    counts = pd.to_numeric(n_articles, errors="coerce").dropna()
    if counts.empty:
        return BLOC_LABELS[bloc]
    low, high = _format_number(counts.min()), _format_number(counts.max())
    n_text = low if low == high else f"{low}-{high}"
    return f"{BLOC_LABELS[bloc]} (n = {n_text})"


def _bar_note(counts: pd.Series) -> str:
    """``n = total`` plus the counts of segments too narrow to carry their own label."""
    total = counts.sum()
    narrow = [
        f"{VOICE_LABELS[v].lower()} {_format_number(counts[v])}"
        for v in VOICES
        if counts[v] > 0 and counts[v] / total < _MIN_LABEL_SHARE
    ]
    note = f"n = {_format_number(total)}"
    return f"{note} ({', '.join(narrow)})" if narrow else note


def _format_number(amount: float) -> str:
    """Integers without decimals, other numbers with three significant digits."""
    amount = float(amount)
    if amount.is_integer():
        return f"{int(amount):,}"
    return f"{amount:,.3g}"


def _text_color(face: Any) -> str:
    """Black or white, whichever contrasts more with ``face`` (WCAG relative luminance)."""
    channels = np.asarray(to_rgb(face))
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ np.array([0.2126, 0.7152, 0.0722]))
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def plot_similarity_map(points: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Scatter articles on a 2-D map, coloured by bloc and labelled by ``article_id``.

    Parameters
    ----------
    points : pandas.DataFrame
        Columns ``article_id``, ``bloc`` (one of :data:`BLOCS`), ``x``, ``y`` (as returned by
        :func:`kazframe.compare.similarity_map`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new single-column figure.

    Returns
    -------
    matplotlib.axes.Axes
        One scatter per bloc present, one text label per article.
    """
    _require_columns(points, ["article_id", "bloc", "x", "y"], table="points")
    _check_blocs(points["bloc"])
    ax = _axes_or_new(ax, n_rows=8)
    with style():
        for bloc in [b for b in BLOCS if b in set(points["bloc"])]:
            part = points[points["bloc"] == bloc]
            ax.scatter(part["x"], part["y"], color=BLOC_COLORS[bloc], s=22, zorder=3,
                       edgecolors="none", label=BLOC_LABELS[bloc])
        for r in points.itertuples(index=False):
            ax.annotate(str(r.article_id), (r.x, r.y), xytext=(3, 3), textcoords="offset points",
                        fontsize="small")
        ax.set_xlabel("dimension 1")
        ax.set_ylabel("dimension 2")
        ax.legend(loc="best")
    return ax


def plot_shares(table: pd.DataFrame, *, row: str, segment: str, value: str = "share",
                count: str | None = None, ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars of shares: one bar per ``row`` value, one segment per ``segment``.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy table with columns ``row``, ``segment`` and ``value`` (shares in [0, 1]), one
        row per (row, segment); optionally a ``count`` column whose per-bar total is printed
        after each bar.
    row, segment, value : str
        Column names (e.g. ``bloc``, ``speaker_group``, ``share_words``).
    count : str, optional
        Column of counts behind the shares (e.g. ``n_words``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per segment value (Okabe-Ito colours in order of appearance).
    """
    cols = [row, segment, value] + ([count] if count else [])
    _require_columns(table, cols, table="table")
    _check_unique(table, [row, segment], table="table")
    rows = _levels(table[row])
    segments = sorted(pd.unique(table[segment]), key=str)
    palette = [c for k, c in OKABE_ITO.items() if k != "black"]
    ax = _axes_or_new(ax, n_rows=len(rows), width="double")
    grid = table.pivot(index=row, columns=segment, values=value).reindex(index=rows, columns=segments).fillna(0)
    with style():
        left = np.zeros(len(rows))
        for k, seg in enumerate(segments):
            widths = grid[seg].to_numpy(dtype=float)
            ax.barh(range(len(rows)), widths, left=left, color=palette[k % len(palette)],
                    edgecolor="white", linewidth=0.5, label=str(seg), height=_BAR_HEIGHT)
            left = left + widths
        if count:
            totals = table.groupby(row)[count].sum()
            for i, r in enumerate(rows):
                ax.text(1.01, i, f"n = {_format_number(totals.get(r, 0))}", va="center", fontsize="small",
                        transform=ax.get_yaxis_transform())
        ax.set_yticks(range(len(rows)), labels=_level_labels(rows))
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        _value_grid(ax, axis="x")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=min(len(segments), 5))
    return ax


def plot_claims(claims: pd.DataFrame, *, quantities: Sequence[str], axes) -> Any:
    """Dot plot of numeric claims by outlet: one panel per quantity, log-scaled values.

    Parameters
    ----------
    claims : pandas.DataFrame
        Columns ``outlet``, ``bloc``, ``quantity``, ``value``, ``low``, ``high``,
        ``speaker_group`` (as :func:`kazframe.claims.claims_by_outlet` returns). A vague figure
        (``value`` missing) is drawn as a line from ``low`` to ``high``; a bound ("at least",
        "more than") as a dot with an open whisker towards ``high``/``low`` when given.
    quantities : sequence of str
        Quantities to draw, one per axes.
    axes : sequence of matplotlib.axes.Axes
        One axes per quantity (e.g. from ``new_figure(ncols=len(quantities))``).

    Returns
    -------
    The ``axes`` given. Dots are coloured by the outlet's bloc; the speaker group the figure
    is attributed to is printed next to it ("own" when the outlet states it).
    """
    _require_columns(claims, ["outlet", "bloc", "quantity", "value", "low", "high", "speaker_group"],
                     table="claims")
    _check_blocs(claims["bloc"])
    axes = list(np.ravel(axes))
    if len(axes) != len(quantities):
        raise ValueError(f"need one axes per quantity: {len(quantities)} quantities, {len(axes)} axes")
    order = {b: i for i, b in enumerate(BLOCS)}
    outlets = (claims[["outlet", "bloc"]].drop_duplicates()
               .assign(_o=lambda t: t["bloc"].map(order)).sort_values(["_o", "outlet"])["outlet"].tolist())
    row_of = {o: i for i, o in enumerate(outlets)}
    with style():
        for ax, quantity in zip(axes, quantities, strict=True):
            part = claims[claims["quantity"] == quantity]
            counts: dict[str, int] = {}
            for r in part.itertuples(index=False):
                k = counts.get(r.outlet, 0)
                counts[r.outlet] = k + 1
                y = row_of[r.outlet] + 0.18 * k
                color = BLOC_COLORS[r.bloc]
                lo = r.low if pd.notna(r.low) else r.value
                hi = r.high if pd.notna(r.high) else r.value
                if pd.notna(lo) and pd.notna(hi) and hi != lo:
                    ax.hlines(y, lo, hi, color=color, linewidth=1.0)
                if pd.notna(r.value):
                    ax.scatter([r.value], [y], color=color, s=14, zorder=3, edgecolors="none")
                x = r.value if pd.notna(r.value) else hi
                if pd.notna(x):
                    ax.annotate(r.speaker_group or "own", (x, y), xytext=(3, 0), textcoords="offset points",
                                fontsize="x-small", va="center")
            ax.set_xscale("log")
            ax.set_title(quantity)
            ax.set_yticks(range(len(outlets)), labels=outlets if ax is axes[0] else [])
            ax.set_ylim(len(outlets) - 0.5, -0.5)
            _value_grid(ax, axis="x")
    return axes


def plot_label_days(days: pd.DataFrame, *, categories: Sequence[str], axes) -> Any:
    """Label use by event day: one panel per category, bars per day stacked by bloc.

    Parameters
    ----------
    days : pandas.DataFrame
        Columns ``event_date`` (ISO date strings), ``bloc``, ``category``, ``n``.
    categories : sequence of str
        Categories to draw, one per axes, top to bottom.
    axes : sequence of matplotlib.axes.Axes

    Returns
    -------
    The ``axes`` given; every panel shares the same days on the x axis (every day from the
    first to the last date in ``days``, so days without any dated use show as gaps), with
    bars in :data:`BLOC_COLORS`.
    """
    _require_columns(days, ["event_date", "bloc", "category", "n"], table="days")
    _check_blocs(days["bloc"])
    axes = list(np.ravel(axes))
    if len(axes) != len(categories):
        raise ValueError(f"need one axes per category: {len(categories)} categories, {len(axes)} axes")
    present = pd.to_datetime(pd.Series(pd.unique(days["event_date"])))
    all_days = ([d.strftime("%Y-%m-%d") for d in pd.date_range(present.min(), present.max(), freq="D")]
                if len(present) else [])
    col = {d: i for i, d in enumerate(all_days)}
    blocs = [b for b in BLOCS if b in set(days["bloc"])]
    with style():
        for ax, category in zip(axes, categories, strict=True):
            part = days[days["category"] == category]
            bottom = np.zeros(len(all_days))
            for bloc in blocs:
                heights = np.zeros(len(all_days))
                for r in part[part["bloc"] == bloc].itertuples(index=False):
                    heights[col[r.event_date]] += r.n
                ax.bar(range(len(all_days)), heights, bottom=bottom, color=BLOC_COLORS[bloc],
                       label=BLOC_LABELS[bloc], width=0.8)
                bottom = bottom + heights
            ax.set_ylabel(category, rotation=0, ha="right", va="center")
            ax.set_ylim(0, max(1.0, float(bottom.max())) * 1.1)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xticks(range(len(all_days)), labels=[d[5:] for d in all_days] if ax is axes[-1] else [])
            _value_grid(ax, axis="y")
        axes[0].legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=len(blocs))
    return axes
