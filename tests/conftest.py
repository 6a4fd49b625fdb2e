import os
from pathlib import Path

import pytest
from django.utils import translation

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


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language, French.

    A request through the test client activates its language on this thread and
    nothing turns it off, so an English request would leave the tests that follow (or
    the rest of its own test) making their messages in English.
    """
    translation.deactivate()
    yield
    translation.deactivate()
