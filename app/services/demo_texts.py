"""The words of the demo data: a programme catalogue and what a CFA team writes in its log."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProgrammeSpec:
    short: str  # used in cohort names: "BTS MCO 2025-2027"
    title: str
    rncp_code: str
    diploma_code: str | None
    level: int
    duration_months: int
    sector: str  # a key of ``demo_rows.SECTORS``
    target_job: str


CATALOGUE = (
    ProgrammeSpec(
        "BTS MCO",
        "BTS Management commercial opérationnel",
        "RNCP38362",
        "32031213",
        5,
        24,
        "commerce",
        "Manager de rayon",
    ),
    ProgrammeSpec(
        "BTS NDRC",
        "BTS Négociation et digitalisation de la relation client",
        "RNCP38368",
        "32031212",
        5,
        24,
        "commerce",
        "Commercial terrain",
    ),
    ProgrammeSpec(
        "BTS SIO",
        "BTS Services informatiques aux organisations",
        "RNCP35340",
        "32032612",
        5,
        24,
        "it",
        "Administrateur systèmes et réseaux",
    ),
    ProgrammeSpec(
        "BP Boulanger",
        "Brevet professionnel Boulanger",
        "RNCP37533",
        "45022104",
        4,
        24,
        "bakery",
        "Boulanger",
    ),
    ProgrammeSpec(
        "TP DWWM",
        "Titre professionnel Développeur web et web mobile",
        "RNCP37674",
        None,
        5,
        12,
        "it",
        "Développeur web",
    ),
    ProgrammeSpec(
        "CAP Cuisine", "CAP Cuisine", "RNCP37859", "50022137", 3, 24, "hospitality", "Cuisinier"
    ),
    ProgrammeSpec(
        "BTS CG",
        "BTS Comptabilité et gestion",
        "RNCP38329",
        "32031409",
        5,
        24,
        "accounting",
        "Assistant comptable",
    ),
    ProgrammeSpec(
        "TP VCM",
        "Titre professionnel Vendeur conseil en magasin",
        "RNCP37098",
        None,
        4,
        12,
        "commerce",
        "Vendeur conseil",
    ),
    ProgrammeSpec(
        "CAP Boulanger", "CAP Boulanger", "RNCP37860", "50022135", 3, 24, "bakery", "Boulanger"
    ),
)

EDUCATION_LEVELS = ("Sans diplôme", "CAP", "Bac pro", "Bac général", "Bac techno", "Bac+1")
MOTIVATIONS = (
    "Veut travailler près de chez elle ou lui, a déjà fait un stage dans le secteur.",
    "Souhaite se réorienter après une première année à l'université.",
    "Très motivé·e, cherche une entreprise accessible en transports en commun.",
    "Orienté·e par la Mission Locale après un service civique.",
)
FRAGILE_REASONS = (
    "Situation familiale difficile, suivi par l'ASE",
    "Hébergement précaire",
    "Reconnaissance RQTH, aménagements à prévoir",
    "Décrochage scolaire l'an dernier",
)
NEEDS = ("housing", "transport", "disability", "health", "family", "other")

BREAK_REASONS = (
    "Désaccord sur les horaires de travail",
    "Conflit avec le tuteur",
    "L'apprenti·e change d'orientation",
    "Difficultés économiques de l'entreprise",
    "Fin de période d'essai à l'initiative de l'employeur",
    "Déménagement de l'apprenti·e",
)
BREAK_INITIATORS = ("employer", "learner", "mutual", "mutual", "employer", "other")
CANCEL_REASONS = ("L'entreprise renonce à l'embauche", "Le jeune a trouvé une autre entreprise")
REJECT_REASONS = ("Dossier incomplet : CERFA non signé par le tuteur", "Rémunération non conforme")
TUTOR_CHANGE_REASONS = ("Conflit avec le tuteur", "Départ du tuteur de l'entreprise")

# kind -> (summaries, bodies, next steps); "{company}" is filled in when known.
ENTRY_TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "interview": (
        ("Entretien d'admission", "Entretien de suivi individuel", "Point sur le projet pro"),
        ("Projet clair, bonne présentation.", "Doute sur le choix de la formation, à revoir."),
        ("Envoyer la liste des entreprises qui recrutent", "Revoir le CV ensemble"),
    ),
    "workshop": (
        (
            "Atelier CV et lettre de motivation",
            "Atelier simulation d'entretien",
            "Atelier recherche d'entreprise",
        ),
        ("Participation active.", "CV refait pendant l'atelier."),
        ("Envoyer 5 candidatures", "Préparer le pitch de présentation"),
    ),
    "job_search": (
        (
            "Candidature envoyée chez {company}",
            "Relance téléphonique d'une entreprise",
            "Candidatures sur le site de l'alternance",
        ),
        ("Trois candidatures cette semaine.", "Réponse attendue sous 15 jours."),
        ("Relancer l'entreprise", "Préparer l'entretien"),
    ),
    "company_contact": (
        ("Contact entreprise : {company}", "Prospection : besoin d'un alternant chez {company}"),
        ("L'entreprise cherche un profil pour la rentrée.", "Rappeler le gérant en fin de mois."),
        ("Proposer deux candidats", "Envoyer la plaquette de la formation"),
    ),
    "call": (
        ("Appel du tuteur", "Appel de l'apprenti·e", "Point téléphonique avec {company}"),
        ("Tout se passe bien.", "Retards signalés le lundi matin."),
        ("Rappeler dans un mois", "Organiser une visite"),
    ),
    "visit": (
        ("Visite en entreprise chez {company}", "Visite de suivi en entreprise"),
        (
            "Bonne intégration dans l'équipe, tuteur disponible.",
            "Missions conformes au référentiel.",
        ),
        ("Bilan mi-parcours", "Nouvelle visite dans trois mois"),
    ),
    "review": (
        ("Bilan mi-parcours", "Entretien d'évaluation à deux mois", "Bilan de fin de contrat"),
        ("Compétences acquises sur la vente et l'accueil.", "Objectifs atteints."),
        ("Préparer l'examen blanc", "Signer la grille d'évaluation"),
    ),
    "incident": (
        (
            "Absences répétées signalées par {company}",
            "Tension avec le tuteur",
            "Rupture du contrat chez {company}",
        ),
        ("Médiation proposée.", "Le jeune souhaite changer d'entreprise."),
        ("Rendez-vous tripartite", "Chercher une nouvelle entreprise"),
    ),
    "note": (
        (
            "Note : dossier administratif complet",
            "Note : aide au permis demandée",
            "Note : changement d'adresse",
        ),
        ("Pièces reçues.", "Demande transmise à la région."),
        ("Vérifier le dossier OPCO",),
    ),
    "post_contract": (
        (
            "Suivi à 6 mois : CDI obtenu",
            "Suivi à 3 mois : CDD chez {company}",
            "Suivi à 12 mois : poursuite d'études",
            "Suivi à 6 mois : en recherche d'emploi",
        ),
        ("Embauché·e à l'issue du contrat.", "Inscrit·e en licence professionnelle."),
        ("Nouveau point à 12 mois",),
    ),
}

# Who else reads an entry of each kind (weighted choices).
VISIBILITIES: dict[str, tuple[str, ...]] = {
    "interview": ("internal", "internal", "learner"),
    "workshop": ("learner", "all"),
    "job_search": ("learner", "learner", "all"),
    "company_contact": ("internal",),
    "call": ("internal", "company", "all"),
    "visit": ("company", "all", "all"),
    "review": ("all", "company"),
    "incident": ("internal", "internal", "company"),
    "note": ("internal",),
    "post_contract": ("internal", "all"),
}
CONTRACT_KINDS = {"visit", "review", "call", "incident"}

# Entries a learner in each status typically has: (kinds to draw from, fewest, most).
ENTRY_PLANS: dict[str, tuple[tuple[str, ...], int, int]] = {
    "referred": (("interview", "workshop"), 1, 2),
    "enrolled_seeking": (("workshop", "job_search", "job_search", "company_contact", "call"), 2, 4),
    "under_contract": (("visit", "call", "review", "note", "call", "incident"), 2, 5),
    "between_contracts": (("call", "job_search", "company_contact", "interview"), 3, 5),
    "completed": (("visit", "review", "call", "post_contract"), 2, 4),
    "dropped_out": (("incident", "call", "note"), 2, 3),
}
