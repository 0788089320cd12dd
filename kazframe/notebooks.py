"""Execute the numbered notebooks headless, in a fresh kernel each, in order.

This is the main job (``make figures`` / ``kazframe figures``): every notebook in
``notebooks/`` named ``NN-slug.ipynb`` runs top to bottom and writes its figures.
Executed copies (with outputs) go to a separate folder so the stored notebooks stay
output-free.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from . import paths

__all__ = ["list_notebooks", "run_notebook", "run_notebooks"]

_NAME_RE = re.compile(r"^\d{2}-[a-z0-9-]+\.ipynb$")


def list_notebooks(folder: str | Path | None = None) -> list[Path]:
    """The numbered notebooks of ``folder`` (default ``notebooks/``), in order."""
    folder = Path(folder) if folder is not None else paths.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("*.ipynb") if _NAME_RE.match(p.name))


def run_notebook(path: str | Path, *, out_dir: str | Path | None = None, timeout: int = 600,
                 figures_dir: str | Path | None = None) -> nbformat.NotebookNode:
    """Execute one notebook in a fresh kernel, with its folder as working directory.

    Parameters
    ----------
    path : str or Path
        The notebook.
    out_dir : str or Path, optional
        Where to write the executed copy (same file name). Nothing is written if None.
    timeout : int
        Seconds allowed per cell.
    figures_dir : str or Path, optional
        Where the notebook's figures go (sets ``KAZFRAME_FIGURES`` for the kernel).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook. A failing cell raises ``nbclient.exceptions.CellExecutionError``
        naming the notebook and the cell.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    env_backup = os.environ.get("KAZFRAME_FIGURES")
    if figures_dir is not None:
        os.environ["KAZFRAME_FIGURES"] = str(Path(figures_dir).resolve())
    try:
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    finally:
        if figures_dir is not None:
            if env_backup is None:
                os.environ.pop("KAZFRAME_FIGURES", None)
            else:
                os.environ["KAZFRAME_FIGURES"] = env_backup
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / path.name)
    return nb


def run_notebooks(folder: str | Path | None = None, *, out_dir: str | Path | None = None,
                  figures_dir: str | Path | None = None, verbose: bool = True) -> list[Path]:
    """Execute every numbered notebook of ``folder`` in order; return their paths."""
    done = []
    for nb_path in list_notebooks(folder):
        if verbose:
            print(f"running {nb_path.name} ...", flush=True)
        run_notebook(nb_path, out_dir=out_dir, figures_dir=figures_dir)
        done.append(nb_path)
    return done
