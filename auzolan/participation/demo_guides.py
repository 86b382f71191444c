# ruff: noqa: E501  (long lines of French text)
"""The agency's methodology guides (French texts) and `load_guides()`, which creates the missing ones.

Called by the demo loader and usable on a fresh platform; a guide that already exists (same slug) is left as the
agency's staff edited it.
"""

from __future__ import annotations

from django.db import transaction

from auzolan.participation.models import Guide

GUIDES = [
    {
        "slug": "choisir-sa-demarche",
        "title": "Choisir la bonne démarche participative",
        "summary": "Boîte à idées, consultation ou budget participatif : partir de la question posée et de ce que la commune peut promettre.",
        "position": 1,
        "related_template": "",
        "body": """## Partir de la décision, pas de l'outil

Avant de choisir un format, écrivez en une phrase **ce que la commune décidera à la fin** et **ce que les habitants peuvent changer**. Une démarche où tout est déjà décidé déçoit plus qu'une absence de démarche.

| Vous voulez… | Choisissez | Durée indicative |
|---|---|---|
| recueillir des idées ouvertes sur un thème | la **boîte à idées** | 2 à 3 mois |
| recueillir des avis sur un projet déjà dessiné | la **consultation** avec questionnaire | 1 à 2 mois |
| confier une part du budget d'investissement aux habitants | le **budget participatif** | 6 à 9 mois |

## Les questions à trancher avant de publier

1. **Le périmètre** : toute la commune, un quartier, plusieurs communes de l'intercommunalité ?
2. **Qui peut participer** : toute personne avec un compte, les habitants qui déclarent leur résidence, ou seulement ceux qui figurent sur la liste de la commune ? Plus la vérification est forte, plus la participation baisse : réservez la vérification sur liste aux votes qui engagent de l'argent public.
3. **Ce que vous répondrez** : chaque proposition recevra une réponse publique (retenue, non retenue avec ses raisons, à l'étude, déjà prévue). Prévoyez qui rédige ces réponses et en combien de temps.
4. **Le calendrier** : une phase à la fois, avec des dates annoncées dès la publication ; évitez juillet-août et les périodes électorales.
5. **Les moyens d'aller vers ceux qui ne viennent pas** : réunion publique, permanence en mairie, version papier, codes de participation distribués dans les boîtes aux lettres.

## Les erreurs fréquentes

- Ouvrir une boîte à idées sans budget ni service pour étudier les idées.
- Annoncer un vote, puis choisir les projets lauréats autrement.
- Laisser des propositions sans réponse : c'est le premier reproche des habitants dans toutes les plateformes de participation.
- Publier les résultats sans dire ce qui sera fait, par qui et quand : utilisez le suivi des décisions.
""",
    },
    {
        "slug": "repondre-aux-propositions",
        "title": "Répondre aux propositions des habitants",
        "summary": "Une réponse pour chaque proposition, argumentée, dans un délai annoncé : c'est ce qui fait revenir les participants.",
        "position": 2,
        "related_template": "idea_box",
        "body": """## Le principe : personne ne reste sans réponse

Chaque proposition publiée reçoit une **réponse publique** de la commune, et son auteur en est averti. La plateforme propose quatre réponses :

- **Retenue** : dites ce qui sera fait, par quel service et à quelle échéance, puis suivez-la dans le suivi des décisions.
- **Non retenue** : donnez les raisons (coût, compétence d'une autre collectivité, contrainte technique ou réglementaire). Une raison claire est mieux reçue qu'un silence.
- **À l'étude** : annoncez la date à laquelle vous reviendrez vers l'auteur.
- **Déjà prévue** : indiquez le projet existant et son calendrier.

## Organiser le travail

1. Désignez un **référent** par démarche qui répartit les propositions entre les services.
2. Fixez un **délai** (par exemple un mois après la fin de la phase d'idées) et publiez-le sur la page de la démarche.
3. Regroupez les propositions proches : répondez à chacune en renvoyant vers la réponse commune.
4. Faites relire les réponses « non retenue » par l'élu référent.

## Écrire une bonne réponse

- Remerciez sans formule creuse : citez ce que la proposition apporte.
- Employez des mots simples, sans sigles, en quelques phrases.
- Restez factuel et courtois, même face à une proposition agressive ; la modération traite les contenus qui enfreignent la charte, pas les désaccords.
- Ne promettez que ce que la commune peut tenir.

## Modération

Un contenu signalé par plusieurs personnes est masqué en attendant la décision d'un modérateur. Masquez avec un motif public (propos injurieux, données personnelles, publicité) et n'utilisez pas la modération pour écarter une critique.
""",
    },
    {
        "slug": "mener-un-budget-participatif",
        "title": "Mener un budget participatif",
        "summary": "Enveloppe, règlement, étude technique, vote vérifié et publication des résultats : les étapes et les règles à fixer avant d'ouvrir.",
        "position": 3,
        "related_template": "budget",
        "body": """## Les étapes

1. **Information** : publiez le règlement, l'enveloppe (par exemple 5 % du budget d'investissement) et le calendrier.
2. **Dépôt des projets** : les habitants proposent des projets d'investissement d'intérêt général, localisés si possible.
3. **Étude technique** : les services vérifient la faisabilité, la compétence de la commune et chiffrent chaque projet. Chaque projet écarté reçoit une réponse motivée.
4. **Vote** : les habitants choisissent parmi les projets retenus.
5. **Résultats et suivi** : la plateforme calcule les lauréats selon la règle publiée ; la commune suit leur réalisation publiquement.

## Les règles à fixer avant le vote (elles ne changent plus ensuite)

- **Qui vote** : habitants déclarés, vérifiés sur la liste de la commune, ou munis d'un code papier. Dès que la phase de vote commence, le niveau de vérification est figé.
- **Comment on vote** : *sac à dos* (choisir des projets dont le total ne dépasse pas l'enveloppe) ou *approbation* (choisir entre un minimum et un maximum de projets).
- **Répartition** : une enveloppe par quartier ou une enveloppe commune.
- **Calcul des résultats** : les projets sont classés par nombre de voix et retenus tant qu'ils tiennent dans l'enveloppe restante ; en cas d'égalité, la règle de départage est publiée avant le vote.

## Intégrité du vote

- Un seul bulletin par personne et par budget : la plateforme l'impose, et chaque votant reçoit un reçu.
- Les bulletins papier sont saisis par projet avant la publication des résultats.
- Les bulletins sont publiés anonymisés (format Pabulib) pour que chacun puisse recompter.

## Faire voter ceux qui ne viennent pas en ligne

Permanences avec un ordinateur, urnes dans les écoles et les marchés, codes de participation distribués avec le journal municipal. Comptez trois semaines de vote au minimum.
""",
    },
    {
        "slug": "verifier-les-participants-rgpd",
        "title": "Vérifier les participants dans le respect du RGPD",
        "summary": "Déclaration sur l'honneur, liste de recensement chiffrée ou codes papier : demander le minimum, et le dire.",
        "position": 4,
        "related_template": "",
        "body": """## Demander le minimum

Le RGPD impose de ne collecter que les données nécessaires. Pour la plupart des étapes (proposer, commenter, répondre à un questionnaire), **un compte avec une adresse électronique vérifiée suffit**. Réservez une vérification plus forte aux votes qui engagent le budget de la commune.

## Les trois niveaux proposés

- **Résidence déclarée** : la personne indique sa commune ou son quartier et son code postal, sur l'honneur. Pas d'adresse, pas de justificatif.
- **Résidence vérifiée sur la liste de la commune** : la commune dépose une liste (liste électorale, fichier des habitants) ; la plateforme ne conserve **que des empreintes chiffrées** (HMAC-SHA256 avec une clé secrète), jamais les noms ni les dates de naissance. L'habitant saisit les mêmes informations pour se vérifier ; une ligne de la liste ne vérifie qu'un seul compte ; les essais sont limités et tracés.
- **Code à usage unique** : pour voter sans compte ou sur papier ; les codes sont conservés chiffrés et ne servent qu'une fois.

## Avant de déposer une liste

1. Vérifiez la **base légale** : l'usage de la liste électorale est encadré ; pour un budget participatif, appuyez-vous sur une délibération qui prévoit la vérification et informez les habitants.
2. Ne gardez que les colonnes utiles : numéro d'électeur, ou nom de naissance, date de naissance et code postal, plus le quartier si le vote est par quartier.
3. Enregistrez le fichier en **CSV UTF-8**, déposez-le, puis **supprimez la copie** du poste qui a servi à l'envoyer.
4. Une nouvelle liste remplace la précédente ; les habitants déjà vérifiés qui y figurent toujours le restent.

## Informer les habitants

Indiquez sur la page de la démarche ce qui est demandé, pourquoi, combien de temps c'est conservé (jusqu'à la fin de la démarche) et comment exercer ses droits. Chaque personne peut télécharger et supprimer ses données depuis son espace ; ses contributions restent alors publiées sous la mention « Compte supprimé ».
""",
    },
]


@transaction.atomic
def load_guides() -> int:
    """Create the guides that do not exist yet; return how many were created."""
    created = 0
    for data in GUIDES:
        _guide, was_created = Guide.objects.get_or_create(slug=data["slug"], defaults=data)
        created += was_created
    return created
