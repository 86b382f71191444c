"""Controlled vocabularies of the catalogue, with the URIs that DCAT-AP and data.gouv.fr recognise."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"


@dataclass(frozen=True)
class LicenceInfo:
    code: str
    title: str
    url: str
    summary: str  # the licence in plain French


LICENCES = {
    info.code: info
    for info in (
        LicenceInfo(
            "lov2",
            "Licence Ouverte / Open Licence version 2.0",
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            _(
                "Vous pouvez réutiliser ces données librement, y compris commercialement, à condition de citer "
                "la source et la date de dernière mise à jour."
            ),
        ),
        LicenceInfo(
            "odc-odbl",
            "Open Database License (ODbL) 1.0",
            "http://opendatacommons.org/licenses/odbl/summary/",
            _(
                "Vous pouvez réutiliser ces données en citant la source ; si vous diffusez une base de données "
                "qui en dérive, elle doit être partagée sous la même licence."
            ),
        ),
        LicenceInfo(
            "cc-by",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
            _("Vous pouvez réutiliser ces données librement, à condition de citer leur auteur."),
        ),
        LicenceInfo(
            "cc-zero",
            "Creative Commons CC Zero 1.0",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            _("Ces données sont dans le domaine public : aucune condition de réutilisation."),
        ),
        LicenceInfo(
            "other",
            "Autre licence",
            "",
            _("Les conditions de réutilisation sont celles de la licence indiquée par le producteur."),
        ),
    )
}


class Licence(models.TextChoices):
    LOV2 = "lov2", _("Licence Ouverte 2.0 (Etalab)")
    ODBL = "odc-odbl", _("ODbL 1.0")
    CC_BY = "cc-by", _("CC-BY 4.0")
    CC_ZERO = "cc-zero", _("CC0 (domaine public)")
    OTHER = "other", _("Autre licence (préciser l'adresse)")


class Frequency(models.TextChoices):
    """EU frequency vocabulary (the code is the last part of the URI)."""

    UNKNOWN = "UNKNOWN", _("Inconnue")
    CONTINUOUS = "CONT", _("En continu")
    DAILY = "DAILY", _("Quotidienne")
    WEEKLY = "WEEKLY", _("Hebdomadaire")
    MONTHLY = "MONTHLY", _("Mensuelle")
    QUARTERLY = "QUARTERLY", _("Trimestrielle")
    BIANNUAL = "BIANNUAL", _("Semestrielle")
    ANNUAL = "ANNUAL", _("Annuelle")
    IRREGULAR = "IRREG", _("Irrégulière")
    NEVER = "NEVER", _("Jamais (données figées)")


# How long until the next expected update (days); None: no deadline (udata's rule).
FREQUENCY_DAYS = {
    "CONT": None,
    "DAILY": 1,
    "WEEKLY": 7,
    "MONTHLY": 31,
    "QUARTERLY": 92,
    "BIANNUAL": 183,
    "ANNUAL": 366,
    "IRREG": None,
    "NEVER": None,
}


class Theme(models.TextChoices):
    """EU data themes (DCAT-AP dcat:theme)."""

    AGRI = "AGRI", _("Agriculture, pêche, sylviculture et alimentation")
    ECON = "ECON", _("Économie et finances")
    EDUC = "EDUC", _("Éducation, culture et sport")
    ENER = "ENER", _("Énergie")
    ENVI = "ENVI", _("Environnement")
    GOVE = "GOVE", _("Gouvernement et secteur public")
    HEAL = "HEAL", _("Santé")
    INTR = "INTR", _("Questions internationales")
    JUST = "JUST", _("Justice, système juridique et sécurité publique")
    REGI = "REGI", _("Régions et villes")
    SOCI = "SOCI", _("Population et société")
    TECH = "TECH", _("Science et technologie")
    TRAN = "TRAN", _("Transports")


# Formats that are not open (udata's CLOSED_FORMATS)
CLOSED_FORMATS = {"pdf", "doc", "docx", "word", "xls", "excel", "xlsx"}
