"""docs/import.md and docs/examples/ checked against the import code."""

import re
from pathlib import Path

import pytest

from directory.importing import COLUMNS, import_file
from directory.labels import LABELS
from directory.models import Cluster, Company
from tests.factories import ClusterFactory

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_import_column_and_label_is_documented_in_french():
    text = (DOCS / "import.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_-]+)` \|", text, re.M))
    expected = {c.name for columns in COLUMNS.values() for c in columns} | set(LABELS)
    assert expected - documented == set()
    assert documented - expected == set()


@pytest.mark.parametrize("name", ["adherents.csv", "adherents.xlsx"])
def test_example_members_files_import_without_rejects(reference, name):
    ClusterFactory(slug="exemple")
    report = import_file(DOCS / "examples" / name, "members", cluster="exemple", apply=True)
    assert (report.created, report.rejected) == (3, 0), report.errors
    communes = set(Company.objects.values_list("commune_id", flat=True))
    assert communes == {"31555", "33063", "69123"}


def test_example_clusters_file_imports_without_rejects(reference):
    report = import_file(DOCS / "examples" / "clusters.csv", "clusters", apply=True)
    assert (report.created, report.rejected) == (1, 0), report.errors
    assert Cluster.objects.get(slug="cluster-exemple-mecanique").labels == ["france-clusters"]
