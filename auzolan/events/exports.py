"""Attendee exports of an event for its organisers, CSV and XLSX, formula-safe (`core/spreadsheets.py`): a CSV cell
that a spreadsheet would run as a formula gets a leading quote; XLSX cells are written as text, never formulas."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from auzolan.core.spreadsheets import neutralise
from auzolan.events import selectors
from auzolan.events.models import Event


def header(event: Event) -> list[str]:
    questions = [question.label for question in selectors.event_questions(event)]
    return ["code", "nom", "email", "seance", "debut", "etat", "inscrit_le", "arrivee", *questions]


def rows(event: Event):
    questions = selectors.event_questions(event)
    for registration in selectors.event_registrations(event):
        user, session = registration.user, registration.session
        answers = {answer.question_id: answer.value for answer in registration.answers.all()}
        yield [
            registration.code,
            user.full_name,
            user.email,
            session.title if session else event.title,
            _time(session.starts_at if session else event.starts_at),
            str(registration.get_state_display()),
            _time(registration.created_at),
            _time(registration.attended_at),
            *[answers.get(question.pk, "") for question in questions],
        ]


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def attendees_csv(event: Event) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header(event))
    for row in rows(event):
        writer.writerow([neutralise(str(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def attendees_xlsx(event: Event) -> bytes:
    # Imported here: a heavy library only this export needs.
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("inscriptions")
    bold = workbook.add_format({"bold": True})
    for column, title in enumerate(header(event)):
        sheet.write_string(0, column, title, bold)
    for line, row in enumerate(rows(event), start=1):
        for column, value in enumerate(row):
            sheet.write_string(line, column, str(value))
    workbook.close()
    return output.getvalue()
