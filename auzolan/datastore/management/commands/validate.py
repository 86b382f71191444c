"""python manage.py validate FILE --schema NAME_OR_PATH [--json]

Exit code 0 when the file is valid, 1 when it is not, 2 on a usage or file error.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from auzolan.core.errors import ApplicationError
from auzolan.datastore.validation import validate
from auzolan.datastore.validation.service import report_json, resolve_schema


class Command(BaseCommand):
    help = "Valide un fichier CSV contre un schéma de données (Table Schema, SCDL)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV")
        parser.add_argument("--schema", required=True, help="nom du schéma (scdl/subventions) ou chemin d'un JSON")
        parser.add_argument("--json", action="store_true", help="affiche le rapport en JSON")
        parser.add_argument("--encoding", default=None)
        parser.add_argument("--delimiter", default=None)

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except SystemExit as exit_:
            sys.exit(2 if exit_.code not in (0, 1) else exit_.code)

    def handle(self, *args, **options):
        try:
            schema = resolve_schema(options["schema"])
            report = validate(options["file"], schema, encoding=options["encoding"], delimiter=options["delimiter"])
        except ApplicationError as error:
            self.stderr.write(error.message)
            raise SystemExit(2) from error
        except CommandError:
            raise
        if options["json"]:
            self.stdout.write(report_json(report))
        else:
            self.stdout.write(self.summary(report.as_dict()))
        if not report.valid:
            raise SystemExit(1)

    def summary(self, data: dict) -> str:
        stats = data["stats"]
        lines = []
        if data["valid"]:
            lines.append(
                _("Fichier valide : %(rows)s lignes conformes au schéma %(schema)s.")
                % {"rows": stats["rows"], "schema": data["schema"]["name"] or data["schema"]["title"]}
            )
        else:
            lines.append(
                _("Fichier non valide : %(errors)s erreurs sur %(rows)s lignes (schéma %(schema)s).")
                % {
                    "errors": stats["errors"],
                    "rows": stats["rows"],
                    "schema": data["schema"]["name"] or data["schema"]["title"],
                }
            )
            for kind, count in stats["types"].items():
                lines.append(f"  {kind} : {count}")
            for error in data["errors"][:50]:
                where = _("ligne %(row)s") % {"row": error["rowNumber"]} if error["rowNumber"] else _("en-tête")
                column = f", {error['fieldName']}" if error["fieldName"] else ""
                lines.append(f"- {where}{column} : {error['message']}")
            if stats["errors"] > 50:
                lines.append(
                    _("… et %(n)s autres erreurs (utilisez --json pour le rapport complet).")
                    % {"n": stats["errors"] - 50}
                )
        for warning in data["warnings"]:
            lines.append(_("Avertissement : %(warning)s") % {"warning": warning})
        return "\n".join(lines)
