"""The install paths agree: pyproject.toml, environment.yml, Makefile, README and CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names
CONDA_NAME = {"matplotlib": "matplotlib-base"}


def _split(req: str) -> tuple[str, str]:
    req = re.sub(r"\[[^\]]*\]", "", req)  # extras: dask[dataframe] -> dask
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m[1].lower(), m[2].replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    reqs = list(meta["dependencies"]) + list(extras["dev"]) + list(extras["scale"])
    return dict(_split(r) for r in reqs)


def _environment() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda: dict[str, str] = {}
    pip: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep["pip"])
        else:
            name, spec = _split(dep.replace("=", "==", 1) if re.match(r"^[\w\-]+=[^=]", dep) else dep)
            conda[name] = spec
    return conda, pip


def test_environment_yml_lists_every_pyproject_requirement_with_the_same_bound():
    conda, pip = _environment()
    pip_reqs = dict(_split(r) for r in pip if not r.startswith("-e"))
    missing = []
    for name, spec in _pyproject_requirements().items():
        cname = CONDA_NAME.get(name, name)
        if cname in conda:
            assert conda[cname] == spec, f"{name}: environment.yml {conda[cname]!r} != pyproject {spec!r}"
        elif name in pip_reqs:
            assert pip_reqs[name] == spec, f"{name}: pip section {pip_reqs[name]!r} != pyproject {spec!r}"
        else:
            missing.append(name)
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"


def test_environment_yml_installs_the_package_itself_and_uses_python_311():
    conda, pip = _environment()
    assert "-e ." in pip
    assert conda["python"] == "==3.11"


def test_pip_section_only_holds_what_conda_forge_lacks():
    conda, pip = _environment()
    for req in pip:
        if req.startswith("-e"):
            continue
        name, _ = _split(req)
        assert CONDA_NAME.get(name, name) not in conda, f"{name} is in both conda and pip sections"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make figures" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, flags=re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^figures:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)


def test_lock_file_pins_every_direct_requirement():
    lock = (ROOT / "requirements-lock.txt").read_text().lower()
    pinned = {m[1].replace("_", "-") for m in re.finditer(r"^([a-z0-9_.\-]+)==", lock, flags=re.M)}
    for name in _pyproject_requirements():
        assert name.replace("_", "-") in pinned, f"{name} is not pinned in requirements-lock.txt"
