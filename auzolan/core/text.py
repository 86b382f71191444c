"""Text helpers: French typography of names ("de" before a name, elided and contracted as French writes it)
and the extension of a file name (`file_extension`).

`de("Anglet")` is "d'Anglet", `de("Hasparren")` "d'Hasparren" (the h of place names is mute, as INSEE's official
commune list writes them), `de("Le Boucau")` "du Boucau", `de("Les Aldudes")` "des Aldudes", `de("Bayonne")`
"de Bayonne". Use it wherever "de <name>" is built: in Python (`de(name)`, or `elide(message, name)` on a
translated message), in templates the `elide` filter of `{% load text %}` on a `{% blocktranslate … asvar %}`.
"""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

_ELIDING = set("AEIOUYÀÂÄÆÉÈÊËÎÏÔÖŒÙÛÜŸH")


def de(name: str) -> str:
    """ "de <name>" in French: elided before a vowel or a mute h, contracted with the articles le and les."""
    name = name.strip()
    if name[:3] in ("Le ", "le "):
        return "du " + name[3:]
    if name[:4] in ("Les ", "les "):
        return "des " + name[4:]
    if name[:1].upper() in _ELIDING:
        return "d'" + name
    return "de " + name


def elide(text: str, name: str) -> str:
    """A translated `text` with its "de <name>" written by `de` when the language is French (other languages keep
    their own translation). Escapes `name` like `text` when `text` is already safe HTML."""
    if not name or not (get_language() or "").startswith("fr"):
        return text
    if isinstance(text, SafeData):
        escaped = str(conditional_escape(name))
        return mark_safe(text.replace(f"de {escaped}", conditional_escape(de(name))))  # noqa: S308 (escaped above)
    return text.replace(f"de {name}", de(name))


def file_extension(name: str | None) -> str:
    """The lower-case extension of a file name or path, without its dot ("" when there is none):
    `"Budget 2026.CSV"` → `"csv"`, `"archive.tar.gz"` → `"gz"`, `".env"` → `""`."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    return extension.lower() if dot and stem.strip(".") else ""
