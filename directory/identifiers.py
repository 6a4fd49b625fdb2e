"""SIREN / SIRET checks and other identifier helpers shared by import, demo and SIRENE."""

import functools
import re

from django.utils.translation import gettext as _

# La Poste's establishments share SIREN 356000000; INSEE gives their SIRETs a key on
# the plain digit sum (multiple of 5) instead of Luhn.
LA_POSTE_SIREN = "356000000"

_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


# Byte of a digit -> byte of its doubled value in Luhn's sum (2d, minus 9 above 9).
_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")


def luhn_ok(digits: str) -> bool:
    # Bytes, slices and C-level sum() instead of a per-digit Python loop: imports check
    # two keys per row, 200,000 calls for a 100,000-row file. Each byte is its digit
    # plus 48 ("0"), hence the correction.
    try:
        raw = digits.encode("ascii")
    except UnicodeEncodeError:  # not ASCII digits ("²" passes str.isdigit)
        return False
    if not raw.isdigit():
        return False
    total = sum(raw[::-2]) + sum(raw[-2::-2].translate(_DOUBLED)) - 48 * len(raw)
    return total % 10 == 0


def luhn_complete(body: str) -> str:
    """Append the check digit that makes ``body`` + digit pass Luhn."""
    total = 0
    # With the check digit appended, the body's last digit sits at an odd position.
    for i, ch in enumerate(reversed(body)):
        d = ord(ch) - 48
        if not i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


# The reasons are translated only when there is one: a valid identifier, the common
# case of an import row, costs no gettext call.


def siren_error(siren: str) -> str | None:
    if len(siren) != 9 or not siren.isdigit():
        return _("le SIREN doit compter 9 chiffres")
    if not luhn_ok(siren):
        return _("clé de contrôle du SIREN invalide")
    return None


def siret_error(siret: str) -> str | None:
    if len(siret) != 14 or not siret.isdigit():
        return _("le SIRET doit compter 14 chiffres")
    if siret.startswith(LA_POSTE_SIREN):
        # The head office (35600000000048) predates the rule and passes plain Luhn.
        if sum(ord(c) - 48 for c in siret) % 5 and not luhn_ok(siret):
            return _("clé de contrôle du SIRET invalide (règle La Poste)")
        return None
    if not luhn_ok(siret):
        return _("clé de contrôle du SIRET invalide")
    if not luhn_ok(siret[:9]):
        return _("clé de contrôle du SIREN (9 premiers chiffres) invalide")
    return None


def clean_digits(value: str) -> str:
    """Drop the spaces, dots and dashes people type inside identifiers."""
    return value.replace(" ", "").replace("\u00a0", "").replace(".", "").replace("-", "")


@functools.lru_cache(maxsize=4096)  # a file repeats a few hundred codes
def normalize_naf(value: str) -> str:
    """'2562A', '25.62a', '25 62 A' -> '25.62A'; '' when it does not look like a sub-class."""
    match = _NAF.match(value.replace(" ", "").upper())
    return f"{match.group(1)}.{match.group(2)}{match.group(3)}" if match else ""
