"""Tickets and check-in codes. The QR code of a ticket holds a signed check-in code — the registration's random code
and a signature, nothing personal — so that a code read at the door is known to come from the platform; the short code
printed under it can be typed by hand (the search of the check-in page finds it too)."""

from __future__ import annotations

import segno
from django.core import signing
from django.utils.safestring import SafeString, mark_safe

SALT = "auzolan.events.checkin"
_signer = signing.Signer(salt=SALT)


def signed_code(code: str) -> str:
    return _signer.sign(code)


def read_code(value: str) -> str | None:
    """The check-in code in what was scanned or typed: a signed code (from the QR code) or the bare 10-character
    code; None when the signature is wrong or the value cannot be a code."""
    value = (value or "").strip()
    if ":" in value:
        try:
            return _signer.unsign(value)
        except signing.BadSignature:
            return None
    value = value.replace(" ", "").replace("-", "").upper()
    if len(value) == 10 and value.isalnum():
        return value
    return None


def qr_svg(code: str, *, title: str) -> SafeString:
    """The ticket's QR code as inline SVG (no script, no style attribute: allowed by the CSP)."""
    qr = segno.make(signed_code(code), error="m")
    svg = qr.svg_inline(scale=6, border=4, title=title, svgclass="ticket-qr", lineclass=None, omitsize=False)
    return mark_safe(svg)  # noqa: S308 — segno escapes the title; the content is a signature of our own code
