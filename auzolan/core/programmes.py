"""The agency's four programmes, as shown in the navigation and on their landing pages."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Programme:
    slug: str
    url_name: str
    title: str
    tagline: str
    audience: str
    offers: tuple = field(default_factory=tuple)


PROGRAMMES = {
    p.slug: p
    for p in (
        Programme(
            slug="opendata",
            url_name="core:programme_opendata",
            title=_("Données ouvertes"),
            tagline=_("Un portail commun pour publier, valider et réutiliser les données publiques du territoire."),
            audience=_("Agents qui publient, réutilisateurs, habitants, groupe pilote des communes."),
            offers=(
                _("Un catalogue partagé par toutes les organisations membres"),
                _("La validation des fichiers selon les schémas nationaux du Socle commun des données locales"),
                _("Des interfaces CKAN et DCAT-AP moissonnées par data.gouv.fr"),
                _("Les feuilles de route du groupe pilote et un observatoire public du territoire"),
            ),
        ),
        Programme(
            slug="participation",
            url_name="core:programme_participation",
            title=_("Participer"),
            tagline=_("L'intelligence collective des habitants au service de la gestion de la ville."),
            audience=_("Habitants, communes et intercommunalités, équipe de l'agence."),
            offers=(
                _("Des démarches participatives par étapes : idées, débat, consultation, vote, résultats"),
                _("Des propositions localisées sur une carte, soutenues et commentées"),
                _("Des budgets participatifs avec un vote vérifié et des résultats publiés"),
                _("Le suivi public des décisions prises"),
            ),
        ),
        Programme(
            slug="learning",
            url_name="core:programme_learning",
            title=_("Se former"),
            tagline=_("L'acculturation des élus et des agents aux sujets du numérique."),
            audience=_("Élus, agents des collectivités, équipe de l'agence."),
            offers=(
                _("Un catalogue de thèmes et de modules courts : textes, vidéos, quiz"),
                _("Des parcours adaptés à chaque public et une auto-évaluation"),
                _("Des ateliers et webinaires, des attestations de suivi"),
                _("Une carte des formations suivies par commune"),
            ),
        ),
        Programme(
            slug="youth",
            url_name="core:programme_youth",
            title=_("Jeunesse & événements"),
            tagline=_("Garder, attirer et faire revenir les jeunes : expérimenter, mesurer, puis généraliser."),
            audience=_("Établissements scolaires, CFA, universités, jeunes, équipe de l'agence."),
            offers=(
                _("Un annuaire des partenaires éducatifs"),
                _("Des expérimentations dont l'impact est mesuré avant d'être généralisées"),
                _("Les compétences entrepreneuriales des élèves (projet YESict)"),
                _("Les Rencontres Numériques et leurs inscriptions"),
            ),
        ),
    )
}
