"""Validation of files operators upload: XLSForms and answers CSV exports.

Checked before any parsing: the extension, the size, and the content itself (an .xlsx is
a zip holding an Excel workbook; a CSV is text), so a renamed or oversized file gets a
clear message instead of reaching openpyxl or the csv module.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

MAX_XLSFORM_BYTES = 5 * 1024 * 1024
# A small .xlsx can unpack to gigabytes (zip bomb): refuse what a questionnaire never needs.
MAX_XLSFORM_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ANSWERS_BYTES = 20 * 1024 * 1024
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


class UploadError(ValueError):
    pass


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _read(upload, extension: str, limit: int) -> bytes:
    if upload is None:
        raise UploadError(_("Choisissez un fichier."))
    name = (upload.name or "").lower()
    if not name.endswith(extension):
        raise UploadError(
            _("Le fichier « %(name)s » n'a pas l'extension %(ext)s attendue.")
            % {"name": upload.name, "ext": extension}
        )
    if upload.size > limit:
        raise UploadError(_("Le fichier dépasse la taille maximale de %s Mo.") % _megabytes(limit))
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadError(_("Le fichier dépasse la taille maximale de %s Mo.") % _megabytes(limit))
    if not content:
        raise UploadError(_("Le fichier est vide."))
    return content


def read_xlsform_upload(upload) -> bytes:
    """The bytes of an uploaded .xlsx, or UploadError saying why it is refused."""
    content = _read(upload, ".xlsx", MAX_XLSFORM_BYTES)
    not_xlsx = _(
        "Le contenu n'est pas un classeur Excel .xlsx (un .xls ou .ods renommé ?) : "
        "enregistrez le questionnaire au format .xlsx."
    )
    if not content.startswith(b"PK\x03\x04"):
        raise UploadError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise UploadError(not_xlsx) from None
    names = {info.filename for info in infos}
    if not all(part in names for part in XLSX_PARTS):
        raise UploadError(not_xlsx)
    if sum(info.file_size for info in infos) > MAX_XLSFORM_UNPACKED_BYTES:
        raise UploadError(_("Le classeur décompressé est trop volumineux pour un questionnaire."))
    return content


def read_answers_upload(upload) -> bytes:
    """The bytes of an uploaded answers CSV, or UploadError saying why it is refused."""
    content = _read(upload, ".csv", MAX_ANSWERS_BYTES)
    head = content[:8192]
    if head.startswith(b"PK\x03\x04") or b"\x00" in head:
        raise UploadError(
            _(
                "Le contenu n'est pas un fichier texte CSV (un classeur Excel renommé ?) : "
                "exportez les réponses au format CSV."
            )
        )
    return content
