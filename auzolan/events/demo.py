"""Demo events: the Rencontres Numériques 2026 of the Pays Basque, organised by the agency — twelve sessions in
several communes (médiathèque, lycée, fablab, salle municipale, one webinar), formats mixed, a shared quota for the
pupils' morning, registrations of the demo accounts, full sessions with a waiting list, one offer pending, and two
sessions already held with their check-ins.

Everything goes through the services. Dates are relative to the day of loading (the edition starts in two weeks;
the two sessions already held are moved into the past after their registrations, as an organiser would correct a
date). Idempotent: an existing edition (same slug) is left as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from auzolan.accounts.demo import DEMO_DOMAIN, demo_email
from auzolan.accounts.models import User
from auzolan.events.models import Event, Session, Venue
from auzolan.events.services import events as event_services
from auzolan.events.services import registrations as registration_services
from auzolan.organisations.models import Commune
from auzolan.organisations.selectors import agency_organisation

ORDER = 60
SLUG = "rencontres-numeriques-2026"

#: key: (name, address, INSEE code, step-free, accessibility, latitude, longitude)
VENUES = {
    "mediatheque-bayonne": (
        "Médiathèque de Bayonne",
        "10 rue des Gouverneurs",
        "64102",
        "yes",
        "Entrée de plain-pied rue des Gouverneurs, ascenseur vers l'auditorium, boucle magnétique à l'accueil.",
        Decimal("43.490520"),
        Decimal("-1.475130"),
    ),
    "lycee-hasparren": (
        "Lycée Armand-David",
        "1 avenue Jean-Lissar",
        "64256",
        "yes",
        "Salle polyvalente au rez-de-chaussée, places de stationnement réservées devant l'entrée.",
        None,
        None,
    ),
    "fablab-anglet": (
        "Fablab de la technopole",
        "2 allée du Parc Montaury",
        "64024",
        "no",
        "Atelier à l'étage sans ascenseur : prévenez-nous, l'atelier peut se tenir au rez-de-chaussée.",
        None,
        None,
    ),
    "salle-ustaritz": (
        "Salle municipale Lapurdi",
        "Place du Bourg",
        "64547",
        "yes",
        "Salle de plain-pied, toilettes adaptées.",
        None,
        None,
    ),
    "mediatheque-mauleon": (
        "Médiathèque de Mauléon",
        "Rue du Jeu de Paume",
        "64371",
        "unknown",
        "",
        None,
        None,
    ),
    "salle-cambo": (
        "Salle du Sporting",
        "Avenue de la Mairie",
        "64160",
        "yes",
        "Accès de plain-pied par le parking arrière.",
        None,
        None,
    ),
}

#: (day offset, start hour, duration in hours, title, format, venue key or None, capacity, speakers, audience)
SESSIONS = [
    (
        0,
        9,
        2,
        "Ouverture : jeunes et numérique au Pays Basque",
        "talk",
        "mediatheque-bayonne",
        80,
        "Agence numérique",
        "Tout public",
    ),
    (
        0,
        14,
        3,
        "Atelier : créer son premier jeu vidéo",
        "workshop",
        "fablab-anglet",
        3,
        "Fablab de la technopole",
        "Collégiens et lycéens",
    ),
    (
        0,
        14,
        2,
        "Table ronde : entreprendre au pays",
        "round_table",
        "salle-ustaritz",
        40,
        "Trois jeunes créateurs d'entreprise",
        "Étudiants, apprentis",
    ),
    (1, 9, 3, "Atelier : imprimer en 3D", "workshop", "fablab-anglet", 2, "Fablab de la technopole", "Lycéens"),
    (
        1,
        9,
        2,
        "Atelier : mes données personnelles",
        "workshop",
        "lycee-hasparren",
        25,
        "CNIL, délégation régionale",
        "Lycéens",
    ),
    (
        1,
        11,
        2,
        "Atelier : l'IA expliquée aux élèves",
        "workshop",
        "lycee-hasparren",
        25,
        "Campus de la Côte basque",
        "Lycéens",
    ),
    (
        1,
        18,
        1,
        "Webinaire : les métiers du numérique",
        "webinar",
        None,
        None,
        "CFA des métiers du Pays Basque",
        "Apprentis, parents",
    ),
    (2, 10, 2, "Atelier : réparer son ordinateur", "workshop", "salle-cambo", 2, "Auzo Lab", "Tout public"),
    (2, 14, 2, "Conférence : sobriété numérique", "talk", "mediatheque-mauleon", 50, "Hegoa Datu", "Tout public"),
    (
        2,
        17,
        2,
        "Table ronde : le numérique en montagne",
        "round_table",
        "mediatheque-mauleon",
        50,
        "Élus de Soule",
        "Élus, agents",
    ),
    (
        3,
        10,
        2,
        "Atelier : données ouvertes de ma commune",
        "workshop",
        "mediatheque-bayonne",
        20,
        "Agence numérique",
        "Agents, élus",
    ),
    (
        3,
        16,
        2,
        "Clôture : restitution des ateliers",
        "talk",
        "mediatheque-bayonne",
        80,
        "Agence numérique",
        "Tout public",
    ),
]
#: The sessions (by index) of the pupils' morning, sharing one quota of 45 seats.
QUOTA = ("Matinée des lycéens de Hasparren", 45, (4, 5))
#: The sessions (by index) held already: moved into the past after their registrations, then checked in.
HELD = (0, 2)


def _at(start, day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(start + timedelta(days=day), time(hour, 0)))


def load(*, stdout) -> list[str]:
    operator = User.objects.filter(email=demo_email("operateur")).first()
    agency = agency_organisation()
    if operator is None or agency is None or Event.objects.filter(slug=SLUG).exists():
        return []
    people = list(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_active=True, is_staff=False).order_by("pk"))
    start = timezone.localdate() + timedelta(days=14)
    event = event_services.event_create(
        actor=operator,
        organisation=agency,
        slug=SLUG,
        title="Rencontres Numériques 2026",
        description=(
            "Quatre jours d'ateliers, de conférences et de tables rondes **dans tout le Pays Basque** sur le "
            "numérique, la jeunesse et l'entrepreneuriat : pour les collégiens, lycéens, apprentis et étudiants, "
            "leurs parents, les élus et les agents.\n\nGratuit, sur inscription. Chaque lieu indique son "
            "accessibilité ; écrivez-nous pour toute demande d'aménagement."
        ),
        starts_at=_at(start, 0, 9),
        ends_at=_at(start, 3, 18),
        audience="Jeunes, familles, élus et agents",
    )
    venues = {}
    for key, (name, address, insee, step_free, accessibility, latitude, longitude) in VENUES.items():
        commune = Commune.objects.filter(insee_code=insee).first()
        if commune is None:
            continue
        venues[key] = Venue.objects.filter(organisation=agency, name=name).first() or event_services.venue_create(
            actor=operator,
            organisation=agency,
            name=name,
            address=address,
            commune=commune,
            step_free=step_free,
            accessibility=accessibility,
            latitude=latitude,
            longitude=longitude,
        )
    quota = event_services.quota_create(actor=operator, event=event, name=QUOTA[0], capacity=QUOTA[1])
    sessions: list[Session] = []
    for index, (day, hour, hours, title, kind, venue_key, capacity, speakers, audience) in enumerate(SESSIONS):
        venue = venues.get(venue_key) if venue_key else None
        online = kind == "webinar" or venue is None
        sessions.append(
            event_services.session_create(
                actor=operator,
                event=event,
                title=title,
                format="webinar" if online else kind,
                venue=None if online else venue,
                online_url="https://visio.example.org/rencontres-metiers" if online else "",
                starts_at=_at(start, day, hour),
                ends_at=_at(start, day, hour) + timedelta(hours=hours),
                speakers=speakers,
                audience=audience,
                capacity=capacity,
                quota=quota if index in QUOTA[2] else None,
            )
        )
    event_services.question_create(
        actor=operator,
        event=event,
        label="Vous venez en tant que…",
        kind="choice",
        choices="Élève ou apprenti\nÉtudiant\nParent\nÉlu ou agent\nAutre",
        required=True,
    )
    question = event.questions.get()
    event = event_services.event_move(actor=operator, event=event, name="publish")
    registrations = 0
    for index, session in enumerate(sessions):
        # Full sessions (small capacities) get everyone: the first ones a seat, the others the waiting list.
        wanted = people if (session.capacity or 99) <= 3 else people[index % 3 :: 3]
        for person in wanted:
            registration_services.registration_create(
                actor=person, event=event, session=session, answers={question.pk: "Autre"}
            )
            registrations += 1
    # One seat freed in a full workshop: offered to the first of its waiting list (offer pending).
    full = sessions[3]
    first = full.registrations.filter(state="confirmed").order_by("pk").first()
    if first is not None:
        registration_services.registration_cancel(actor=first.user, registration=first)
    # Two sessions held already: moved into the past (as an organiser corrects a date), most people checked in.
    for index in HELD:
        session = sessions[index]
        day_before = timezone.localdate() - timedelta(days=2 - index % 2)
        event_services.session_update(
            actor=operator,
            session=session,
            starts_at=timezone.make_aware(datetime.combine(day_before, time(14, 0))),
            ends_at=timezone.make_aware(datetime.combine(day_before, time(16, 0))),
        )
        for number, registration in enumerate(session.registrations.filter(state="confirmed").order_by("pk")):
            if number % 4 != 3:  # one in four did not come
                registration_services.registration_check_in(actor=operator, event=event, code=registration.code)
    return [f"Événements : « {event.title} », {len(sessions)} séances, {registrations} demandes d'inscription."]
