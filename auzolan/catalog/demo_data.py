"""What the demo catalogue says about each commune: places, streets, associations, council business.

Invented for the demonstration but shaped like the real territory: the communes are the pilot communes of the
demo (their INSEE codes, SIREN and populations come from data/territory/), the coordinates are those of their town
centres, the districts, streets and kinds of associations are the ones such communes have. Nothing here is a real
person, a real association's identifier or a real decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoCommune:
    insee: str
    postcode: str
    #: Latitude and longitude of the town hall; equipment is placed within about a kilometre of it.
    centre: tuple[float, float]
    districts: list[str]
    streets: list[str]
    #: Associations of the commune besides the generic ones built from its name.
    associations: list[str] = field(default_factory=list)
    #: Council business of the year that only this commune has (code, matter, subject).
    council: list[tuple[str, str, str]] = field(default_factory=list)
    #: Places of the commune: (theme, nomenclature code, type, name, ERP type, ERP category).
    places: list[tuple[str, str, str, str, str, int]] = field(default_factory=list)


COMMUNES: dict[str, DemoCommune] = {
    "Bayonne": DemoCommune(
        insee="64102",
        postcode="64100",
        centre=(43.4922, -1.4745),
        districts=["Grand Bayonne", "Petit Bayonne", "Saint-Esprit", "Sainte-Croix", "Arènes", "Marracq"],
        streets=[
            "Avenue du Maréchal Leclerc",
            "Rue Pannecau",
            "Quai Amiral Jauréguiberry",
            "Rue des Cordeliers",
            "Boulevard Alsace-Lorraine",
            "Avenue de Marhum",
            "Rue Maubec",
            "Allées Paulmy",
        ],
        associations=[
            "Aviron bayonnais omnisports",
            "Peña des fêtes du Petit Bayonne",
            "Ikastola du Grand Bayonne",
            "Cercle d'escrime bayonnais",
            "Amis du musée basque",
            "Banda des Arènes",
        ],
        council=[
            (
                "8.9",
                "Domaines de compétences par thèmes",
                "Convention avec le musée basque et de l'histoire de Bayonne",
            ),
            ("3.5", "Domaine et patrimoine", "Occupation du domaine public pendant les fêtes de Bayonne"),
            ("8.3", "Domaines de compétences par thèmes", "Réfection des quais de la Nive"),
            ("1.2", "Commande publique", "Délégation du service de stationnement souterrain"),
        ],
        places=[
            ("Equipement administratif", "01010401", "Mairie", "Hôtel de ville de Bayonne", "W", 2),
            ("Equipement culturel", "05020101", "Médiathèque", "Médiathèque de Bayonne", "S", 2),
            ("Equipement sportif et de loisirs", "06030201", "Trinquet", "Trinquet Saint-André", "X", 4),
            ("Equipement sportif et de loisirs", "06010101", "Piscine", "Piscine municipale de Saint-Esprit", "X", 3),
            ("Equipement d'enseignement", "04010101", "École maternelle", "École maternelle Jules Ferry", "R", 4),
            (
                "Equipement social et d'animation",
                "03020101",
                "Centre social",
                "Maison des associations de Marracq",
                "L",
                4,
            ),
            ("Equipement de mobilité", "09010101", "Gare routière", "Pôle d'échanges de la gare de Bayonne", "GA", 3),
        ],
    ),
    "Anglet": DemoCommune(
        insee="64024",
        postcode="64600",
        centre=(43.4853, -1.5150),
        districts=["Chiberta", "Blancpignon", "Cinq Cantons", "Sutar", "Montbrun", "Quintaou"],
        streets=[
            "Avenue de la Chambre d'Amour",
            "Boulevard du BAB",
            "Avenue des Dauphins",
            "Rue de Hausquette",
            "Promenade de la Barre",
            "Avenue de Montbrun",
            "Rue du Pont de l'Aveugle",
        ],
        associations=[
            "Anglet Olympique",
            "Surf club de la Barre",
            "Hockey club Anglet Hormadi",
            "Atelier théâtre de Quintaou",
            "Jardins familiaux de Sutar",
            "Anglet natation",
        ],
        council=[
            ("8.8", "Domaines de compétences par thèmes", "Plan de gestion de la forêt du Pignada"),
            ("3.3", "Domaine et patrimoine", "Location des postes de secours des plages"),
            ("8.4", "Domaines de compétences par thèmes", "Aménagement de la promenade de la Barre"),
            ("7.4", "Finances locales", "Aide à l'installation de commerces aux Cinq Cantons"),
        ],
        places=[
            ("Equipement administratif", "01010401", "Mairie", "Hôtel de ville d'Anglet", "W", 3),
            ("Equipement culturel", "05040101", "Salle de spectacle", "Théâtre Quintaou", "L", 2),
            ("Equipement sportif et de loisirs", "06050101", "Patinoire", "Patinoire de la Barre", "X", 2),
            ("Equipement sportif et de loisirs", "06030101", "Fronton", "Fronton de Montbrun", "PA", 5),
            ("Equipement d'enseignement", "04010201", "École élémentaire", "École élémentaire du Parc", "R", 4),
            ("Equipement culturel", "05020101", "Médiathèque", "Bibliothèque de Quintaou", "S", 3),
        ],
    ),
    "Biarritz": DemoCommune(
        insee="64122",
        postcode="64200",
        centre=(43.4831, -1.5586),
        districts=["Saint-Charles", "La Négresse", "Beaurivage", "Port-Vieux", "Saint-Martin", "Bibi-Beaurivage"],
        streets=[
            "Avenue Édouard VII",
            "Rue Gambetta",
            "Avenue de la Marne",
            "Place Clemenceau",
            "Rue Mazagran",
            "Avenue du Lac Marion",
            "Rue de la Bergerie",
        ],
        associations=[
            "Biarritz Olympique omnisports",
            "Golf club du lac",
            "Amis de la Cité de l'Océan",
            "Chœur d'hommes Oldarra",
            "Sauveteurs de la Côte des Basques",
            "Festival des cultures latines",
        ],
        council=[
            ("8.8", "Domaines de compétences par thèmes", "Protection du littoral de la Côte des Basques"),
            ("3.3", "Domaine et patrimoine", "Concession des cabines de la Grande Plage"),
            ("8.9", "Domaines de compétences par thèmes", "Programmation de la Gare du Midi"),
        ],
        places=[
            ("Equipement administratif", "01010401", "Mairie", "Hôtel de ville de Biarritz", "W", 3),
            ("Equipement culturel", "05040101", "Salle de spectacle", "Gare du Midi", "L", 1),
            ("Equipement sportif et de loisirs", "06020101", "Stade", "Stade Aguiléra", "PA", 2),
            ("Equipement culturel", "05030101", "Musée", "Musée historique de Biarritz", "Y", 4),
            ("Equipement d'enseignement", "04010101", "École maternelle", "École maternelle de la Négresse", "R", 4),
            (
                "Equipement social et d'animation",
                "03010101",
                "Maison de quartier",
                "Maison de quartier Saint-Charles",
                "L",
                5,
            ),
        ],
    ),
    "Hendaye": DemoCommune(
        insee="64260",
        postcode="64700",
        centre=(43.3717, -1.7794),
        districts=["Ville", "Plage", "Sokoburu", "Belcenia", "Santiago"],
        streets=[
            "Boulevard de la Mer",
            "Rue du Port",
            "Avenue des Mimosas",
            "Rue Aristide Briand",
            "Boulevard du Général Leclerc",
            "Route de la Corniche",
        ],
        associations=["Hendaye Txingudi rugby", "Amis du domaine d'Abbadia", "Club nautique de la baie"],
        council=[
            ("8.8", "Domaines de compétences par thèmes", "Gestion de la baie de Txingudi avec Irun et Hondarribia"),
            ("3.1", "Domaine et patrimoine", "Acquisition d'une parcelle à Sokoburu"),
            ("5.7", "Institutions et vie politique", "Convention transfrontalière avec Irun"),
        ],
        places=[
            ("Equipement administratif", "01010401", "Mairie", "Hôtel de ville d'Hendaye", "W", 3),
            ("Equipement culturel", "05020101", "Médiathèque", "Médiathèque d'Hendaye", "S", 4),
            ("Equipement sportif et de loisirs", "06030201", "Trinquet", "Trinquet de la plage", "X", 4),
            ("Equipement de mobilité", "09020101", "Port de plaisance", "Port de Sokoburu", "PA", 5),
            ("Equipement d'enseignement", "04010201", "École élémentaire", "École élémentaire de la Gare", "R", 4),
        ],
    ),
    "Saint-Jean-de-Luz": DemoCommune(
        insee="64483",
        postcode="64500",
        centre=(43.3881, -1.6631),
        districts=["Centre", "Acotz", "Erromardie", "Fargeot", "Urdazuri"],
        streets=[
            "Boulevard Thiers",
            "Rue Gambetta",
            "Quai de l'Infante",
            "Avenue de Verdun",
            "Rue Léon Pascassio",
            "Avenue André Ithurralde",
        ],
        associations=["Union sportive luzienne", "Chorale Donibane", "Amis de la maison Louis XIV", "Pelote luzienne"],
        council=[
            ("8.8", "Domaines de compétences par thèmes", "Protection de la baie contre les tempêtes"),
            ("7.5", "Finances locales", "Soutien à la fête du thon"),
        ],
        places=[
            ("Equipement administratif", "01010401", "Mairie", "Hôtel de ville de Saint-Jean-de-Luz", "W", 3),
            ("Equipement culturel", "05040101", "Salle de spectacle", "Espace culturel Larrendart", "L", 3),
            (
                "Equipement sportif et de loisirs",
                "06030101",
                "Fronton",
                "Fronton municipal de Saint-Jean-de-Luz",
                "PA",
                5,
            ),
            ("Equipement sportif et de loisirs", "06010101", "Piscine", "Piscine Kiroleta", "X", 3),
        ],
    ),
    "Hasparren": DemoCommune(
        insee="64256",
        postcode="64240",
        centre=(43.3844, -1.3050),
        districts=["Bourg", "Celhay", "Minhotz", "Pariès"],
        streets=["Rue Jean Lissar", "Place Saint-Jean", "Rue Francis Jammes", "Route d'Urcuray", "Rue Cazenave"],
        associations=["Hasparren athletic club", "Comité des fêtes d'Hazparne", "Ikastola d'Hasparren"],
        council=[
            ("8.3", "Domaines de compétences par thèmes", "Entretien des chemins ruraux de Celhay"),
            ("3.2", "Domaine et patrimoine", "Cession d'un ancien corps de ferme communal"),
            ("8.2", "Domaines de compétences par thèmes", "Convention avec l'EHPAD d'Hasparren"),
        ],
        places=[
            ("Equipement administratif", "01010401", "Mairie", "Mairie d'Hasparren", "W", 4),
            ("Equipement sportif et de loisirs", "06030101", "Fronton", "Fronton du bourg d'Hasparren", "PA", 5),
            ("Equipement culturel", "05020101", "Médiathèque", "Médiathèque d'Hasparren", "S", 5),
            ("Equipement d'enseignement", "04010201", "École élémentaire", "École publique du bourg", "R", 5),
        ],
    ),
}

# Associations every commune has, named after it (with `de`: "Comité des fêtes d'Anglet").
GENERIC_ASSOCIATIONS = [
    "Comité des fêtes {de}",
    "Club de pelote basque {de}",
    "Harmonie municipale {de}",
    "Banque alimentaire, antenne {de}",
    "Association des parents d'élèves {de}",
    "Secours populaire, comité {de}",
    "Club des aînés {de}",
    "Office municipal des sports {de}",
]
DISTRICT_ASSOCIATIONS = ["Comité de quartier {district}", "Association des commerçants {district}"]

# (object of the grant, smallest and largest amount in euros)
GRANT_OBJECTS = [
    ("Fonctionnement annuel de l'association", 500, 8000),
    ("Organisation des fêtes de quartier", 1500, 12000),
    ("Cours de langue basque pour adultes", 800, 6000),
    ("Aide alimentaire aux familles", 2000, 25000),
    ("Stage sportif pour les jeunes pendant les vacances", 600, 5000),
    ("Festival de musique traditionnelle", 3000, 30000),
    ("Entretien des jardins partagés", 300, 2500),
    ("Sorties culturelles des aînés", 400, 3000),
    ("Déplacements en compétition nationale", 2000, 45000),
    ("Achat de matériel pédagogique", 500, 4000),
    ("Animation estivale sur le front de mer", 1000, 9000),
    ("Accompagnement numérique des habitants", 800, 7000),
]

# Council business every commune has (ACTES code, matter, subject).
COUNCIL_BUSINESS = [
    ("7.1", "Finances locales", "Vote du budget primitif 2025"),
    ("7.1", "Finances locales", "Approbation du compte administratif 2024"),
    ("7.1", "Finances locales", "Décision modificative n° 1 du budget principal"),
    ("7.2", "Finances locales", "Vote des taux de fiscalité directe locale"),
    ("7.3", "Finances locales", "Garantie d'emprunt à l'office public de l'habitat"),
    ("7.5", "Finances locales", "Attribution des subventions aux associations"),
    ("7.5", "Finances locales", "Subvention exceptionnelle aux sinistrés des inondations"),
    ("7.10", "Finances locales", "Tarifs municipaux pour l'année scolaire 2025-2026"),
    ("1.1", "Commande publique", "Attribution du marché de restauration scolaire"),
    ("1.1", "Commande publique", "Marché d'entretien de l'éclairage public"),
    ("1.4", "Commande publique", "Groupement de commandes pour l'achat d'énergie"),
    ("2.1", "Urbanisme", "Modification simplifiée du plan local d'urbanisme"),
    ("2.3", "Urbanisme", "Exercice du droit de préemption urbain"),
    ("3.1", "Domaine et patrimoine", "Acquisition amiable d'une parcelle pour un parking"),
    ("3.5", "Domaine et patrimoine", "Dénomination d'une nouvelle voie"),
    ("4.1", "Fonction publique", "Mise à jour du tableau des effectifs"),
    ("4.2", "Fonction publique", "Recrutement d'agents saisonniers pour l'été"),
    ("4.5", "Fonction publique", "Régime indemnitaire des agents"),
    ("5.3", "Institutions et vie politique", "Désignation des représentants au conseil d'école"),
    ("5.7", "Institutions et vie politique", "Rapport d'activité de la Communauté d'Agglomération"),
    ("6.1", "Libertés publiques et pouvoirs de police", "Règlement de la police des marchés"),
    ("8.1", "Domaines de compétences par thèmes", "Carte scolaire de la rentrée 2025"),
    ("8.3", "Domaines de compétences par thèmes", "Programme annuel de voirie"),
    ("8.4", "Domaines de compétences par thèmes", "Aménagement d'une piste cyclable"),
    ("8.5", "Domaines de compétences par thèmes", "Convention avec un bailleur pour des logements sociaux"),
    ("8.8", "Domaines de compétences par thèmes", "Plan communal de sauvegarde"),
    ("9.1", "Autres domaines de compétences", "Motion pour la langue basque"),
    ("9.1", "Autres domaines de compétences", "Jumelage avec une commune de Gipuzkoa"),
]
