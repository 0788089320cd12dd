"""Confining output files to a folder.

Every kazframe function that writes a file whose *name* may come from user input (a report
name, a figure name, an export name) passes it through :func:`confine` first. A name is a
single path component: no absolute path, no ``..``, no separator, no NUL byte, and after
resolving symbolic links the target must still lie inside the base folder. This stops a
crafted name such as ``../../etc/passwd`` or a symlink planted in the output folder from
writing outside it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["UnsafePathError", "confine"]

# Characters no portable file name may contain: separators of every platform and NUL.
_BAD_CHARS_RE = re.compile(r"[/\\\x00]")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


class UnsafePathError(ValueError):
    """An output name that would write outside its folder; the message says why."""


def confine(base_dir: str | Path, name: str) -> Path:
    """Path of the file ``name`` inside ``base_dir``, refusing anything that escapes it.

    Parameters
    ----------
    base_dir : str or Path
        The folder outputs must stay in. It need not exist yet.
    name : str
        A bare file name such as ``"ingest_report.csv"``.

    Returns
    -------
    Path
        ``base_dir / name`` (absolute, symlinks in ``base_dir`` resolved).

    Raises
    ------
    UnsafePathError
        If ``name`` is empty, ``.`` or ``..``, absolute, has a drive letter, contains a path
        separator (``/`` or ``\\``) or a NUL byte, or if ``base_dir / name`` is a symbolic
        link (or otherwise resolves) to a place outside ``base_dir``.

    Examples
    --------
    >>> confine("/tmp/out", "report.csv").name
    'report.csv'
    >>> confine("/tmp/out", "../x.csv")
    Traceback (most recent call last):
    ...
    kazframe.safety.UnsafePathError: output name '../x.csv' contains a path separator (only a bare file name is allowed, inside /tmp/out)
    """
    base = Path(base_dir).resolve()
    if not isinstance(name, str) or not name.strip():
        raise UnsafePathError(f"output name {name!r} is empty (inside {base})")
    if name in (".", ".."):
        raise UnsafePathError(f"output name {name!r} is not a file name (inside {base})")
    if os.path.isabs(name) or _DRIVE_RE.match(name):
        raise UnsafePathError(f"output name {name!r} is an absolute path (only a bare file name is allowed, inside {base})")
    bad = _BAD_CHARS_RE.search(name)
    if bad is not None:
        what = "a NUL byte" if bad.group(0) == "\x00" else "a path separator"
        raise UnsafePathError(
            f"output name {name!r} contains {what} (only a bare file name is allowed, inside {base})"
        )
    target = (base / name).resolve()
    if target.parent != base:
        raise UnsafePathError(
            f"output name {name!r} resolves to {target}, outside {base} (a symbolic link?)"
        )
    return target
