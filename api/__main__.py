"""``python -m api`` is the ``sohoa`` command."""

from api.cli import main

raise SystemExit(main())
