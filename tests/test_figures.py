"""kazframe.figures: style, fixed constants, byte-reproducible saving and the plot helpers.

Expected values are worked out by hand from the small tables below (shares such as 20/23,
PDF page width 3.5 in x 72 pt = 252 pt, PNG 300 dpi = 11811 px/m), never copied from output.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from kazframe import figures  # noqa: E402
from kazframe.figures import (  # noqa: E402
    BLOC_COLORS,
    BLOCS,
    VOICE_COLORS,
    VOICES,
    new_figure,
    plot_corpus_composition,
    plot_heatmap,
    plot_keyness,
    plot_rates_ci,
    plot_voice_shares,
    save_figure,
    style,
)

# The Okabe & Ito (2008) palette, typed in from the paper's RGB values.
OKABE_ITO = {
    "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#000000",
}
GREY = "#999999"
KAZAKH = "Қазақстан әіңғүұқөһ"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _rc_snapshot() -> dict[str, str]:
    # 'backend' is resolved lazily by pyplot itself; every other parameter must not move.
    return {k: repr(mpl.rcParams[k]) for k in mpl.rcParams if k != "backend"}


def _hex(color) -> str:
    return to_hex(color, keep_alpha=False)


# --- a figure built the same way in this process and in fresh interpreters -------------------


def build_and_save(outdir: str) -> dict[str, str]:
    """Build a small figure with Cyrillic labels and save it; return {format: path}."""
    articles = pd.DataFrame(
        {
            "outlet": ["Қазинформ", "ТАСС", "BBC", "Azattyq"],
            "bloc": ["kz_state", "russian", "western", "other"],
            "n_articles": [6, 7, 4, 1],
            "n_words": [6100, 7100, 4000, 900],
        }
    )
    ax = plot_corpus_composition(articles)
    written = save_figure(ax.figure, "composition", articles, outdir=outdir)
    return {fmt: str(path) for fmt, path in written.items()}


_CHILD = """
import json, sys
import matplotlib as mpl
snap = lambda: {k: repr(mpl.rcParams[k]) for k in mpl.rcParams if k != "backend"}
before = snap()
import kazframe.figures
after_import = snap()
import runpy
build_and_save = runpy.run_path(sys.argv[1])["build_and_save"]
before_save = snap()  # the test module itself calls matplotlib.use("Agg")
written = build_and_save(sys.argv[2])
print(json.dumps({"import_unchanged": before == after_import,
                  "save_unchanged": before_save == snap(), "written": written}))
"""


@pytest.fixture(scope="module")
def child_runs(tmp_path_factory) -> list[dict]:
    """Two fresh interpreters with different hash seeds, run in parallel."""
    procs = []
    for seed in ("1", "4242"):
        outdir = tmp_path_factory.mktemp(f"seed{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg"}
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", _CHILD, __file__, str(outdir)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_import_and_save_leave_rcparams_unchanged_in_fresh_process(child_runs):
    for run in child_runs:
        assert run["import_unchanged"]
        assert run["save_unchanged"]


def test_files_byte_identical_across_processes_and_hash_seeds(child_runs, tmp_path):
    first, second = (run["written"] for run in child_runs)
    here = build_and_save(str(tmp_path))
    assert set(first) == {"pdf", "svg", "png", "csv"}
    for fmt in first:
        data = Path(first[fmt]).read_bytes()
        assert data == Path(second[fmt]).read_bytes(), fmt
        assert data == Path(here[fmt]).read_bytes(), fmt


def test_two_saves_in_one_process_are_byte_identical(tmp_path):
    one = build_and_save(str(tmp_path / "one"))
    two = build_and_save(str(tmp_path / "two"))
    for fmt in one:
        assert Path(one[fmt]).read_bytes() == Path(two[fmt]).read_bytes(), fmt


def test_rcparams_unchanged_by_new_figure_plot_and_save(tmp_path):
    before = _rc_snapshot()
    fig, ax = new_figure()
    with style():
        assert mpl.rcParams["svg.hashsalt"] == "kazframe"
    assert _rc_snapshot() == before
    build_and_save(str(tmp_path))
    assert _rc_snapshot() == before
    assert plt.fignum_exists(fig.number)


# --- the style ------------------------------------------------------------------------------


def test_style_settings():
    with style():
        rc = mpl.rcParams
        assert rc["text.usetex"] is False
        assert rc["font.sans-serif"][0] == "DejaVu Sans"
        assert 8 <= rc["font.size"] <= 9
        assert rc["pdf.fonttype"] == 42 and rc["ps.fonttype"] == 42
        assert rc["svg.fonttype"] == "path"
        assert rc["svg.hashsalt"] == "kazframe"
        assert rc["figure.dpi"] == 100 and rc["savefig.dpi"] == 300
        assert rc["axes.spines.top"] is False and rc["axes.spines.right"] is False
        assert rc["axes.linewidth"] <= 0.8
        cycle = [_hex(c) for c in rc["axes.prop_cycle"].by_key()["color"]]
        assert set(cycle) == OKABE_ITO


def test_style_ignores_user_rcparams():
    with mpl.rc_context({"font.size": 20, "axes.spines.top": True}), style():
        assert mpl.rcParams["font.size"] == 8
        assert mpl.rcParams["axes.spines.top"] is False


def test_bloc_constants():
    assert BLOCS == ("kz_state", "russian", "western", "other", "unknown")
    assert VOICES == ("own", "reported", "quoted")
    assert tuple(figures.BLOC_LABELS) == BLOCS
    assert figures.BLOC_LABELS["kz_state"] == "Kazakh state"
    assert tuple(BLOC_COLORS) == BLOCS
    colors = [c.lower() for c in BLOC_COLORS.values()]
    assert len(set(colors)) == len(colors)
    assert BLOC_COLORS["unknown"].lower() == GREY
    assert set(colors[:-1]) <= OKABE_ITO
    assert {c.lower() for c in VOICE_COLORS.values()} <= OKABE_ITO
    assert set(figures.VOICE_HATCHES) == set(VOICES)
    assert len(set(figures.VOICE_HATCHES.values())) == len(VOICES)
    assert (figures.SINGLE_COLUMN, figures.DOUBLE_COLUMN) == (3.5, 7.2)


def test_blocs_agree_with_registry():
    registry = pytest.importorskip("kazframe.registry")
    if not hasattr(registry, "BLOCS"):
        pytest.skip("kazframe.registry has no BLOCS yet")
    assert tuple(registry.BLOCS) == BLOCS


def test_style_file_ships_in_package():
    assert figures.STYLE_PATH.is_file()
    assert figures.STYLE_PATH.parent == Path(figures.__file__).parent


# --- new_figure -----------------------------------------------------------------------------


@pytest.mark.parametrize("width, inches", [("single", 3.5), ("double", 7.2), (5, 5.0)])
def test_new_figure_width(width, inches):
    fig, ax = new_figure(width=width, height=2.0)
    assert tuple(fig.get_size_inches()) == pytest.approx((inches, 2.0))
    assert ax.figure is fig


def test_new_figure_grid_of_axes():
    fig, axes = new_figure("double", nrows=2, ncols=3)
    assert axes.shape == (2, 3)
    assert fig.get_size_inches()[1] == pytest.approx(4.8)  # 2.4 in per row


@pytest.mark.parametrize("bad", ["triple", 0, -1.0])
def test_new_figure_rejects_bad_width(bad):
    with pytest.raises(ValueError, match="width"):
        new_figure(width=bad)


def test_new_figure_keeps_style_when_drawn_outside_it():
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    with mpl.rc_context({"xtick.labelsize": 20, "font.family": "serif"}):
        fig.canvas.draw()
    label = ax.xaxis.get_major_ticks()[-1].label1
    assert label.get_fontsize() == 8
    assert ax.spines["top"].get_visible() is False


# --- save_figure ----------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path) -> dict[str, Path]:
    return {fmt: Path(p) for fmt, p in build_and_save(str(tmp_path)).items()}


def test_pdf_embeds_truetype_and_fixed_metadata(saved):
    pdf = saved["pdf"].read_bytes()
    assert b"/FontFile2" in pdf
    assert b"/Type3" not in pdf
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf
    assert b"/Producer (kazframe)" in pdf and b"/Creator (kazframe)" in pdf
    assert b"/MediaBox [ 0 0 252 " in pdf  # 3.5 in x 72 pt: width kept exactly


def test_svg_has_no_date_and_fixed_creator(saved):
    svg = saved["svg"].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "kazframe" in svg
    assert 'width="252pt"' in svg
    assert "<text" not in svg  # text converted to paths


def _png_chunks(data: bytes) -> dict[bytes, list[bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, list[bytes]] = {}
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks.setdefault(kind, []).append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return chunks


def test_png_is_300_dpi_without_timestamp(saved):
    chunks = _png_chunks(saved["png"].read_bytes())
    x_ppm, y_ppm, unit = struct.unpack(">IIB", chunks[b"pHYs"][0])
    assert (x_ppm, y_ppm, unit) == (11811, 11811, 1)  # 300 / 0.0254 m, rounded
    width, _ = struct.unpack(">II", chunks[b"IHDR"][0][:8])
    assert width == 1050  # 3.5 in x 300 dpi
    assert b"tIME" not in chunks
    assert b"Software\x00kazframe" in chunks[b"tEXt"]


def test_csv_fixed_float_format_and_newlines(tmp_path):
    fig, _ = new_figure()
    data = pd.DataFrame({"bloc": ["russian", "western"], "n": [3, 10], "share": [0.1 + 0.2, 1 / 3]})
    written = save_figure(fig, "tiny", data, outdir=tmp_path, formats=())
    assert written == {"csv": (tmp_path / "tiny.csv").resolve()}
    assert written["csv"].read_bytes() == b"bloc,n,share\nrussian,3,0.3\nwestern,10,0.333333\n"


def test_save_figure_returns_paths_in_outdir(tmp_path):
    fig, _ = new_figure()
    written = save_figure(fig, "fig_1-a", pd.DataFrame({"x": [1]}), outdir=tmp_path / "new")
    assert set(written) == {"pdf", "svg", "png", "csv"}
    for fmt, path in written.items():
        assert path == (tmp_path / "new" / f"fig_1-a.{fmt}").resolve()
        assert path.is_file()
    assert plt.fignum_exists(fig.number)  # the caller's figure stays open


def test_default_outdir_is_figures_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(figures.paths, "FIGURES_DIR", tmp_path)
    fig, _ = new_figure()
    written = save_figure(fig, "default", pd.DataFrame({"x": [1]}), formats=("png",))
    assert written["png"].parent == tmp_path.resolve()


@pytest.mark.parametrize(
    "name",
    ["../evil", "..", "a/b", "a\\b", "/tmp/evil", "C:evil", "fig.pdf", "", "name\n", " x", "é"],
)
def test_save_figure_rejects_unsafe_names(tmp_path, name):
    fig, _ = new_figure()
    outdir = tmp_path / "out"
    with pytest.raises(ValueError, match="plain file stem"):
        save_figure(fig, name, pd.DataFrame({"x": [1]}), outdir=outdir)
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


def test_save_figure_rejects_symlink_escape(tmp_path):
    outside = tmp_path / "outside.pdf"
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "link.pdf").symlink_to(outside)
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="outside"):
        save_figure(fig, "link", pd.DataFrame({"x": [1]}), outdir=outdir)
    assert not outside.exists()


def test_save_figure_rejects_bad_format_and_data(tmp_path):
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="unsupported"):
        save_figure(fig, "x", pd.DataFrame(), outdir=tmp_path, formats=("jpg",))
    with pytest.raises(TypeError):
        save_figure(fig, "x", [1, 2], outdir=tmp_path)


# --- Cyrillic -------------------------------------------------------------------------------


def _glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_cyrillic_labels_render_without_missing_glyphs(tmp_path):
    keyness = pd.DataFrame({"term": [KAZAKH, "мятеж", "протест"], "z": [3.0, 2.0, -1.5]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plot_keyness(keyness)
        save_figure(ax.figure, "cyrillic", keyness, outdir=tmp_path)
    assert _glyph_warnings(caught) == []


def test_missing_glyph_check_can_fail(tmp_path):
    # Sanity check of the test above: a CJK character is not in DejaVu Sans.
    keyness = pd.DataFrame({"term": ["中"], "z": [1.0]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plot_keyness(keyness)
        save_figure(ax.figure, "cjk", keyness, outdir=tmp_path, formats=("png",))
    assert _glyph_warnings(caught)


# --- plot helpers ---------------------------------------------------------------------------

ARTICLES = pd.DataFrame(
    {
        "outlet": ["BBC", "Акорда", "ТАСС", "Reuters", "Қазинформ", "Blog"],
        "bloc": ["western", "kz_state", "russian", "western", "kz_state", "unknown"],
        "n_articles": [4, 5, 7, 2, 6, 1],
        "n_words": [4000, 5200, 7100, 2600, 6100, 300],
    }
)

SHARES = pd.DataFrame(
    {
        "family": ["protest"] * 5 + ["terror"] * 2 + ["terror"],
        "bloc": ["russian", "russian", "kz_state", "kz_state", "kz_state", "western", "western",
                 "kz_state"],
        "voice": ["own", "reported", "own", "reported", "quoted", "own", "quoted", "own"],
        "n": [5, 5, 20, 1, 2, 0, 0, 3],
    }
)

RATES = pd.DataFrame(
    {
        "category": ["protest", "protest", "riot", "riot", "terror"],
        "bloc": ["kz_state", "western", "kz_state", "russian", "western"],
        "per_1k_words": [1.2, 3.1, 2.2, 0.5, 4.0],
        "ci_low": [0.8, 2.0, 1.5, np.nan, 3.1],
        "ci_high": [1.6, 4.2, 2.9, np.nan, 5.0],
        "n_articles": [12, 10, 12, 8, 10],
    }
)


def _bar_colors(patches) -> list[str]:
    return [_hex(p.get_facecolor()) for p in patches]


def _ylabels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def test_corpus_composition_bars_ordered_by_bloc_and_value():
    before = ARTICLES.copy()
    fig, ax = new_figure()
    assert plot_corpus_composition(ARTICLES, ax=ax, value="n_articles") is ax
    pd.testing.assert_frame_equal(ARTICLES, before)
    # hand-sorted: bloc order, then largest first
    expected = [("Қазинформ", "kz_state", 6), ("Акорда", "kz_state", 5), ("ТАСС", "russian", 7),
                ("BBC", "western", 4), ("Reuters", "western", 2), ("Blog", "unknown", 1)]
    assert len(ax.patches) == len(expected)
    assert _ylabels(ax) == [o for o, _, _ in expected]
    assert _bar_colors(ax.patches) == [BLOC_COLORS[b].lower() for _, b, _ in expected]
    assert [p.get_width() for p in ax.patches] == [n for _, _, n in expected]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Kazakh state", "Russian", "Western", "Unknown"]


def test_plot_draws_on_given_ax_not_current_axes():
    fig1, ax1 = new_figure()
    fig2, ax2 = new_figure()  # now pyplot's current figure
    plot_corpus_composition(ARTICLES, ax=ax1)
    assert plt.gcf() is fig2
    assert len(ax2.patches) == 0 and len(ax1.patches) == len(ARTICLES)


def test_corpus_composition_validates_input():
    with pytest.raises(ValueError, match="bloc"):
        plot_corpus_composition(ARTICLES.assign(bloc="kazakh"))
    with pytest.raises(ValueError, match="one row per"):
        plot_corpus_composition(pd.concat([ARTICLES, ARTICLES.head(1)]))
    with pytest.raises(ValueError, match="missing columns"):
        plot_corpus_composition(ARTICLES.drop(columns="n_words"))
    with pytest.raises(ValueError, match="missing values"):
        plot_corpus_composition(ARTICLES.assign(outlet=None))


def test_voice_shares_stacks_hand_computed_shares():
    before = SHARES.copy()
    fig, ax = new_figure("double")
    assert plot_voice_shares(SHARES, ax=ax) is ax
    pd.testing.assert_frame_equal(SHARES, before)
    # bars top to bottom: protest/kz_state (20,1,2), protest/russian (5,5,0),
    # terror/kz_state (3,0,0), terror/western (0,0,0)
    assert _ylabels(ax) == ["Kazakh state", "Russian", "Kazakh state", "Western"]
    expected = {
        "own": [20 / 23, 0.5, 1.0, 0.0],
        "reported": [1 / 23, 0.5, 0.0, 0.0],
        "quoted": [2 / 23, 0.0, 0.0, 0.0],
    }
    assert len(ax.containers) == 3
    for voice, container in zip(VOICES, ax.containers, strict=True):
        assert [p.get_width() for p in container] == pytest.approx(expected[voice])
        assert set(_bar_colors(container)) == {VOICE_COLORS[voice].lower()}
    texts = {t.get_text() for t in ax.texts}
    # counts in wide segments, n per bar, and small counts beside the bar
    assert {"20", "5", "3", "n = 23 (reported 1, quoted 2)", "n = 10", "n = 3", "n = 0"} <= texts
    assert {"protest", "terror"} <= texts


def test_voice_shares_rejects_unknown_voice():
    with pytest.raises(ValueError, match="voice"):
        plot_voice_shares(SHARES.assign(voice="paraphrase"))
    with pytest.raises(ValueError, match="n"):
        plot_voice_shares(SHARES.assign(n=-1))


def test_rates_ci_dots_whiskers_and_colours():
    fig, ax = new_figure()
    assert plot_rates_ci(RATES, ax=ax) is ax
    dots = ax.collections[1::2]
    whiskers = ax.collections[0::2]
    # blocs present, in BLOCS order: kz_state, russian, western
    assert [_hex(d.get_facecolor()[0]) for d in dots] == [
        BLOC_COLORS[b].lower() for b in ("kz_state", "russian", "western")
    ]
    assert sum(len(d.get_offsets()) for d in dots) == len(RATES)
    kz = dots[0].get_offsets()
    assert list(kz[:, 0]) == [1.2, 2.2]
    western = dots[2].get_offsets()
    # dodged: within its row (protest = 0, riot = 1), kz_state sits above western
    assert -0.5 < kz[0, 1] < western[0, 1] < 0.5
    assert 0.5 < kz[1, 1] < 1.5
    ranges = [(s[0][0], s[1][0]) for s in whiskers[0].get_segments()]
    assert ranges == [(0.8, 1.6), (1.5, 2.9)]
    assert len(whiskers[1].get_segments()) == 0  # russian CI missing: no whisker
    assert _ylabels(ax) == ["protest", "riot", "terror"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Kazakh state (n = 12)", "Russian (n = 8)", "Western (n = 10)"]


def test_rates_ci_rejects_inverted_interval():
    with pytest.raises(ValueError, match="ci_low > ci_high"):
        plot_rates_ci(RATES.assign(ci_low=5.0, ci_high=1.0))


def test_heatmap_cells_annotations_and_colorbar():
    fig, ax = new_figure()
    assert plot_heatmap(RATES, row="category", col="bloc", value="per_1k_words", ax=ax) is ax
    mesh = ax.collections[0]
    cells = np.ma.masked_invalid(mesh.get_array()).reshape(3, 3)
    # rows protest/riot/terror; columns kz_state/russian/western
    assert cells.filled(-1).tolist() == [[1.2, -1, 3.1], [2.2, 0.5, -1], [-1, -1, 4.0]]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["1.2", "3.1", "2.2", "0.5", "4.0", "–", "–", "–", "–"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Kazakh state", "Russian", "Western"]
    assert len(fig.axes) == 2  # the colour bar
    assert mesh.cmap.name == "cividis"
    assert mesh.norm.vmin == 0


def test_keyness_top_terms_per_side():
    keyness = pd.DataFrame(
        {"term": ["мятеж", "terror", "protest", "crackdown", "coup", "peaceful"],
         "z": [5.1, 4.2, -3.3, -6.0, 2.0, -2.5]}
    )
    fig, ax = new_figure()
    assert plot_keyness(keyness, ax=ax, top=2) is ax
    assert _ylabels(ax) == ["мятеж", "terror", "crackdown", "protest"]
    assert [p.get_width() for p in ax.patches] == [5.1, 4.2, -6.0, -3.3]
    colors = _bar_colors(ax.patches)
    assert colors[0] == colors[1] != colors[2] == colors[3]


def test_keyness_groups_use_bloc_colours():
    keyness = pd.DataFrame(
        {"term": ["a", "b", "c"], "z": [2.0, 3.0, 1.0], "group": ["western", "russian", "western"]}
    )
    fig, ax = new_figure()
    plot_keyness(keyness, ax=ax)
    assert _ylabels(ax) == ["b", "a", "c"]  # russian before western (BLOCS order)
    assert _bar_colors(ax.patches) == [BLOC_COLORS[b].lower() for b in ("russian", "western",
                                                                          "western")]
    with pytest.raises(ValueError, match="top"):
        plot_keyness(keyness, ax=ax, top=0)


def test_plot_without_ax_creates_styled_figure():
    ax = plot_rates_ci(RATES)
    assert ax.figure.get_size_inches()[0] == pytest.approx(figures.SINGLE_COLUMN)
    assert ax.spines["right"].get_visible() is False
