"""French identifiers: SIREN, SIRET and INSEE codes are checked, and any text is refused cleanly (never a crash)."""

import pytest
from django.core.exceptions import ValidationError

from auzolan.core.validators import validate_insee_commune, validate_siren, validate_siret


def test_valid_identifiers_pass():
    validate_siren("732829320")
    validate_siret("73282932000074")
    validate_insee_commune("64102")


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (validate_siren, "73282932²"),
        (validate_siren, "٧٣٢٨٢٩٣٢٠"),
        (validate_siret, "7328293200007²"),
        (validate_siret, "٧٣٢٨٢٩٣٢٠٠٠٠٧٤"),
        (validate_insee_commune, "6410²"),
    ],
)
def test_digits_that_are_not_ascii_are_a_validation_error(validator, value):
    with pytest.raises(ValidationError):
        validator(value)
