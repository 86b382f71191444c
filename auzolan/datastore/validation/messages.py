"""Plain French explanations of validation errors, telling the agent what to fix.

`describe` takes the translation function as `_` (Django's gettext by default): a report that describes many
errors passes `memo_gettext()`, which looks each sentence up once (Django's gettext costs a few microseconds a
call, most of the time of a report listing a million errors).
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy


def gettext_noop(message: str) -> str:
    """Marks a sentence for translation (makemessages knows the name) without reading the settings at import."""
    return message


TYPE_HINTS = {
    "integer": gettext_noop("un nombre entier, sans espace ni décimale (par exemple 42)"),
    "number": gettext_noop("un nombre avec un point comme séparateur décimal, sans espace (par exemple 1234.56)"),
    "boolean": gettext_noop("une valeur parmi %(values)s"),
    "date": gettext_noop("une date au format AAAA-MM-JJ (par exemple 2026-11-25)"),
    "datetime": gettext_noop("une date et heure au format AAAA-MM-JJTHH:MM:SS (par exemple 2026-11-25T14:30:00)"),
    "time": gettext_noop("une heure au format HH:MM:SS (par exemple 14:30:00)"),
    "year": gettext_noop("une année sur 4 chiffres (par exemple 2026)"),
    "yearmonth": gettext_noop("une année et un mois au format AAAA-MM (par exemple 2026-11)"),
    "duration": gettext_noop("une durée au format ISO 8601 (par exemple P1Y2M ou PT3H)"),
    "geopoint": gettext_noop("des coordonnées « longitude, latitude » (par exemple -1.47, 43.48)"),
    "geojson": gettext_noop("un objet GeoJSON"),
    "object": gettext_noop("un objet JSON (entre accolades)"),
    "array": gettext_noop("une liste JSON (entre crochets)"),
}
FORMAT_HINTS = {
    "email": gettext_noop("une adresse électronique (par exemple contact@mairie.fr)"),
    "uri": gettext_noop("une adresse web complète, avec son protocole (par exemple https://www.exemple.fr)"),
    "uuid": gettext_noop("un identifiant UUID"),
    "binary": gettext_noop("un contenu encodé en base64"),
}
DATE_FORMATS = {"%d/%m/%Y": "JJ/MM/AAAA", "%Y-%m-%d": "AAAA-MM-JJ", "%d-%m-%Y": "JJ-MM-AAAA", "%Y/%m/%d": "AAAA/MM/JJ"}


def memo_gettext():
    """A gettext that translates each sentence once (for one report, in one language)."""
    cache: dict[str, str] = {}

    def translate(message: str) -> str:
        translated = cache.get(message)
        if translated is None:
            translated = cache[message] = gettext(message)
        return translated

    return translate


def _expected(field: dict, _=gettext) -> str:
    kind = field.get("type") or "any"
    fmt = field.get("format", "default")
    if kind == "string" and fmt in FORMAT_HINTS:
        return _(FORMAT_HINTS[fmt])
    if kind in ("date", "datetime", "time") and fmt not in ("default", "any", "", None):
        return _("une valeur au format %(format)s") % {"format": DATE_FORMATS.get(fmt, fmt)}
    if kind == "boolean":
        values = [
            *field.get("trueValues", ["true", "True", "TRUE", "1"]),
            *field.get("falseValues", ["false", "False", "FALSE", "0"]),
        ]
        return _(TYPE_HINTS["boolean"]) % {"values": ", ".join(f"« {value} »" for value in values)}
    if kind in TYPE_HINTS:
        return _(TYPE_HINTS[kind])
    return _("une valeur du type %(type)s") % {"type": kind}


def _type_error(error: dict, field: dict, _=gettext) -> str:
    cell = error["cell"]
    message = _("La valeur « %(cell)s » n'est pas valide : la colonne attend %(expected)s.") % {
        "cell": cell,
        "expected": _expected(field, _),
    }
    kind = field.get("type")
    if kind == "number" and "," in cell and field.get("decimalChar", ".") == ".":
        message += " " + _("Remplacez la virgule décimale par un point et retirez les espaces.")
    if kind == "date" and field.get("format", "default") == "default" and cell.count("/") == 2:
        parts = cell.split("/")
        if len(parts[2]) == 4:
            message += " " + _("Écrivez par exemple %(iso)s au lieu de %(cell)s.") % {
                "iso": f"{parts[2]}-{parts[1].zfill(2)}-{parts[0].zfill(2)}",
                "cell": cell,
            }
    return message


def _constraint_error(error: dict, field: dict, _=gettext) -> str:
    constraint = error.get("constraint")
    value = (field.get("constraints") or {}).get(constraint)
    cell = error["cell"]
    if constraint == "required":
        return _("Cellule vide : cette colonne est obligatoire, renseignez une valeur.")
    if constraint == "enum":
        allowed = " ; ".join(f"« {item} »" for item in value or [])
        return _("La valeur « %(cell)s » n'est pas autorisée. Valeurs possibles : %(allowed)s.") % {
            "cell": cell,
            "allowed": allowed,
        }
    if constraint == "pattern":
        message = _("La valeur « %(cell)s » n'a pas le format attendu.") % {"cell": cell}
        if field.get("description"):
            message += " " + str(field["description"]).strip()
        if field.get("example"):
            message += " " + _("Exemple de valeur correcte : « %(example)s ».") % {"example": field["example"]}
        return message
    if constraint == "minLength":
        return _("La valeur « %(cell)s » est trop courte : au moins %(limit)s caractères.") % {
            "cell": cell,
            "limit": value,
        }
    if constraint == "maxLength":
        return _("La valeur est trop longue (%(length)s caractères) : au plus %(limit)s caractères.") % {
            "length": len(cell),
            "limit": value,
        }
    if constraint in ("minimum", "exclusiveMinimum"):
        return _("La valeur « %(cell)s » est trop petite : le minimum est %(limit)s.") % {"cell": cell, "limit": value}
    if constraint in ("maximum", "exclusiveMaximum"):
        return _("La valeur « %(cell)s » est trop grande : le maximum est %(limit)s.") % {"cell": cell, "limit": value}
    return _("La valeur « %(cell)s » ne respecte pas la contrainte %(constraint)s.") % {
        "cell": cell,
        "constraint": constraint,
    }


def describe(error: dict, field: dict, _=gettext) -> str:
    kind = error["type"]
    name = error.get("fieldName") or ""
    if kind == "type-error":
        return _type_error(error, field, _)
    if kind == "constraint-error":
        return _constraint_error(error, field, _)
    if kind == "unique-error":
        return _(
            "La valeur « %(cell)s » est déjà utilisée plus haut : chaque valeur de cette colonne doit être unique."
        ) % {"cell": error["cell"]}
    if kind == "primary-key":
        return _("La clé primaire de cette ligne est vide ou déjà utilisée par une autre ligne.")
    if kind == "blank-row":
        return _("Ligne vide : supprimez-la.")
    if kind == "extra-cell":
        return _(
            "Cette ligne a plus de cellules que l'en-tête n'a de colonnes : supprimez la cellule en trop ou vérifiez les séparateurs."  # noqa: E501
        )
    if kind == "missing-cell":
        return _("Cette ligne a moins de cellules que l'en-tête n'a de colonnes : la colonne « %(name)s » manque.") % {
            "name": name
        }
    if kind == "missing-label":
        return _("Colonne manquante : le schéma attend la colonne « %(name)s ».") % {"name": name}
    if kind == "extra-label":
        return _("Colonne surnuméraire « %(label)s » : le schéma ne la prévoit pas.") % {"label": error["cell"]}
    if kind == "blank-label":
        return _("L'en-tête de la colonne est vide : le schéma attend « %(name)s ».") % {"name": name}
    if kind == "duplicate-label":
        return _("La colonne « %(label)s » apparaît plusieurs fois dans l'en-tête.") % {"label": error["cell"]}
    if kind == "incorrect-label":
        return _("L'en-tête « %(label)s » ne correspond pas : le schéma attend « %(name)s » à cette position.") % {
            "label": error["cell"],
            "name": name,
        }
    if kind == "blank-header":
        return _("La ligne d'en-tête est vide.")
    # A real import cycle: french.py marks its sentences with this module's `gettext_noop`.
    from auzolan.datastore.validation.french import describe as describe_french

    return describe_french(error, field, _)


#: A short French name for each error code, shown before the code (kept for experts and for the API).
ERROR_LABELS = {
    "type-error": gettext_lazy("Valeur du mauvais type"),
    "constraint-error": gettext_lazy("Contrainte du schéma non respectée"),
    "unique-error": gettext_lazy("Valeur en double"),
    "primary-key": gettext_lazy("Clé primaire vide ou en double"),
    "blank-row": gettext_lazy("Ligne vide"),
    "extra-cell": gettext_lazy("Cellule en trop"),
    "missing-cell": gettext_lazy("Cellule manquante"),
    "missing-label": gettext_lazy("Colonne manquante"),
    "extra-label": gettext_lazy("Colonne en trop"),
    "blank-label": gettext_lazy("En-tête de colonne vide"),
    "duplicate-label": gettext_lazy("En-tête en double"),
    "incorrect-label": gettext_lazy("En-tête inattendu"),
    "blank-header": gettext_lazy("Ligne d'en-tête vide"),
    "french-siret-value": gettext_lazy("SIRET non valide"),
    "french-siren-value": gettext_lazy("SIREN non valide"),
    "one-of-required": gettext_lazy("Une des deux colonnes doit être renseignée"),
    "compare-columns-value": gettext_lazy("Comparaison entre colonnes non respectée"),
    "sum-columns-value": gettext_lazy("Somme de colonnes incorrecte"),
    "cohesive-columns-value": gettext_lazy("Colonnes à renseigner ensemble"),
    "year-interval-value": gettext_lazy("Année ou période non valide"),
    "nomenclature-actes-value": gettext_lazy("Matière absente de la nomenclature ACTES"),
    "nomenclature-acte": gettext_lazy("Matière absente de la nomenclature ACTES"),
    "code-commune-insee": gettext_lazy("Code commune INSEE non valide"),
    "french-insee-code-value": gettext_lazy("Code commune INSEE non valide"),
    "code-postal": gettext_lazy("Code postal non valide"),
    "french-postal-code-value": gettext_lazy("Code postal non valide"),
    "phone-number-value": gettext_lazy("Numéro de téléphone non valide"),
    "french-gps-coordinates": gettext_lazy("Coordonnées hors de France ou inversées"),
}


def error_label(code: str) -> str:
    """The French name of an error code (the code itself when it has none)."""
    label = ERROR_LABELS.get(code)
    return code if label is None else str(label)
