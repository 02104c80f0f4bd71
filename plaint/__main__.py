"""`python -m plaint` is the `plaint` command."""

from plaint.cli import main

raise SystemExit(main())
