"""The English catalogue covers every French string of the code, placeholders intact."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.models import Response
from tests.factories import ClusterFactory

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# What `make messages` reads: makemessages' django domain (Python, HTML and text files).
SKIPPED_DIRS = {".venv", "node_modules", "var", ".git", "locale", "__pycache__"}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

# %(name)s and %s-style conversions, "%%", and {name} for str.format. A "%" followed by a
# space is French typography ("65 % des"), not a conversion.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%%|\{\w*\}"
)


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr list, flags, obsolete."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and (entry["msgid"] or entry["msgstr"]):
            entries.append(entry)

    for line in text.splitlines() + [""]:
        if not line.strip():
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {
                "msgctxt": None,
                "msgid": "",
                "msgid_plural": None,
                "msgstr": [],
                "flags": set(),
                "obsolete": False,
            }
        if line.startswith("#~"):
            entry["obsolete"] = True
            line = line[2:].lstrip()
            if not line:
                continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            field = keyword
            if field == "msgstr" or field.startswith("msgstr["):
                entry["msgstr"].append("")
        if field == "msgstr" or field.startswith("msgstr["):
            entry["msgstr"][-1] += value
        elif field in ("msgid", "msgid_plural", "msgctxt"):
            entry[field] = (entry[field] or "") + value
    return [e for e in entries if e["msgid"]]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _describe(entry: dict) -> str:
    context = f" [{entry['msgctxt']}]" if entry["msgctxt"] else ""
    return f"{entry['msgid']!r}{context}"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[dict]:
    """`make messages` on a copy of the sources: the catalogue the code asks for today."""
    copy = tmp_path_factory.mktemp("sources")
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        for name in filenames:
            path = Path(dirpath) / name
            if path.suffix in SOURCE_SUFFIXES:
                target = copy / path.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    (copy / CATALOGUE.relative_to(ROOT)).parent.mkdir(parents=True)
    shutil.copyfile(CATALOGUE, copy / CATALOGUE.relative_to(ROOT))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v0"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return parse_po((copy / CATALOGUE.relative_to(ROOT)).read_text(encoding="utf-8"))


def test_parser_reads_plural_obsolete_and_fuzzy_entries():
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s répondant"\nmsgid_plural "%(n)s répondants"\n'
        'msgstr[0] "%(n)s respondent"\nmsgstr[1] ""\n"%(n)s respondents"\n\n'
        'msgctxt "date"\nmsgid "j F Y"\nmsgstr "j F Y"\n\n'
        '#~ msgid "ancien"\n#~ msgstr "old"\n'
    )
    assert [(e["msgid"], e["msgstr"], e["obsolete"]) for e in entries] == [
        ("%(n)s répondant", ["%(n)s respondent", "%(n)s respondents"], False),
        ("j F Y", ["j F Y"], False),
        ("ancien", ["old"], True),
    ]
    assert "fuzzy" in entries[0]["flags"] and entries[1]["msgctxt"] == "date"


def test_every_string_of_the_code_has_an_english_translation(extracted):
    current = [e for e in extracted if not e["obsolete"]]
    assert len(current) > 100
    untranslated = [_describe(e) for e in current if not all(e["msgstr"])]
    fuzzy = [_describe(e) for e in current if "fuzzy" in e["flags"]]
    assert untranslated == [], "untranslated (run `make messages`, then translate)"
    assert fuzzy == [], "fuzzy (check each translation, then remove the flag)"


def test_committed_catalogue_has_no_empty_or_fuzzy_entry():
    entries = [e for e in parse_po(CATALOGUE.read_text(encoding="utf-8")) if not e["obsolete"]]
    assert [_describe(e) for e in entries if not all(e["msgstr"]) or "fuzzy" in e["flags"]] == []


def test_translations_keep_the_placeholders_of_the_french():
    wrong = []
    for entry in parse_po(CATALOGUE.read_text(encoding="utf-8")):
        if entry["obsolete"]:
            continue
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        for i, translation in enumerate(entry["msgstr"]):
            source = sources[min(i, len(sources) - 1)]
            if placeholders(translation) != placeholders(source):
                wrong.append((entry["msgid"], translation))
    assert wrong == []


def test_placeholder_pattern_ignores_french_percent_typography():
    assert placeholders("« {percent}% des… » et 65 % d'entre eux") == ["{percent}"]
    assert placeholders("%(n)s sur %d, 100 %%") == ["%%", "%(n)s", "%d"]


@pytest.mark.django_db
def test_crosstab_labels_follow_the_chosen_language(client, small_survey, settings):
    settings.MAPSTER_SMALL_CELL_THRESHOLD = 1
    small_survey.published = True
    small_survey.save()
    for answer in ("oui", "non"):
        Response.objects.create(
            survey=small_survey,
            version=small_survey.current_version,
            status="submitted",
            answers={"nom": answer, "difficultes": answer},
            cluster=ClusterFactory(declared_members=120),
        )
    url = f"/barometres/{small_survey.slug}/resultats/?question=difficultes&par=members"
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The language switch's cookie is the only way to English (French first).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "nombre d&#x27;adhérents" in french and "100 à 249 adhérents" in french
    assert "number of members" in english and "100 to 249 members" in english
    assert "Break down a question" in english


@pytest.mark.django_db
def test_api_follows_accept_language_not_the_site_language_cookie(client, personas, settings):
    body = {"slug": "neuf", "name": "Nouveau", "commune": "99999"}
    headers = personas["operator"].headers

    def create(**extra):
        response = client.post(
            "/api/v1/clusters", body, content_type="application/json", headers=headers | extra
        )
        assert response.status_code == 422
        return response.json()["detail"]

    assert create(**{"Accept-Language": "en"}) == "Commune “99999” is unknown (field commune)."
    assert create() == "Commune inconnu(e) : « 99999 » (champ commune)."
    # The switch's cookie is for pages: a program's answer depends on its headers only.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert create() == "Commune inconnu(e) : « 99999 » (champ commune)."
    # And pages still ignore Accept-Language: only the cookie turns them English.
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page["Content-Language"] == "fr"
