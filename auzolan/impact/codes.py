"""Pupils' one-time codes: 8 characters from the alphabet of participation's voting codes (no 0/O, 1/I/L), shown as
two groups of four, typed by a pupil to answer a wave. 31⁸ ≈ 8.5 × 10¹¹ codes, with wrong tries rate-limited."""

from __future__ import annotations

import secrets

from auzolan.participation.services.codes import ALPHABET, normalise

CODE_LENGTH = 8
GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _index in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def clean(typed: str) -> str:
    """What a pupil typed, upper-cased, keeping only characters of the alphabet (spaces and dashes go)."""
    return normalise(typed)[: CODE_LENGTH + 4]
