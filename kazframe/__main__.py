"""``python -m kazframe``: the command-line interface (see :mod:`kazframe.cli`)."""

from .cli import main

raise SystemExit(main())
