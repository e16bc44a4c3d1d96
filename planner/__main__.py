"""``python -m planner`` runs the magplan command line."""
from __future__ import annotations

import sys

from planner.cli import main

sys.exit(main())
