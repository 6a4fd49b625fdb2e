"""docs/api.md tested against the code: every field of every directory output schema,
and every query parameter of the directory lists, is documented there."""

import re
from pathlib import Path

import pytest

from config.api import api

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()


def _schema():
    return api.get_openapi_schema()


def _refs(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref and ref.rsplit("/", 1)[-1] not in found:
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _output_schemas() -> set[str]:
    schema = _schema()
    components = schema["components"]["schemas"]
    found: set[str] = set()
    for item in schema["paths"].values():
        for op in item.values():
            if "directory" in op.get("tags", []):
                _refs(op.get("responses", {}), found)
    # Follow nested references (a page's items, a cluster's contacts).
    while True:
        before = set(found)
        for name in before:
            _refs(components[name], found)
        if found == before:
            return found


def _documented_fields(name: str) -> set[str]:
    """Fields in the table under a heading naming this schema."""

    for match in re.finditer(r"^### (.+)$", DOC, re.M):
        names = {n.strip() for n in match.group(1).split(",")}
        if name in names:
            section = DOC[match.end() :].split("\n### ", 1)[0].split("\n## ", 1)[0]
            fields = set()
            for cell in re.findall(r"^\| ([^|]+) \|", section, re.M):
                fields |= set(re.findall(r"`([a-z_]+)`", cell))
            return fields
    pytest.fail(f"docs/api.md has no section for {name}")


def test_output_schemas_are_found():
    assert {"ClusterOut", "ContactOut", "MembershipPage", "FeatureCollection"} <= (
        _output_schemas()
    )


@pytest.mark.parametrize("name", sorted(_output_schemas()))
def test_every_output_field_is_documented(name):
    properties = set(_schema()["components"]["schemas"][name].get("properties", {}))
    documented = _documented_fields(name)
    assert properties - documented == set(), f"{name}: undocumented {properties - documented}"
    assert documented - properties == set(), (
        f"{name}: documented but absent {documented - properties}"
    )


def test_every_list_parameter_is_documented():
    filters = DOC.split("### Filters", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)?", filters, re.M))
    documented = {n for pair in documented for n in pair if n}
    schema = _schema()
    for path, item in schema["paths"].items():
        op = item.get("get")
        if op and "directory" in op.get("tags", []):
            for param in op.get("parameters", []):
                if param["in"] == "query":
                    assert param["name"] in documented, f"{path}: {param['name']}"
