"""The code is ruff clean (the configuration is in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


def test_ruff_check_passes():
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    if not shutil.which(ruff):
        pytest.skip("ruff not installed")
    result = subprocess.run([ruff, "check", "kazframe", "tests", "benchmarks"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_changes_no_global_state():
    # dict.items reads rcParams raw: RcParams.__getitem__("backend") would itself import pyplot
    code = ("import matplotlib as m; before = repr(sorted(dict.items(m.rcParams))); import kazframe; "
            "assert repr(sorted(dict.items(m.rcParams))) == before; import sys; "
            "assert 'matplotlib.pyplot' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
