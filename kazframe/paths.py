"""Where kazframe finds its data files.

``DATA_DIR`` is the project's ``data/`` folder (the package is installed editable from the
repository); set the ``KAZFRAME_DATA`` environment variable to use another folder.
``FIGURES_DIR`` is where figures are written (``KAZFRAME_FIGURES`` overrides it).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("KAZFRAME_DATA", PROJECT_DIR / "data"))
RAW_DIR = DATA_DIR / "raw"
FIGURES_DIR = Path(os.environ.get("KAZFRAME_FIGURES", PROJECT_DIR / "figures"))
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
