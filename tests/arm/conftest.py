from __future__ import annotations

import sys
from pathlib import Path

# Test this checkout even when another one is installed in the environment (editable installs).
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path[:1]:
    sys.path.insert(0, str(REPO))
