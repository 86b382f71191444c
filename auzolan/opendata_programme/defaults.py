"""The roadmap template of issue 12 (data only: the seeding migration and `services.roadmap_template_seed` read it).

Each step: code, title, short label, help text (what to do), evidence hint, observer code ("" = checked by the
agency), link (RoadmapStep.Link), threshold.
"""

DEFAULT_STEPS = [
    (
        "commitment",
        "Engagement de la collectivité (délibération ou charte signée)",
        "Engagement",
        "Faites adopter une délibération ou signer la charte open data de l'agence : elle fixe l'ambition, "
        "désigne un pilote et engage la collectivité dans le groupe.",
        "La délibération ou la charte signée (document ou lien).",
        "",
        "support",
    ),
    (
        "referents_named",
        "Référents désignés (un élu, un agent)",
        "Référents désignés",
        "Désignez un élu et un agent référents parmi les membres de votre organisation sur la plateforme : "
        "ils seront les interlocuteurs de l'agence.",
        "",
        "referents_named",
        "referents",
    ),
    (
        "referents_trained",
        "Référents formés",
        "Référents formés",
        "Les référents suivent le parcours de formation open data (élus et agents) proposé par l'agence.",
        "L'attestation de formation ou la feuille d'émargement.",
        "referents_trained",
        "support",
    ),
    (
        "inventory_done",
        "Inventaire des données réalisé",
        "Inventaire fait",
        "Recensez avec les services les données que vous détenez : titre, service détenteur, priorité, "
        "présence de données personnelles, date de publication visée.",
        "",
        "inventory_done",
        "inventory",
    ),
    (
        "first_dataset",
        "Premier jeu de données publié",
        "Premier jeu publié",
        "Publiez un premier jeu de données : transformez une ligne prioritaire de l'inventaire en jeu de données, "
        "complétez-le, ajoutez son fichier et publiez-le.",
        "",
        "first_dataset_published",
        "inventory",
    ),
    (
        "scdl_valid",
        "Un jeu de données SCDL publié et valide",
        "Jeu SCDL valide",
        "Publiez un jeu qui suit un schéma du Socle commun des données locales (délibérations, subventions, "
        "marchés publics…) : la plateforme valide le fichier et vous montre les erreurs à corriger.",
        "",
        "scdl_dataset_valid",
        "dataset",
    ),
    (
        "harvested",
        "Catalogue moissonné par data.gouv.fr",
        "Moissonné par data.gouv.fr",
        "Déclarez le catalogue de votre organisation sur data.gouv.fr pour que vos jeux y apparaissent : "
        "suivez l'aide de la plateforme.",
        "L'adresse de la page de l'organisation sur data.gouv.fr.",
        "",
        "datagouv",
    ),
    (
        "first_reuse",
        "Une première réutilisation",
        "Réutilisé",
        "Faites connaître vos données (associations, écoles, entreprises) : une réutilisation publiée sur la "
        "plateforme et liée à l'un de vos jeux valide l'étape.",
        "",
        "first_reuse",
        "reuses",
    ),
]
