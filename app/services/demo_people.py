"""Realistic-looking French people, places, companies and SIRETs for the demo data, drawn
from a seeded random so that the same seed gives the same data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from stdnum import luhn

from app.services.demo_rows import ascii_slug


def siret(rng: random.Random) -> str:
    """A SIRET that passes the checks: a Luhn-valid SIREN, then a Luhn-valid 14 digits."""
    while True:
        body = str(rng.randrange(10_000_000, 100_000_000))
        if not body.startswith("356"):  # La Poste's SIRETs follow another rule
            break
    siren = body + luhn.calc_check_digit(body)
    nic = f"{rng.randrange(1, 10_000):04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


FIRST_NAMES = (  # noqa: SIM905 - one string reads better than a column of names
    "Léa Emma Chloé Inès Jade Manon Camille Sarah Lina Zoé Louise Mila Anaïs Yasmine Clara "
    "Océane Maëlys Lucie Nina Sofia Amel Lou Romane Eva Julie Hugo Lucas Nathan Enzo Louis "
    "Mathis Théo Tom Noah Adam Rayan Yanis Gabriel Jules Arthur Maxime Kylian Mehdi Baptiste "
    "Ethan Sacha Axel Noé Clément Antoine Bilal Samuel Kevin Dylan Aya Malo Timéo Elouan Ilyes"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
    "Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller "
    "Henry Roussel Nicolas Perrin Morin Mathieu Clement Gauthier Dumont Lopez Fontaine "
    "Chevalier Robin Masson Sanchez Gerard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger "
    "Benali Haddad Diallo Traoré Kaya Yilmaz Pereira Ferreira Mendes Brun Barbier"
).split()
# (postcode, city, rural): the CFA is in Lyon; rural learners live far from it.
PLACES = (
    ("69003", "Lyon", False),
    ("69007", "Lyon", False),
    ("69100", "Villeurbanne", False),
    ("69200", "Vénissieux", False),
    ("69500", "Bron", False),
    ("69120", "Vaulx-en-Velin", False),
    ("69600", "Oullins", False),
    ("69300", "Caluire-et-Cuire", False),
    ("42000", "Saint-Étienne", False),
    ("38200", "Vienne", False),
    ("01000", "Bourg-en-Bresse", False),
    ("69400", "Villefranche-sur-Saône", False),
    ("69170", "Tarare", True),
    ("69550", "Amplepuis", True),
    ("42110", "Feurs", True),
    ("01240", "Saint-Paul-de-Varax", True),
    ("38460", "Crémieu", True),
    ("69610", "Sainte-Foy-l'Argentière", True),
    ("42600", "Montbrison", True),
    ("71800", "La Clayette", True),
    ("43100", "Brioude", True),
    ("07100", "Annonay", True),
)
STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "chemin des Prés",
    "rue du Moulin",
    "place de l'Église",
    "rue Pasteur",
    "boulevard des Belges",
    "rue Garibaldi",
    "route de Lyon",
    "impasse des Lilas",
    "rue de la Gare",
    "allée des Tilleuls",
    "cours Lafayette",
)


@dataclass(frozen=True)
class Sector:
    """What kind of company a programme places its learners in."""

    name: str
    naf_codes: tuple[str, ...]
    idcc: str
    opco: str
    company_names: tuple[str, ...]  # "{last}" and "{city}" are filled in
    tutor_titles: tuple[str, ...]


SECTORS = {
    "commerce": Sector(
        "commerce",
        ("4711D", "4771Z", "4719B", "4759A", "4764Z"),
        "2216",
        "OPCOMMERCE",
        (
            "Supermarché {city}",
            "{last} Distribution",
            "Maison {last}",
            "Comptoir {last}",
            "Sport Plus {city}",
            "Optique {last}",
            "Jardinerie du {city}",
            "Bricolage {city}",
        ),
        ("Responsable de rayon", "Directeur de magasin", "Chef des ventes", "Gérant"),
    ),
    "it": Sector(
        "it",
        ("6201Z", "6202A", "6203Z", "6311Z"),
        "1486",
        "ATLAS",
        (
            "{last} Informatique",
            "Agence Web {last}",
            "{city} Numérique",
            "Infogérance {last}",
            "Pixel {last}",
            "Data {city}",
        ),
        ("Lead developer", "Administrateur systèmes", "Directeur technique", "Chef de projet"),
    ),
    "bakery": Sector(
        "bakery",
        ("1071C", "1071D"),
        "0843",
        "OPCO EP",
        (
            "Boulangerie {last}",
            "Au Fournil de {city}",
            "Maison {last} Pâtisserie",
            "Le Pain de {city}",
        ),
        ("Artisan boulanger", "Chef boulanger", "Pâtissier", "Gérant"),
    ),
    "hospitality": Sector(
        "hospitality",
        ("5610A", "5610C", "5621Z"),
        "1979",
        "AKTO",
        ("Restaurant {last}", "Brasserie du {city}", "Le Bistrot de {city}", "Traiteur {last}"),
        ("Chef de cuisine", "Second de cuisine", "Gérant"),
    ),
    "accounting": Sector(
        "accounting",
        ("6920Z",),
        "0787",
        "ATLAS",
        ("Cabinet {last}", "{last} Expertise", "Fiduciaire de {city}"),
        ("Expert-comptable", "Chef de mission"),
    ),
}


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def phone(rng: random.Random, mobile: bool = True) -> str:
    prefix = rng.choice(("06", "07")) if mobile else "04"
    return prefix + "".join(f" {rng.randrange(100):02d}" for _ in range(4))


def address(rng: random.Random) -> dict[str, str]:
    postcode, city, _ = rng.choice(PLACES)
    return {
        "line": f"{rng.randrange(1, 120)} {rng.choice(STREETS)}",
        "postcode": postcode,
        "city": city,
    }


def company_values(rng: random.Random, sector: Sector, owner_id: str | None) -> dict[str, Any]:
    """A company's columns (without tutors): name, SIRET, codes, address and one contact."""
    last = rng.choice(LAST_NAMES)
    where = address(rng)
    name = rng.choice(sector.company_names).format(last=last, city=where["city"])
    contact_first, contact_last = person(rng)
    slug = ascii_slug(name.replace(" ", "-"))[:40]
    sensitive = rng.random() < 0.06
    return {
        "name": name,
        "siret": siret(rng),
        "naf_code": rng.choice(sector.naf_codes),
        "idcc": sector.idcc,
        "opco": sector.opco,
        "address": where,
        "contacts": [
            {
                "name": f"{contact_first} {contact_last}",
                "role": rng.choice(("gérant·e", "RH", "assistante de direction")),
                "email": f"contact@{slug}.exemple.fr",
                "phone": phone(rng, mobile=False),
            }
        ],
        "owner_id": owner_id,
        "sensitive": sensitive,
        "sensitive_reason": rng.choice(SENSITIVE_REASONS) if sensitive else None,
    }


SENSITIVE_REASONS = (
    "Deux ruptures dans l'année",
    "Tensions signalées avec le tuteur",
    "Relances de paiement restées sans réponse",
    "Fort turnover de l'équipe",
)
