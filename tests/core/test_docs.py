"""Docs tested against code: every setting read from the environment is documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented():
    source = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))
    assert names, "settings.py reads no variables? The pattern is out of date."
    documented = set(
        re.findall(r"^\| `([A-Z0-9_]+)` \|", (ROOT / "docs" / "settings.md").read_text(), re.M)
    )
    assert names - documented == set(), f"Undocumented settings: {sorted(names - documented)}"
    assert documented - names == set(), f"Documented but unused: {sorted(documented - names)}"
