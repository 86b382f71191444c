"""An attestation as a document: the signed verification code of its facts, the PDF, and the check of a code or of an
uploaded PDF against the stored facts. Knows only the models.

The verification code printed on the PDF (and stored in its metadata) is the attestation's facts signed with the
platform's secret key (`django.core.signing.Signer`, HMAC-SHA256, no timestamp: the same facts give the same code):
anyone can read the facts in it, nobody without the key can change one and keep the signature valid. The verification
page checks, in order: the signature, that the code names this attestation, that its facts are the stored ones, and
that the attestation is neither revoked nor erased. The page always shows the stored facts, never facts carried by the
URL."""

from __future__ import annotations

import enum
import hashlib
import io
import re
from pathlib import Path as FilePath

import reportlab
import segno
from django.conf import settings
from django.core import signing
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from auzolan.learning.models import Attestation

SALT = "auzolan.learning.attestation"
#: The PDF's metadata carries the code after this marker, so that an uploaded PDF can be checked.
MARKER = "AUZOLAN-ATTESTATION:"
MAX_CODE_LENGTH = 4000
#: Bitstream Vera, shipped inside reportlab (no download, no system font): every French and Basque letter
#: (é è ê ë à â î ï ô ö ù û ü ÿ ç œ æ ñ and their capitals), the typographic apostrophe and quotes « ».
FONT_DIR = FilePath(reportlab.__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "AuzolanVera", "AuzolanVeraBold"


class Verdict(enum.StrEnum):
    VALID = "valid"
    ALTERED = "altered"  # the signature does not hold, or the facts differ from the stored ones
    OTHER = "other"  # a genuine code, of another attestation
    REVOKED = "revoked"
    ERASED = "erased"


def facts(attestation: Attestation) -> dict:
    """What the attestation states, as signed: identifier, holder, path, completion date, minutes, competence codes."""
    return {
        "id": attestation.public_id,
        "name": attestation.holder_name,
        "path": attestation.path_title,
        "date": attestation.completed_on.isoformat() if attestation.completed_on else "",
        "minutes": attestation.minutes,
        "competences": [c.get("code", "") for c in attestation.competences],
    }


def _signer() -> signing.Signer:
    """No timestamp: the same facts always give the same code (the PDF can be generated again)."""
    return signing.Signer(salt=SALT)


def code_for(attestation: Attestation) -> str:
    return _signer().sign_object(facts(attestation))


def verify_code(attestation: Attestation, code: str) -> Verdict:
    """Check a verification code (as printed on a PDF) against this attestation's stored facts."""
    if attestation.erased_at is not None:
        return Verdict.ERASED
    try:
        stated = _signer().unsign_object((code or "").strip()[:MAX_CODE_LENGTH])
    except signing.BadSignature:
        return Verdict.ALTERED
    if not isinstance(stated, dict):
        return Verdict.ALTERED
    if stated.get("id") != attestation.public_id:
        return Verdict.OTHER
    if stated != facts(attestation):
        return Verdict.ALTERED
    if attestation.revoked_at is not None:
        return Verdict.REVOKED
    return Verdict.VALID


def code_in_pdf(content: bytes) -> str:
    """The verification code in an uploaded PDF's metadata ("" when there is none)."""
    found = re.search(re.escape(MARKER.encode()) + rb"([A-Za-z0-9_\-:]{10,%d})" % MAX_CODE_LENGTH, content)
    return found.group(1).decode() if found else ""


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": rest}


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "VeraBd.ttf")))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The verification URL as a QR code, drawn module by module (vector, no image)."""
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    cell = size / len(matrix)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)


def render_pdf(attestation: Attestation, *, verification_url: str) -> bytes:
    """The attestation as an A4 PDF: holder, path, date, duration, competences, issuer (the agency), the verification
    URL with its QR code, and the verification code (also in the metadata, for an upload check)."""
    _fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, lang="fr")
    code = code_for(attestation)
    issuer = settings.AGENCY_NAME
    pdf.setTitle(_("Attestation de formation — %(path)s") % {"path": attestation.path_title})
    pdf.setAuthor(issuer)
    pdf.setSubject(attestation.holder_name)
    pdf.setKeywords(MARKER + code)
    width, height = A4
    left, text_width = 25 * mm, width - 50 * mm
    y = height - 30 * mm
    pdf.setFont(FONT, 11)
    pdf.drawString(left, y, issuer)
    y -= 20 * mm
    pdf.setFont(FONT_BOLD, 22)
    pdf.drawString(left, y, _("Attestation de formation"))
    y -= 15 * mm
    date = formats.date_format(attestation.completed_on, "DATE_FORMAT") if attestation.completed_on else ""
    statement = _("%(issuer)s atteste que %(name)s a suivi et terminé le parcours « %(path)s » le %(date)s.") % {
        "issuer": issuer[:1].upper() + issuer[1:],
        "name": attestation.holder_name,
        "path": attestation.path_title,
        "date": date,
    }
    for line in _wrap(statement, FONT, 13, text_width):
        pdf.setFont(FONT, 13)
        pdf.drawString(left, y, line)
        y -= 7 * mm
    y -= 3 * mm
    pdf.setFont(FONT, 11)
    pdf.drawString(left, y, _("Durée de formation : %(duration)s") % {"duration": duration_label(attestation.minutes)})
    y -= 10 * mm
    if attestation.competences:
        pdf.setFont(FONT_BOLD, 12)
        pdf.drawString(left, y, _("Compétences travaillées (DigComp)"))
        y -= 7 * mm
        for shown, competence in enumerate(attestation.competences):
            if y < 82 * mm:  # keep the verification block free: the rest is on the verification page
                rest = len(attestation.competences) - shown
                pdf.setFont(FONT, 10)
                pdf.drawString(left, y, _("… et %(count)d autres (voir la page de vérification)") % {"count": rest})
                break
            label = f"{competence.get('code', '')} — {competence.get('title', '')}"
            for index, line in enumerate(_wrap(label, FONT, 10, text_width - 5 * mm)):
                pdf.setFont(FONT, 10)
                pdf.drawString(left + (3 * mm if index else 0), y, ("• " if not index else "") + line)
                y -= 5.5 * mm
    qr_size = 35 * mm
    bottom = 25 * mm
    _qr(pdf, verification_url, width - 25 * mm - qr_size, bottom + 18 * mm, qr_size)
    pdf.setFont(FONT_BOLD, 10)
    pdf.drawString(left, bottom + 45 * mm, _("Vérifier cette attestation"))
    pdf.setFont(FONT, 9)
    pdf.drawString(left, bottom + 39 * mm, verification_url)
    pdf.drawString(left, bottom + 33 * mm, _("Code de vérification (à coller sur la page de vérification) :"))
    pdf.setFont("Courier", 6)
    chunk = 95
    for index in range(0, len(code), chunk):
        pdf.drawString(left, bottom + 28 * mm - (index // chunk) * 3 * mm, code[index : index + chunk])
    pdf.setFont(FONT, 8)
    pdf.drawString(
        left,
        bottom,
        _("Délivrée le %(date)s — identifiant %(id)s")
        % {
            "date": formats.date_format(timezone.localdate(attestation.issued_at), "DATE_FORMAT"),
            "id": attestation.public_id,
        },
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- Open Badges 2.0 (hosted verification) ----------------------------------------------------------------------------
OB_CONTEXT = "https://w3id.org/openbadges/v2"


def badge_identity(email: str, salt: str) -> str:
    """The recipient of an Open Badges 2.0 assertion: "sha256$" + hex SHA-256 of the e-mail (lower case) + salt."""
    return "sha256$" + hashlib.sha256(((email or "").strip().lower() + salt).encode()).hexdigest()


def badge_issuer(*, url: str, site_url: str) -> dict:
    return {
        "@context": OB_CONTEXT,
        "type": "Issuer",
        "id": url,
        "name": settings.AGENCY_NAME,
        "url": site_url,
        "email": settings.AGENCY_EMAIL,
    }


def badge_class(path, *, url: str, issuer_url: str, image_url: str, criteria_url: str, competences: list) -> dict:
    """The badge of a path; aligned with the DigComp competences of its modules."""
    return {
        "@context": OB_CONTEXT,
        "type": "BadgeClass",
        "id": url,
        "name": path.title,
        "description": path.description or path.title,
        "image": image_url,
        "criteria": {
            "id": criteria_url,
            "narrative": _("Avoir terminé tous les modules en ligne du parcours « %(path)s ».") % {"path": path.title},
        },
        "issuer": issuer_url,
        "alignment": [
            {
                "targetName": f"{c.code} {c.title}",
                "targetFramework": str(c.framework),
                "targetCode": c.code,
                "targetUrl": criteria_url,
            }
            for c in competences
        ],
    }


def badge_assertion(attestation: Attestation, *, url: str, badge_url: str, evidence_url: str) -> dict:
    """The hosted assertion of a live attestation (a revoked or erased one answers 410 with `revoked_assertion`)."""
    return {
        "@context": OB_CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": attestation.badge_salt,
            "identity": attestation.badge_identity,
        },
        "badge": badge_url,
        "verification": {"type": "hosted"},
        "issuedOn": attestation.issued_at.isoformat(),
        "evidence": evidence_url,
    }


def revoked_assertion(attestation: Attestation, *, url: str) -> dict:
    reason = attestation.revoked_reason if attestation.erased_at is None else _("Attestation effacée.")
    return {"@context": OB_CONTEXT, "type": "Assertion", "id": url, "revoked": True, "revocationReason": reason}
