import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The README's commands point MAPSTER_REFERENCE_DIR at ../shared/reference; the
# suite does the same when run bare, so `pytest` works from a fresh clone.
os.environ.setdefault("MAPSTER_REFERENCE_DIR", str(ROOT.parent / "shared" / "reference"))
os.environ.setdefault("MAPSTER_FIXTURES_DIR", str(ROOT.parent / "shared" / "fixtures"))

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.reference",
    "tests.fixtures.directory",
    "tests.fixtures.surveys",
]


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path_factory):
    # Uploads, rejects and reports go to a throw-away folder, never to the project's var/.
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
