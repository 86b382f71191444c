"""French identifiers: SIREN (9 digits) and SIRET (14 digits) carry a Luhn key."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"  # La Poste's establishments break the Luhn rule; INSEE documents the exception.


def ascii_digits(value: str, length: int) -> bool:
    """`length` digits 0-9 (str.isdigit() alone also accepts '²' or Arabic-Indic digits)."""
    return len(value) == length and value.isascii() and value.isdigit()


def luhn_valid(digits: str) -> bool:
    """The Luhn key of a string of ASCII digits (check them first with `ascii_digits`)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_complete(digits: str) -> str:
    """`digits` followed by the check digit that makes the whole number pass the Luhn check (SIREN, SIRET)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


def siret_of(siren: str, establishment: int = 1) -> str:
    """The SIRET of establishment n° `establishment` of `siren` (its NIC's last digit is the key of the whole SIRET):
    a commune's town hall is usually its first, e.g. Bayonne 216401022 → 21640102200014."""
    return luhn_complete(f"{siren}{establishment:04d}")


def validate_siren(value: str) -> None:
    if not ascii_digits(value, 9):
        raise ValidationError(_("Un SIREN compte exactement 9 chiffres."), code="siren-format")
    if not luhn_valid(value):
        raise ValidationError(_("Ce SIREN n'est pas valide : sa clé de contrôle ne correspond pas."), code="siren-key")


def validate_siret(value: str) -> None:
    if not ascii_digits(value, 14):
        raise ValidationError(_("Un SIRET compte exactement 14 chiffres."), code="siret-format")
    if value.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in value) % 5 != 0:
            raise ValidationError(
                _("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."), code="siret-key"
            )
        return
    if not luhn_valid(value):
        raise ValidationError(_("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."), code="siret-key")


def validate_insee_commune(value: str) -> None:
    if not (ascii_digits(value, 5) or (value[:2] in ("2A", "2B") and ascii_digits(value[2:], 3))):
        raise ValidationError(_("Un code commune INSEE compte 5 caractères (par exemple 64102)."), code="insee-format")
