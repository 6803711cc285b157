"""``python -m binembed``: the ``binembed`` command."""

from .cli import main

raise SystemExit(main())
