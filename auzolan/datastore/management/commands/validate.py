"""python manage.py validate FILE --schema NAME_OR_PATH [--json] [--max-errors N]

Exit code 0 when the file is valid, 1 when it is not, 2 on a usage or file error.
The counts always cover every error; the text and the JSON list the same first N errors (--max-errors,
1,000 by default, 0 for all of them).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from auzolan.core.errors import ApplicationError
from auzolan.datastore.validation import validate
from auzolan.datastore.validation.messages import error_label
from auzolan.datastore.validation.service import report_json, resolve_schema

DEFAULT_MAX_ERRORS = 1000


class Command(BaseCommand):
    help = "Valide un fichier CSV contre un schéma de données (Table Schema, SCDL)."
    # Django's system checks import every URL configuration (the whole site, ~1 s): validating a file needs none.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV")
        parser.add_argument("--schema", required=True, help="nom du schéma (scdl/subventions) ou chemin d'un JSON")
        parser.add_argument("--json", action="store_true", help="affiche le rapport en JSON")
        parser.add_argument("--encoding", default=None)
        parser.add_argument("--delimiter", default=None)
        parser.add_argument(
            "--max-errors",
            type=int,
            default=DEFAULT_MAX_ERRORS,
            help="nombre d'erreurs détaillées, dans le texte comme dans le JSON (0 : toutes) ; les totaux comptent "
            "toujours toutes les erreurs",
        )

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except SystemExit as exit_:
            sys.exit(2 if exit_.code not in (0, 1) else exit_.code)

    def handle(self, *args, **options):
        if options["max_errors"] < 0:
            self.stderr.write(_("--max-errors attend un nombre positif (0 pour détailler toutes les erreurs)."))
            raise SystemExit(2)
        try:
            schema = resolve_schema(options["schema"])
            report = validate(
                options["file"],
                schema,
                encoding=options["encoding"],
                delimiter=options["delimiter"],
                max_errors=options["max_errors"] or None,
            )
        except ApplicationError as error:
            self.stderr.write(error.message)
            raise SystemExit(2) from error
        except CommandError:
            raise
        if options["json"]:
            for piece in report_json(report):
                self.stdout.write(piece, ending="")
        else:
            for line in self.summary(report):
                self.stdout.write(line)
        if not report.valid:
            raise SystemExit(1)

    def summary(self, report):
        """The text report, line by line (the listed errors are described as they are written)."""
        data = report.as_dict(errors=False)
        stats = data["stats"]
        schema = data["schema"]["name"] or data["schema"]["title"]
        if data["valid"]:
            yield _("Fichier valide : %(rows)s lignes conformes au schéma %(schema)s.") % {
                "rows": stats["rows"],
                "schema": schema,
            }
        else:
            yield _("Fichier non valide : %(errors)s erreurs sur %(rows)s lignes (schéma %(schema)s).") % {
                "errors": stats["errors"],
                "rows": stats["rows"],
                "schema": schema,
            }
            for kind, count in stats["types"].items():
                yield f"  {error_label(kind)} ({kind}) : {count}"
            for error in report.iter_errors():
                where = _("ligne %(row)s") % {"row": error["rowNumber"]} if error["rowNumber"] else _("en-tête")
                column = f", {error['fieldName']}" if error["fieldName"] else ""
                yield f"- {where}{column} : {error['message']}"
            if data["truncated"]:
                yield _(
                    "… et %(n)s autres erreurs, comptées mais non détaillées (--max-errors 0 pour toutes les voir)."
                ) % {"n": stats["errors"] - report.listed}
        for warning in data["warnings"]:
            yield _("Avertissement : %(warning)s") % {"warning": warning}
