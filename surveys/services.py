"""Survey services: importing questionnaires and answers. Commands and views call these."""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

from surveys.answers import clean_submission
from surveys.models import (
    STRUCTURAL_TYPES,
    HeadlineFigure,
    ImportRun,
    Response,
    Survey,
    SurveyVersion,
)
from surveys.xlsform import parse_xlsform

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class FormImport:
    survey: Survey
    version: SurveyVersion
    action: str  # created, new_version, updated, unchanged
    warnings: list[str] = field(default_factory=list)


def slug_for(definition: dict, filename: str = "") -> str:
    base = (definition.get("settings") or {}).get("form_id") or Path(filename).stem or "survey"
    return slugify(base.replace("_", "-"))[:100] or "survey"


@transaction.atomic
def import_form(content: bytes, filename: str = "", slug: str | None = None) -> FormImport:
    """Create a survey, or a new version of it, from an XLSForm. Raises FormError.

    Re-importing the same questionnaire changes nothing. A changed questionnaire
    replaces the current version while it has no answers, and becomes a new version
    once it has some: answers keep the questions they were given.
    """
    parsed = parse_xlsform(content)
    definition = parsed.definition
    slug = slug or slug_for(definition, filename)
    form_settings = definition.get("settings") or {}
    title = form_settings.get("form_title") or slug
    survey, created = Survey.objects.get_or_create(slug=slug, defaults={"title": title})
    current = survey.current_version
    fields = {
        "definition": definition,
        "xlsform": content,
        "xlsform_name": Path(filename).name,
        "checksum": parsed.checksum,
        "form_version": str(form_settings.get("version", "")),
    }
    if current is None:
        version = SurveyVersion.objects.create(survey=survey, number=1, **fields)
        action = "created"
    elif current.definition == definition:
        version, action = current, "unchanged"
    elif not current.responses.exists():
        for key, value in fields.items():
            setattr(current, key, value)
        current.save()
        version, action = current, "updated"
    else:
        version = SurveyVersion.objects.create(survey=survey, number=current.number + 1, **fields)
        action = "new_version"
    if not created and title and survey.title != title and action != "unchanged":
        survey.title = title
        survey.save(update_fields=["title", "updated_at"])
    return FormImport(survey, version, action, parsed.warnings)


# --- answers ------------------------------------------------------------------------

META_COLUMNS = {
    "_uuid",
    "_submission_time",
    "_id",
    "_index",
    "_status",
    "_submitted_by",
    "_validation_status",
    "_notes",
    "_tags",
    "__version__",
    "_version",
    "start",
    "end",
    "today",
    "deviceid",
    "meta/instanceID",
    "instanceID",
}


@dataclass
class RowProblem:
    line: int
    column: str
    reason: str
    value: str = ""

    def as_dict(self):
        return {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
            "value": self.value,
        }


@dataclass
class ResponsesImport:
    survey: Survey
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rejects_path: Path | None = None
    applied: bool = True

    def summary(self) -> str:
        verb = "" if self.applied else _(" (simulation, rien n'est écrit)")
        text = _(
            "%(created)d réponse(s) créée(s), %(updated)d mise(s) à jour, "
            "%(unchanged)d inchangée(s), %(rejected)d rejetée(s)%(verb)s"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "verb": verb,
        }
        if self.rejects_path:
            text += "\n" + _("Lignes rejetées : %s") % self.rejects_path
        return text


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _parse_time(text: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _find_cluster(answers: dict):
    """Link a response to a directory cluster when its name matches one exactly."""
    from core.text import normalize_name
    from directory.models import Cluster

    name = answers.get("cluster_nom")
    if not name:
        return None
    key = normalize_name(name)
    candidates = Cluster.objects.filter(name__iexact=name.strip())
    for cluster in candidates:
        if normalize_name(cluster.name) == key:
            return cluster
    return None


def import_responses(
    survey: Survey,
    content: bytes,
    filename: str = "reponses.csv",
    *,
    apply: bool = True,
    rejects_dir: Path | None = None,
    user=None,
    progress: bool = False,
) -> ResponsesImport:
    """Import a Kobo/ODK CSV export of answers; idempotent by `_uuid`.

    A row with any invalid value is rejected whole (reported per line and column and
    copied to a rejects file with its reasons) so that a half-valid submission never
    distorts the results. Answers are checked against the survey's current version.
    """
    version = survey.current_version
    if version is None:
        raise ValueError(_("le baromètre « %s » n'a pas de questionnaire") % survey.slug)
    definition = version.definition
    text = _decode(content)
    # Only the delimiter is guessed (from the header line): csv.Sniffer also guesses
    # quoting rules and gets doubled quotes ("" inside a quoted cell) wrong.
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = reader.fieldnames or []
    result = ResponsesImport(survey=survey, applied=apply)
    question_names = {
        q["name"] for q in definition["questions"] if q["type"] not in STRUCTURAL_TYPES
    }
    # Kobo prefixes names with their group path ("group/name"): keep the last part.
    column_names = {col: col.rsplit("/", 1)[-1] for col in header}
    unknown_columns = [
        col
        for col, name in column_names.items()
        if name not in question_names and col not in META_COLUMNS and not col.startswith("_")
    ]
    for col in unknown_columns:
        result.problems.append(RowProblem(1, col, _("colonne inconnue du questionnaire, ignorée")))
    if "_uuid" not in header:
        result.problems.append(
            RowProblem(1, "_uuid", _("colonne _uuid absente : ré-importer créerait des doublons"))
        )

    existing = {
        r.external_uuid: r for r in Response.objects.filter(survey=survey).exclude(external_uuid="")
    }
    to_create: list[Response] = []
    to_update: list[Response] = []
    rejects: list[dict] = []
    seen: set[str] = set()
    rows = list(reader)
    for line, row in enumerate(tqdm(rows, disable=not progress, unit="ligne"), start=2):
        uuid = (row.get("_uuid") or "").strip()
        raw = {
            column_names[col]: value
            for col, value in row.items()
            if col in column_names and column_names[col] in question_names
        }
        answers, errors = clean_submission(definition, raw)
        row_problems = [
            RowProblem(line, e.question, e.message, str(raw.get(e.question) or "")) for e in errors
        ]
        if uuid and uuid in seen:
            row_problems.append(
                RowProblem(line, "_uuid", _("_uuid en double dans le fichier"), uuid)
            )
        submitted_at = _parse_time(row.get("_submission_time", ""))
        if row.get("_submission_time") and submitted_at is None:
            row_problems.append(
                RowProblem(
                    line, "_submission_time", _("date invalide"), row.get("_submission_time", "")
                )
            )
        if row_problems:
            result.problems += row_problems
            result.rejected += 1
            rejects.append(
                {
                    **row,
                    "_ligne": line,
                    "_erreurs": " | ".join(f"{p.column}: {p.reason}" for p in row_problems),
                }
            )
            continue
        seen.add(uuid)
        found = existing.get(uuid) if uuid else None
        if found is None:
            to_create.append(
                Response(
                    survey=survey,
                    version=version,
                    status=Response.Status.SUBMITTED,
                    source=Response.Source.IMPORT,
                    external_uuid=uuid,
                    submitted_at=submitted_at or timezone.now(),
                    answers=answers,
                    cluster=_find_cluster(answers),
                )
            )
        elif found.answers == answers and (
            submitted_at is None or found.submitted_at == submitted_at
        ):
            result.unchanged += 1
        else:
            found.answers = answers
            found.version = version
            if submitted_at:
                found.submitted_at = submitted_at
            to_update.append(found)
    result.created = len(to_create)
    result.updated = len(to_update)
    if rejects:
        result.rejects_path = _write_rejects(survey, filename, rejects, rejects_dir)
    if apply:
        with transaction.atomic():
            Response.objects.bulk_create(to_create, batch_size=500)
            Response.objects.bulk_update(
                to_update, ["answers", "version", "submitted_at", "updated_at"], batch_size=500
            )
            ImportRun.objects.create(
                survey=survey,
                user=user,
                filename=Path(filename).name,
                applied=True,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                rejected=result.rejected,
                errors=[p.as_dict() for p in result.problems[:1000]],
            )
    return result


def _write_rejects(survey: Survey, filename: str, rejects: list[dict], folder: Path | None) -> Path:
    from surveys.exports import safe_cell

    folder = Path(folder or Path(settings.VAR_DIR) / "rejects")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{survey.slug}-{Path(filename).stem}-{stamp}-rejets.csv"
    columns = ["_ligne", "_erreurs"] + [c for c in rejects[0] if c not in ("_ligne", "_erreurs")]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rejects:
            writer.writerow([safe_cell(row.get(c, "")) for c in columns])
    return path


# --- headline figures ---------------------------------------------------------------


def load_headlines(survey: Survey, path: Path) -> int:
    """Replace the survey's headline figures with those of a JSON data file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        survey.headlines.all().delete()
        HeadlineFigure.objects.bulk_create(
            [
                HeadlineFigure(
                    survey=survey,
                    question=item["question"],
                    choice=item["choice"],
                    template=item["template"],
                    rounding=str(item.get("rounding", "0")),
                    decimal_separator=item.get("decimal_separator", ","),
                    section=item.get("section", ""),
                    order=index,
                )
                for index, item in enumerate(data["figures"])
            ]
        )
        for key in ("description", "organisation", "period", "data_note"):
            if key in data:
                setattr(survey, key, data[key])
        survey.report = {
            key: data[key]
            for key in ("title", "source", "sections", "examples", "showcase")
            if key in data
        }
        if "published" in data:
            survey.published = bool(data["published"])
        survey.save()
    return len(data["figures"])


def load_barometre_2020(fixtures_dir: Path, *, progress: bool = False) -> tuple[Survey, str]:
    """Build the December 2020 barometer: questionnaire, answers and headline figures."""
    folder = Path(fixtures_dir) / "barometre-2020"
    form = folder / "questionnaire.xlsx"
    imported = import_form(form.read_bytes(), form.name, slug="barometre-2020")
    answers = folder / "reponses.csv"
    result = import_responses(
        imported.survey, answers.read_bytes(), answers.name, progress=progress
    )
    load_headlines(imported.survey, DATA_DIR / "barometre-2020-headlines.json")
    return imported.survey, result.summary()
