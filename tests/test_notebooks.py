"""The notebooks: stored without outputs, run top to bottom in a fresh kernel, and reproduce the
committed figures byte for byte."""

from __future__ import annotations

import filecmp
import json
import re

import pytest
from conftest import ROOT

from kazframe.notebooks import list_notebooks, run_notebook

NOTEBOOKS = list_notebooks(ROOT / "notebooks")
EXPECTED = ["00-overview", "01-corpus", "02-lexicon-and-voice", "03-compare-blocs", "04-voices", "05-claims",
            "06-timeline", "07-bring-your-own-corpus", "08-russian"]


def test_the_numbered_notebooks_are_all_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_starts_with_a_title_and_parameters(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith(f"# {path.stem[:2]}")
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells)
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert not re.search(r"^\s*def |^\s*class |os\.chdir|\.\./", code, flags=re.M), "logic belongs in kazframe/"


@pytest.fixture(scope="module")
def fresh_figures(tmp_path_factory):
    """Run every notebook once, in order, writing figures into a fresh folder."""
    out = tmp_path_factory.mktemp("figures")
    executed = {path.name: run_notebook(path, figures_dir=out, timeout=300) for path in NOTEBOOKS}
    return out, executed


def test_notebooks_print_no_warnings(fresh_figures):
    """A reader running the notebooks sees no warning (e.g. tqdm.auto's IProgress warning)."""
    _, executed = fresh_figures
    for name, nb in executed.items():
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                text = output.get("text", "") if output.get("name") == "stderr" else ""
                assert "Warning" not in text, f"{name}: {text[:300]}"


def test_notebooks_run_and_write_every_committed_figure_byte_identically(fresh_figures):
    fresh_figures = fresh_figures[0]
    committed = ROOT / "figures"
    fresh = sorted(p.name for p in fresh_figures.iterdir())
    stored = sorted(p.name for p in committed.iterdir() if p.name != "README.md")
    assert fresh == stored, "figures/ differs from a fresh run: run `make figures` and commit"
    match, mismatch, errors = filecmp.cmpfiles(committed, fresh_figures, fresh, shallow=False)
    assert not mismatch and not errors, f"not byte-identical to a fresh run: {mismatch + errors}"


def test_each_figure_comes_with_pdf_svg_png_and_csv(fresh_figures):
    fresh_figures = fresh_figures[0]
    stems = {p.stem for p in fresh_figures.glob("*.pdf")}
    assert stems, "no figures written"
    for stem in stems:
        for ext in ("svg", "png", "csv"):
            assert (fresh_figures / f"{stem}.{ext}").exists(), f"{stem}.{ext}"
