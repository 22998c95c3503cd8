"""Where the tests find the checkout and the built package.

``scripts/test`` runs a copy of ``tests/`` outside the source tree against the installed
wheel, and says where the checkout is (``TRAYCODES_SOURCE``) and which wheel and sdist it
built; ``scripts/test --dev`` runs the tests in place against the editable install.
"""

from __future__ import annotations

import os
from pathlib import Path

SOURCE = Path(os.environ.get("TRAYCODES_SOURCE") or Path(__file__).resolve().parents[1])
INSTALLED = os.environ.get("TRAYCODES_TEST_MODE") == "installed"
WHEEL = os.environ.get("TRAYCODES_WHEEL", "")
SDIST = os.environ.get("TRAYCODES_SDIST", "")
ARTIFACTS = SOURCE / "test-artifacts"
