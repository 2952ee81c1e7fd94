"""Synthetic demo data: a small fictional force with staff, support organisations and ~2,000 crimes, with
their Victims' Code duties (obligations), contact plans, contact log and a few staff absences.

    python manage.py seed_demo                # the full demo data set
    python manage.py seed_demo --crimes 60    # a small one (tests)
    python manage.py seed_demo --if-empty     # do nothing if any crime exists (`make run`)

Everything is fictional: names come from Faker (seeded, so the same data every time), phone numbers
from Ofcom's drama ranges (07700 900xxx, 01632 960xxx, 0113 496 0xxx), email addresses from
example.com/example.org, towns are made up.

Running it twice creates nothing new: organisation, staff and support organisations are get_or_create
on natural keys, and crimes are only generated while no crime recorded by a demo user exists. The
deadline-engine data (obligations, contacts, contact plans, absences) is generated for the demo crimes
only while none of them has an obligation, so a database seeded before the engine existed gets it too
(also with --if-empty).

Obligations are not invented: each crime's history is replayed through the real engine
(contacts.services.obligations_create, with the rule set in force at each trigger and the working-day
calendar), and the contacts that met them follow contacts.services.contact_log's rules (a successful
contact meets the chosen duties and the open progress update, and the next update is due from it).
Everything is relative to the time of seeding: old duties were mostly met, recent ones are due in the
coming days, a few are overdue. No reminder or escalation is marked as sent, so the first beat tick of
`make run` sends them (inbox and digest email).
"""

import heapq
import itertools
import random
import re
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from cases.constants import ClosureReason, Consent, ContactMethod, CrimeStatus, Gender, VictimRole
from cases.events import REGISTRY, status_after
from cases.models import CaseEvent, Crime, CrimeVictim, NeedsAssessment, Offence, Person
from contacts import engine
from contacts.constants import (
    SUCCESSFUL_OUTCOMES,
    ContactOutcome,
    Format,
    Frequency,
    ObligationState,
    Trigger,
)
from contacts.models import Contact, ContactPlan, Obligation
from contacts.services import (
    CASE_CLOSED,
    load_rulebook,
    obligations_create,
    qualifying_sentence,
    working_calendar,
)
from referrals.models import SupportOrganisation
from victimcare.accounts.constants import AbsenceKind, Role
from victimcare.accounts.models import BCU, Absence, Team, User

from ._portal_demo import DEMO_VICTIM_PASSWORD, DEMO_VICTIMS, portal_demo_missing, seed_portal_demo

SEED = 2026
DEMO_PASSWORD = "victimcare-demo"
DEMO_DOMAIN = "demo.police.uk"
REFERENCE_PREFIX = "VC"
DEMO_OFFICER_SHARE = 0.03  # ~60 of 2,000 crimes belong to officer@demo.police.uk
REPEAT_VICTIM_SHARE = 0.05  # ~5% of people are victims on more than one crime
BATCH = 500

# --- the organisation ------------------------------------------------------------------------------
# (code, name, [(town, postcode district), ...]). Towns are fictional; postcodes have the real format.
BCU_SPECS = [
    (
        "north",
        "North",
        [("Kingsmere", "BD18"), ("Ashbury", "BD20"), ("Hollinford", "BD22"), ("Marston Vale", "BD23")],
    ),
    (
        "central",
        "Central",
        [("Cranleigh Cross", "LS6"), ("Eastwick", "LS9"), ("Fennick Park", "LS12"), ("Brindle", "LS27")],
    ),
    (
        "south",
        "South",
        [("Wexley", "WF1"), ("Oldcastle", "WF4"), ("Thornbury Green", "WF10"), ("Saltmarsh", "WF17")],
    ),
]
# (team name, kind, officers, supervisors, officer rank, sergeant rank)
TEAM_SPECS = [("Response", "response", 4, 1, "PC", "PS"), ("CID", "cid", 3, 1, "DC", "DS")]

# Fixed logins (documented in the README): email -> (first, last, role, shoulder number, working pattern)
DEMO_OFFICER = f"officer@{DEMO_DOMAIN}"
DEMO_SUPERVISOR = f"supervisor@{DEMO_DOMAIN}"
DEMO_INSPECTOR = f"inspector@{DEMO_DOMAIN}"
DEMO_ADMIN = f"admin@{DEMO_DOMAIN}"
DEMO_ANALYST = f"analyst@{DEMO_DOMAIN}"
DEMO_PARTNER = f"partner@{DEMO_DOMAIN}"
DEMO_LOGINS = [DEMO_OFFICER, DEMO_SUPERVISOR, DEMO_INSPECTOR, DEMO_ADMIN, DEMO_ANALYST, DEMO_PARTNER]

WORKING_PATTERNS = [
    "Mon–Fri, 08:00–16:00",
    "Mon–Thu, 07:00–17:00; not Fridays",
    "Shift rota: 2 earlies (07:00–17:00), 2 lates (14:00–00:00), 2 nights, 4 rest days",
    "4 on, 4 off: 07:00–19:00 then 19:00–07:00",
    "Part time: Tue, Wed and Thu, 09:00–17:00",
    "Mon–Fri, 09:00–17:00; on call one weekend in four",
    "Earlies and lates; not Mondays",
    "Mon, Tue, Thu and Fri, 08:00–18:00; not Wednesdays",
]

SUPPORT_ORGS = [
    # (name, kind, BCU codes served (empty = force-wide), national)
    ("North Riding Victim and Witness Service", "general", ["north"], False),
    ("Central Victim Care Hub", "general", ["central"], False),
    ("South Vale Victim Support", "general", ["south"], False),
    ("Safer Homes IDVA Service", "domestic_abuse", [], False),
    ("Harbour Rape Crisis and ISVA Service", "sexual_violence", [], False),
    ("National Homicide Family Support (demo)", "bereavement", [], True),
    ("Roadside Bereavement Trust", "road_death", [], True),
    ("Probation Victim Contact Scheme – Yorkvale", "probation_vcs", [], False),
    ("Common Ground Hate Crime Advocacy", "hate_crime", [], False),
    ("Bridges Restorative Justice", "restorative_justice", [], False),
]

# --- crimes ----------------------------------------------------------------------------------------
# Relative frequency by offence code (roughly the shape of police-recorded crime in England and Wales).
OFFENCE_WEIGHTS = {
    "105A": 90,
    "8N": 45,
    "8O": 8,
    "5D": 2,
    "1": 0.5,
    "4.1": 0.2,
    "2": 0.3,
    "4.4": 0.3,
    "4.6": 0.3,
    "8G": 2,
    "105B": 4,
    "8M": 3,
    "8R": 6,
    "58J": 2,
    "36": 0.4,
    "36F": 1,
    "8Q": 15,
    "8L": 20,
    "8U": 10,
    "9A": 6,
    "106": 0.3,
    "19C": 4,
    "19D": 0.8,
    "19G": 0.4,
    "20": 5,
    "21": 0.8,
    "88A": 0.4,
    "22B": 0.8,
    "27": 2,
    "34A": 8,
    "34B": 2,
    "28E": 30,
    "28F": 6,
    "30C": 12,
    "29": 0.5,
    "45": 25,
    "48": 12,
    "37.2": 1,
    "126": 3,
    "39": 12,
    "44": 12,
    "46": 60,
    "49": 70,
    "56A": 0.5,
    "56B": 3,
    "58A": 20,
    "58C": 25,
    "59": 3,
    "9B": 15,
    "53H": 15,
    "66": 20,
    "TER": 0.05,
}
# Share of crimes flagged domestic abuse, for DA-eligible offences (default below).
DA_RATE = {
    "8U": 1.0,
    "8Q": 0.45,
    "8L": 0.35,
    "105A": 0.35,
    "8N": 0.4,
    "8O": 0.3,
    "5D": 0.2,
    "9A": 0.45,
    "19C": 0.4,
    "19G": 0.2,
    "20": 0.15,
    "1": 0.3,
    "4.1": 0.2,
    "2": 0.35,
    "36F": 0.4,
    "36": 0.2,
    "58A": 0.25,
    "58C": 0.15,
    "56B": 0.2,
    "56A": 0.3,
    "66": 0.3,
    "49": 0.04,
    "53H": 0.05,
    "9B": 0.2,
}
DA_RATE_DEFAULT = 0.1
CHILD_ONLY = {"19D": (4, 15), "21": (5, 12), "22B": (12, 15), "88A": (11, 15)}
CHILD_SOMETIMES = {"violence", "robbery", "theft", "sexual", "public_order"}
TWO_VICTIM_GROUPS = {"violence", "robbery", "burglary", "criminal_damage", "public_order"}

ETHNICITY_WEIGHTS = {
    "W1": 73,
    "W2": 1,
    "W3": 0.3,
    "W4": 0.3,
    "W5": 6.5,
    "A1": 1.2,
    "A2": 0.8,
    "A3": 3.2,
    "A4": 2.8,
    "A5": 1.6,
    "B1": 2.6,
    "B2": 1.1,
    "B3": 0.5,
    "M1": 0.8,
    "M2": 0.4,
    "M3": 0.9,
    "M4": 0.8,
    "O1": 0.6,
    "O2": 1.6,
    "NS": 1.5,
    "": 2,
}
# Names for groups Faker's en_GB provider does not cover: (female first, male first, surnames).
NAME_POOLS = {
    "A1": (
        ["Fatima", "Nusrat", "Sumaiya", "Taslima", "Ruksana", "Shirin", "Farhana"],
        ["Mohammed", "Abdul", "Rahim", "Shahid", "Jamal", "Rashid", "Tanvir"],
        ["Ahmed", "Begum", "Rahman", "Hussain", "Islam", "Miah", "Uddin", "Chowdhury", "Ali"],
    ),
    "A2": (
        ["Mei", "Ling", "Xiu", "Yan", "Hui", "Wing"],
        ["Wei", "Jun", "Hao", "Ming", "Kai", "Long"],
        ["Wong", "Chan", "Li", "Zhang", "Liu", "Lam", "Cheung", "Wu"],
    ),
    "A3": (
        ["Priya", "Anjali", "Kiran", "Neha", "Pooja", "Harpreet", "Jaspreet", "Meera"],
        ["Rajesh", "Amit", "Sanjay", "Vikram", "Gurpreet", "Harjit", "Ravi", "Arjun"],
        ["Patel", "Sharma", "Singh", "Gill", "Sandhu", "Shah", "Mistry", "Parmar", "Chauhan"],
    ),
    "A4": (
        ["Ayesha", "Amina", "Saima", "Nadia", "Zainab", "Hina", "Sana", "Bushra"],
        ["Imran", "Adeel", "Bilal", "Usman", "Zubair", "Tariq", "Asif", "Kamran"],
        ["Khan", "Hussain", "Iqbal", "Akhtar", "Mahmood", "Butt", "Shah", "Rashid", "Aslam"],
    ),
    "B1": (
        ["Adaeze", "Chioma", "Amara", "Folake", "Abena", "Fartun", "Hodan", "Blessing", "Grace"],
        ["Chinedu", "Oluwaseun", "Kwame", "Emeka", "Tunde", "Abdi", "Samuel", "Kofi"],
        ["Okafor", "Adeyemi", "Mensah", "Osei", "Okoye", "Adebayo", "Abdi", "Warsame", "Nwosu"],
    ),
    "O1": (
        ["Layla", "Mariam", "Noor", "Rana", "Huda"],
        ["Omar", "Karim", "Yousef", "Khalid", "Sami"],
        ["Al-Sayed", "Haddad", "Mansour", "Nasser", "Saleh", "Hamdan"],
    ),
}
# First language (other than English) by ethnicity: [(language, weight)], English takes the rest.
LANGUAGES = {
    "W1": [("Welsh", 4)],
    "A1": [("Bengali (Sylheti)", 35)],
    "A2": [("Cantonese", 25), ("Mandarin", 20)],
    "A3": [("Punjabi", 10), ("Gujarati", 10)],
    "A4": [("Urdu", 20), ("Punjabi", 10)],
    "A5": [("Tamil", 10), ("Nepali", 10), ("Tagalog", 8)],
    "B1": [("Somali", 8), ("Tigrinya", 4), ("French", 3)],
    "O1": [("Arabic", 45)],
    "O2": [("Kurdish", 10), ("Farsi", 10), ("Pashto", 8)],
    "W4": [("Romanian", 50), ("Romani", 20)],
}
FOREIGN_LOCALES = {"pl_PL": "Polish", "ro_RO": "Romanian", "lt_LT": "Lithuanian"}
DISABILITIES = [
    # (details, physical, mental health, learning disability, relative frequency)
    ("Wheelchair user", True, False, False, 8),
    ("Mobility impairment (uses a walking stick)", True, False, False, 15),
    ("Deaf – British Sign Language user", True, False, False, 1.5),
    ("Hard of hearing", True, False, False, 10),
    ("Partially sighted", True, False, False, 5),
    ("Blind", True, False, False, 1),
    ("Long-term mental health condition", False, True, False, 20),
    ("Anxiety and depression", False, True, False, 20),
    ("Autistic", False, False, False, 8),
    ("Learning disability", False, False, True, 7),
    ("Epilepsy", True, False, False, 4),
]
STREET_NAMES = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Lane",
    "Victoria Road",
    "Park Road",
    "Queens Road",
    "London Road",
    "Manor Way",
    "The Crescent",
    "Chapel Street",
    "Market Place",
    "Bridge Street",
]
STREET_STEMS = [
    "Alder",
    "Ash",
    "Beech",
    "Birch",
    "Cedar",
    "Elm",
    "Hawthorn",
    "Hazel",
    "Holly",
    "Larch",
    "Maple",
    "Oak",
    "Rowan",
    "Willow",
    "Meadow",
    "Orchard",
    "Brook",
    "Hill",
    "Moor",
    "Spring",
    "Windsor",
    "York",
    "Albert",
    "Garden",
    "Fern",
    "Heather",
    "Cherry",
    "Abbey",
    "Castle",
    "Mount",
]
STREET_SUFFIXES = [
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Crescent",
    "Grove",
    "Gardens",
    "Terrace",
    "Court",
    "Place",
    "Walk",
    "Rise",
    "View",
    "Mews",
]
BUILDINGS = [
    "Alder Court",
    "Victoria House",
    "Mill View",
    "Riverside Apartments",
    "St John's Court",
    "Kings Lodge",
]
PUBS = ["The Red Lion", "The Crown", "The Kings Arms", "The Plough", "The White Hart", "The Railway"]
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
INWARD_LETTERS = POSTCODE_UNIT_LETTERS

SUMMARIES = {
    "violence": [
        "Victim punched to the face during an argument outside licensed premises.",
        "Victim pushed to the ground and kicked by an unknown male; minor injuries treated at scene.",
        "Victim assaulted by a person known to them after a dispute about money.",
        "Victim threatened and assaulted by a neighbour during an ongoing dispute.",
    ],
    "violence_da": [
        "Victim reports being assaulted by their partner at the home address after an argument.",
        "Ongoing pattern of abuse by an ex-partner; latest incident involved threats and damage to the "
        "victim's phone.",
        "Victim disclosed months of controlling behaviour by their partner, including monitoring their "
        "phone and money.",
    ],
    "sexual": [
        "Victim disclosed a sexual offence by a person known to them; ABE interview arranged.",
        "Victim reports being sexually assaulted by an unknown male while walking home.",
        "Non-recent offence disclosed by the victim; enquiries to trace the suspect.",
    ],
    "robbery": [
        "Victim threatened with a knife by two males on bikes; phone and wallet taken.",
        "Victim approached at a cash machine and forced to hand over cash.",
        "Staff threatened and cash taken from the till by a male with his face covered.",
    ],
    "burglary": [
        "Entry gained via an insecure rear door; laptop, jewellery and cash taken.",
        "Rear window forced overnight while the victim was asleep; car keys and handbag taken.",
        "Attempted entry to the front door; lock damaged but no entry gained.",
        "Business premises entered overnight via the roof; stock and tools taken.",
    ],
    "vehicle": [
        "Nearside window smashed and a bag taken from the passenger footwell.",
        "Vehicle taken from outside the home address overnight; keys not taken.",
        "Catalytic converter cut from the vehicle in a car park.",
    ],
    "theft": [
        "Phone taken from the victim's bag in a busy shop.",
        "Bicycle stolen from a locked stand; the lock was cut.",
        "Goods selected and the offender left without paying; CCTV available.",
        "Parcel taken from the victim's doorstep after delivery.",
    ],
    "criminal_damage": [
        "Front window of the victim's home smashed overnight.",
        "Paint scratched along the length of the victim's car.",
        "Garden fence and shed set alight; fire service attended.",
    ],
    "public_order": [
        "Victim subjected to threatening behaviour and abuse in the street.",
        "Group of youths shouting threats at the victim outside their home.",
    ],
    "fraud": [
        "Victim paid for goods advertised online that never arrived.",
        "Victim called by someone claiming to be from their bank and persuaded to transfer their savings.",
        "Victim's card details used for online purchases they did not make.",
    ],
    "other": [
        "Victim has received a series of abusive and threatening messages on social media.",
        "Victim reports offensive messages sent by a known person.",
    ],
    "homicide": [
        "Victim found with serious injuries at an address and pronounced dead at scene; family liaison "
        "officer deployed.",
        "Victim died in hospital following an assault; suspect arrested at scene.",
    ],
    "road_death": [
        "Pedestrian struck by a vehicle and died at scene; the driver stopped and was arrested.",
        "Motorcyclist died after a collision with a car turning across the carriageway.",
    ],
}
HATE_MOTIVES = ["race", "religion", "disability", "sexual orientation", "transgender identity"]

NOT_INVESTIGATED_REASONS = [
    "No lines of enquiry: no CCTV, witnesses or forensic opportunities.",
    "Screened out under the crime allocation policy; victim told and given a crime reference.",
]
NOT_PROSECUTED_REASONS = [
    "Insufficient evidence to provide a realistic prospect of conviction.",
    "Identification evidence is not strong enough to charge.",
    "The victim does not wish to give evidence and there is no other supporting evidence.",
]
NFA_REASONS = [
    "Suspect provided an account supported by CCTV.",
    "No evidence linking the suspect to the offence.",
]
BAIL_CONDITIONS = [
    "Not to contact the victim directly or indirectly.",
    "Not to contact the victim directly or indirectly; not to enter {street}.",
    "To live and sleep at a named address; not to go to the victim's home or workplace.",
    "Curfew 21:00–07:00; not to contact any prosecution witness.",
]
SENTENCES = [
    ("Guilty plea", "12-month community order with 100 hours' unpaid work and compensation of £150.", None),
    ("Guilty plea", "Fine of £400, costs of £85 and a victim surcharge.", None),
    ("Found guilty after trial", "Restraining order for 2 years and an 18-month community order.", None),
    ("Found guilty after trial", "Immediate custody.", 18),
    (
        "Guilty plea",
        "Suspended sentence of 6 months, suspended for 12 months, with rehabilitation activity.",
        None,
    ),
    ("Guilty plea", "Immediate custody.", 30),
    ("Found not guilty", "", None),
]
DA_CONTACT_TIMES = [
    "Weekdays 10:00–14:00 only, when the suspect is at work",
    "Call from a withheld number between 12:00 and 13:00; do not leave messages",
    "Text first to check it's safe to talk",
    "Via the IDVA only at the moment",
]
CONTACT_TIMES = [
    "Any time",
    "Weekdays after 17:00",
    "Mornings before 10:00",
    "Weekends only",
    "Not during the school run (08:00–09:30, 15:00–16:00)",
    "Lunchtimes (12:00–14:00)",
    "Evenings after 18:00",
]
PRACTICAL_NEEDS = [
    "Needs the rear door made secure; referred to the local target-hardening scheme.",
    "Needs help replacing bank cards and a phone.",
    "Needs help with time off work to attend court.",
    "Would like advice on a crime prevention survey.",
]
EMOTIONAL_NEEDS = [
    "Anxious about going out alone since the offence.",
    "Not sleeping well; would like someone to talk to.",
    "Worried the suspect will return.",
    "Children are upset and frightened at home.",
]
SPECIAL_MEASURES_NOTES = [
    "Would like to give evidence from behind a screen.",
    "Video-recorded interview; live link requested.",
    "Needs a registered intermediary.",
]


def _ascii(s: str) -> str:
    return re.sub(
        r"[^a-z0-9]", "", unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    )


def _ascii_keep_space(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


@dataclass
class TeamInfo:
    team: Team
    kind: str
    officers: list[User]
    supervisors: list[User]


@dataclass
class Org:
    bcus: list[BCU]
    towns: dict[int, list[tuple[str, str]]]  # bcu id -> [(town, postcode district)]
    teams: list[TeamInfo]
    demo_officer: User


@dataclass
class Plan:
    """One crime before it is written: the crime, its victims, its events."""

    crime: Crime
    age_days: float
    victims: list[tuple[Person, str, str]] = field(default_factory=list)  # (person, role, relationship)
    events: list[tuple[str, dict, User | None]] = field(default_factory=list)  # (code, details, officer)
    team_info: TeamInfo | None = None
    first_oic: User | None = None
    suspect: str = ""
    case_events: list[CaseEvent] = field(default_factory=list)
    locked: bool = False  # its primary victim is a repeat victim's first crime, or was replaced by one


class DemoSeeder:
    def __init__(self, seed: int = SEED):
        self.seed = seed
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.counts: Counter = Counter()
        self._demo_fresh: list[tuple[float, float, str]] = []

    # --- organisation ------------------------------------------------------------------------------
    def seed_org(self) -> Org:
        rng = random.Random(self.seed)
        fake = Faker("en_GB")
        fake.seed_instance(self.seed)
        password = make_password(DEMO_PASSWORD)  # hash once (Argon2 is deliberately slow)
        shoulder_numbers = iter(rng.sample(range(1100, 9900), 60))
        phones = iter(rng.sample(range(1000), 60))

        def get_or_create_user(email, first, last, role, team=None, rank="", pattern="", **extra):
            number = next(shoulder_numbers)
            defaults = {
                "first_name": first,
                "last_name": last,
                "role": role,
                "team": team,
                "shoulder_number": f"{rank} {number}" if rank else "",
                "contact_phone": f"01632 960{next(phones):03d}" if role != Role.PARTNER else "",
                "contact_email": email,
                "working_pattern": pattern,
                "password": password,
                **extra,
            }
            user, created = User.objects.get_or_create(email=email, defaults=defaults)
            self.counts["users"] += created
            return user

        used_emails = set(DEMO_LOGINS)

        def generated(role, team=None, rank=""):
            female = rng.random() < 0.45
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            email = f"{_ascii(first)}.{_ascii(last)}@{DEMO_DOMAIN}"
            n = 2
            while email in used_emails:
                email = f"{_ascii(first)}.{_ascii(last)}{n}@{DEMO_DOMAIN}"
                n += 1
            used_emails.add(email)
            return get_or_create_user(email, first, last, role, team, rank, rng.choice(WORKING_PATTERNS))

        bcus, towns, teams = [], {}, []
        for i, (code, name, bcu_towns) in enumerate(BCU_SPECS):
            bcu, created = BCU.objects.get_or_create(code=code, defaults={"name": name})
            self.counts["bcus"] += created
            bcus.append(bcu)
            towns[bcu.id] = bcu_towns
            for j, (team_name, kind, n_officers, n_supervisors, rank, sgt_rank) in enumerate(TEAM_SPECS):
                team, created = Team.objects.get_or_create(bcu=bcu, name=team_name)
                self.counts["teams"] += created
                first_team = i == 0 and j == 0
                if first_team:
                    get_or_create_user(
                        DEMO_OFFICER,
                        "Priya",
                        "Shah",
                        Role.OFFICER,
                        team,
                        rank,
                        "Mon–Thu, 07:00–17:00; not Fridays",
                    )
                    sgt = get_or_create_user(
                        DEMO_SUPERVISOR,
                        "Tom",
                        "Walsh",
                        Role.SUPERVISOR,
                        team,
                        sgt_rank,
                        "Mon–Fri, 08:00–16:00",
                    )
                    team.supervisors.add(sgt)
                    n_officers -= 1  # the demo officer is one of them; the generated sergeant is a second one
                for _ in range(n_officers):
                    generated(Role.OFFICER, team, rank)
                for _ in range(n_supervisors):
                    team.supervisors.add(generated(Role.SUPERVISOR, team, sgt_rank))
                teams.append((team, kind))
            if i == 0:
                inspector = get_or_create_user(
                    DEMO_INSPECTOR, "Helen", "Okafor", Role.INSPECTOR, None, "Insp", "Mon–Fri, 08:00–17:00"
                )
            else:
                inspector = generated(Role.INSPECTOR, None, "Insp")
            bcu.inspectors.add(inspector)
        get_or_create_user(DEMO_ANALYST, "Ruth", "Ellison", Role.ANALYST, pattern="Mon–Fri, 09:00–17:00")
        get_or_create_user(DEMO_PARTNER, "Jess", "Marlowe", Role.PARTNER)
        get_or_create_user(DEMO_ADMIN, "Morgan", "Reid", Role.ADMIN, is_staff=True, is_superuser=True)

        # Read the structure back from the database so a partly hand-edited demo still works.
        infos = []
        for team, kind in teams:
            officers = list(team.members.filter(role=Role.OFFICER, is_active=True).order_by("id"))
            supervisors = list(team.supervisors.filter(is_active=True).order_by("id"))
            infos.append(TeamInfo(team, kind, officers, supervisors))
        return Org(bcus, towns, infos, User.objects.get(email=DEMO_OFFICER))

    def seed_support_organisations(self) -> None:
        bcus = {b.code: b for b in BCU.objects.all()}
        for i, (name, kind, bcu_codes, national) in enumerate(SUPPORT_ORGS):
            slug = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", _ascii_keep_space(name))).strip("-")
            org, created = SupportOrganisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "is_national": national,
                    "phone": f"01632 960{900 + i:03d}",
                    "email": f"referrals@{slug}.example.org",
                    "website": f"https://{slug}.example.org/",
                },
            )
            if created:
                org.bcus.set([bcus[c] for c in bcu_codes if c in bcus])
                self.counts["support organisations"] += 1

    # --- crimes ------------------------------------------------------------------------------------
    def seed_crimes(self, org: Org, n: int) -> None:
        # The seed writes in bulk (bulk_create in batches, one transaction) instead of calling
        # cases.services per crime: the services validate and write row by row with several queries each
        # (exists checks, select_for_update, one INSERT per event), too slow for ~2,000 crimes, ~2,000
        # people and ~9,000 events on SQLite. Instead the data is generated to satisfy the same rules:
        # _plan_events replays every event list through cases.events and asserts the resulting status.
        if n <= 0:
            return
        self.rng = rng = random.Random(self.seed + 1)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(self.seed + 1)
        self.foreign = {}
        for i, loc in enumerate(FOREIGN_LOCALES):
            self.foreign[loc] = Faker(loc)
            self.foreign[loc].seed_instance(self.seed + 2 + i)
        self.org = org
        offences = list(Offence.objects.filter(active=True))
        if not offences:
            raise CommandError("No offences loaded: run `manage.py migrate` first.")
        weights = [OFFENCE_WEIGHTS.get(o.code, 1) for o in offences]
        cid_offences = [o for o in offences if self._is_cid(o)]
        volume = [o for o in offences if not self._is_cid(o)]
        volume_weights = [OFFENCE_WEIGHTS.get(o.code, 1) for o in volume]
        response = [t for t in org.teams if t.kind == "response"] or org.teams
        cid = [t for t in org.teams if t.kind == "cid"] or org.teams
        demo_team = next((t for t in org.teams if t.team.id == org.demo_officer.team_id), org.teams[0])
        demo_k = min(n, max(3, round(n * DEMO_OFFICER_SHARE)))
        demo_idx = set(rng.sample(range(n), demo_k))
        # (recorded between ... and ... days ago, status) for the demo officer's first cases
        self._demo_fresh = [
            (8, 20, CrimeStatus.UNDER_INVESTIGATION),
            (0.5, 3, CrimeStatus.UNDER_INVESTIGATION),
        ]
        bcu_weights = [0.34, 0.38, 0.28][: len(org.bcus)] or [1]

        plans: list[Plan] = []
        for i in range(n):
            is_demo = i in demo_idx
            if is_demo:
                offence = rng.choices(volume, volume_weights)[0] if volume else rng.choice(offences)
                info = demo_team
            else:
                offence = rng.choices(offences, weights)[0]
                # Serious crime goes to CID; some volume crime does too (a series, a prolific suspect).
                pool = cid if offence in cid_offences or rng.random() < 0.15 else response
                bcu = rng.choices(org.bcus, bcu_weights)[0]
                in_bcu = [t for t in pool if t.team.bcu_id == bcu.id]
                info = rng.choice(in_bcu or pool)
            plans.append(self._plan_crime(offence, info, is_demo))

        self._assign_repeat_victims(plans)
        self._assign_references(plans)
        for p in plans:
            self._finish(p)
        self._write(plans)

    @staticmethod
    def _is_cid(o: Offence) -> bool:
        return o.is_homicide or o.is_sexual or o.is_most_serious or o.code in {"8U", "106"}

    def _plan_crime(self, offence: Offence, info: TeamInfo, is_demo: bool) -> Plan:
        rng = self.rng
        recorded_at = self.now - timedelta(seconds=rng.randint(3 * 3600, 182 * 86400))
        fresh = self._demo_fresh.pop(0) if is_demo and self._demo_fresh else None
        if fresh is not None:  # the demo officer always has live cases: their worklist is never empty
            recorded_at = self.now - timedelta(days=rng.uniform(fresh[0], fresh[1]))
        reported_at = recorded_at - timedelta(seconds=int(rng.expovariate(1 / 1800)))
        occurred_at, occurred_to = self._occurred(offence, reported_at)
        age_days = (self.now - recorded_at).total_seconds() / 86400

        da = offence.is_domestic_abuse_eligible and rng.random() < DA_RATE.get(offence.code, DA_RATE_DEFAULT)
        hate = offence.is_hate or (
            offence.group in {"violence", "public_order", "criminal_damage"} and rng.random() < 0.015
        )
        sensitive = rng.random() < (0.5 if offence.is_homicide else 0.12 if offence.is_sexual else 0.015)
        restricted = rng.random() < (0.1 if offence.is_homicide or offence.is_sexual else 0.003)
        sensitive = sensitive or restricted

        status, reason = self._status(age_days, offence)
        if fresh is not None:
            status, reason = fresh[2], ""
        allocated = status != CrimeStatus.RECORDED and not (
            status == CrimeStatus.CLOSED
            and reason in (ClosureReason.NOT_INVESTIGATED, ClosureReason.CANCELLED)
            and rng.random() < 0.6
        )
        if is_demo or restricted:
            if status == CrimeStatus.RECORDED:
                status = CrimeStatus.ALLOCATED
            allocated = True
        oic = None
        if allocated:
            if is_demo:
                oic = self.org.demo_officer
            else:
                officers = [o for o in info.officers if o.id != self.org.demo_officer.id] or info.officers
                oic = rng.choice(info.supervisors) if info.supervisors and rng.random() < 0.03 else None
                oic = oic or (rng.choice(officers) if officers else None)
            if oic is None:  # a team with nobody in it: leave it for the supervisor to allocate
                status, reason = CrimeStatus.RECORDED, ""
        recorders = info.officers + info.supervisors
        created_by = oic if oic and (restricted or rng.random() < 0.5) else rng.choice(recorders or [oic])
        crime = Crime(
            offence=offence,
            occurred_at=occurred_at,
            occurred_to=occurred_to,
            reported_at=reported_at,
            recorded_at=recorded_at,
            bcu_id=info.team.bcu_id,
            team=info.team,
            oic=oic,
            status=status,
            closure_reason=reason,
            is_domestic_abuse=da,
            is_hate_crime=hate,
            is_sensitive=sensitive,
            is_restricted=restricted,
            created_by=created_by,
        )
        plan = Plan(crime=crime, age_days=age_days, team_info=info)
        self._plan_victims(plan)
        return plan

    def _occurred(self, offence: Offence, reported_at: datetime) -> tuple[datetime, datetime | None]:
        rng = self.rng
        hours = timedelta(hours=1)
        days = timedelta(days=1)
        if offence.code == "8U":  # coercive control: a course of conduct over months
            start = reported_at - rng.uniform(60, 400) * days
            return start, reported_at - rng.uniform(0, 5) * days
        if offence.code in {"8Q", "8L", "8M", "66"}:
            start = reported_at - rng.uniform(7, 90) * days
            return start, reported_at - rng.uniform(0, 3) * days
        if offence.group in {"burglary", "vehicle"} and rng.random() < 0.5:  # found on return / next morning
            start = reported_at - rng.uniform(6, 72) * hours
            end = start + (reported_at - start) * rng.uniform(0.3, 1.0)
            return start, end
        if offence.is_sexual and offence.code not in CHILD_ONLY and rng.random() < 0.2:  # non-recent
            return reported_at - rng.uniform(60, 3650) * days, None
        if offence.group == "fraud":
            return reported_at - rng.uniform(1, 45) * days, None
        return reported_at - min(rng.expovariate(1 / 4), 24 * 7) * hours, None

    def _status(self, age: float, offence: Offence) -> tuple[str, str]:
        rng = self.rng
        S = CrimeStatus
        if age < 1:
            weights = {S.RECORDED: 45, S.ALLOCATED: 50, S.UNDER_INVESTIGATION: 5}
        elif age < 7:
            weights = {
                S.RECORDED: 10,
                S.ALLOCATED: 40,
                S.UNDER_INVESTIGATION: 32,
                S.SUSPECT_CHARGED: 3,
                S.CLOSED: 15,
            }
        elif age < 30:
            weights = {
                S.RECORDED: 3,
                S.ALLOCATED: 28,
                S.UNDER_INVESTIGATION: 30,
                S.SUSPECT_CHARGED: 7,
                S.COURT: 4,
                S.CLOSED: 28,
            }
        else:
            weights = {
                S.RECORDED: 1,
                S.ALLOCATED: 12,
                S.UNDER_INVESTIGATION: 20,
                S.SUSPECT_CHARGED: 5,
                S.COURT: 10,
                S.CLOSED: 52,
            }
        status = _weighted(rng, weights)
        if status != S.CLOSED:
            return status, ""
        R = ClosureReason
        reasons = {
            R.NO_SUSPECT: 35,
            R.EVIDENTIAL_DIFFICULTIES: 25,
            R.VICTIM_DOES_NOT_SUPPORT: 15,
            R.NOT_INVESTIGATED: 10,
            R.OUT_OF_COURT: 6,
            R.NOT_IN_PUBLIC_INTEREST: 2,
            R.CANCELLED: 2,
        }
        if age >= 30:
            reasons[R.COURT_OUTCOME] = 8
        if offence.is_homicide or offence.is_sexual or offence.is_most_serious:
            reasons.pop(R.NOT_INVESTIGATED)
            reasons.pop(R.OUT_OF_COURT)
        return status, _weighted(rng, reasons)

    # --- people ------------------------------------------------------------------------------------
    def _plan_victims(self, plan: Plan) -> None:
        rng = self.rng
        crime, offence = plan.crime, plan.crime.offence
        occurred = timezone.localdate(crime.occurred_at)
        town = self._town(crime.bcu_id)
        da = crime.is_domestic_abuse
        if offence.is_homicide:
            relations = [
                ("Mother", True),
                ("Father", False),
                ("Partner", None),
                ("Son", False),
                ("Daughter", True),
                ("Brother", False),
                ("Sister", True),
                ("Husband", False),
                ("Wife", True),
            ]
            surname = None
            for rel, female in rng.sample(relations, 2 if rng.random() < 0.5 else 1):
                female_p = 0.5 if female is None else float(female)
                p = self._person(
                    town=town,
                    female_p=female_p,
                    age=rng.randint(25, 75),
                    on=occurred,
                    da=False,
                    surname=surname if rng.random() < 0.7 else None,
                )
                surname = surname or p.last_name
                plan.victims.append((p, VictimRole.BEREAVED, f"{rel} of the deceased"))
            return
        female_p = 0.85 if da else 0.88 if offence.is_sexual else 0.5
        if offence.code in CHILD_ONLY:
            age = rng.randint(*CHILD_ONLY[offence.code])
        elif offence.group in CHILD_SOMETIMES and rng.random() < 0.07:
            age = rng.randint(10, 17)
        else:
            age = self._adult_age(offence)
        victim = self._person(town=town, female_p=female_p, age=age, on=occurred, da=da)
        plan.victims.append((victim, VictimRole.VICTIM, ""))
        current_age = victim.age_on(self.today) if victim.date_of_birth else age
        if current_age is not None and current_age < 18 and (current_age < 13 or rng.random() < 0.7):
            rel, female = rng.choice(
                [
                    ("Mother", True),
                    ("Mother", True),
                    ("Father", False),
                    ("Legal guardian", None),
                    ("Foster carer", None),
                ]
            )
            parent = self._person(
                town=town,
                female_p=0.5 if female is None else float(female),
                age=current_age + rng.randint(20, 40),
                on=self.today,
                da=da,
                surname=victim.last_name if rng.random() < 0.8 else None,
                address_from=victim,
            )
            plan.victims.append((parent, VictimRole.PARENT_GUARDIAN, f"{rel} of the victim"))
        elif offence.group in TWO_VICTIM_GROUPS and not da and rng.random() < 0.08:
            same_home = offence.group == "burglary"
            other = self._person(
                town=town,
                female_p=0.5,
                age=self._adult_age(offence),
                on=occurred,
                da=False,
                surname=victim.last_name if same_home and rng.random() < 0.6 else None,
                address_from=victim if same_home else None,
            )
            plan.victims.append((other, VictimRole.VICTIM, ""))

    def _adult_age(self, offence: Offence) -> int:
        bands = [
            (18, 24, 16),
            (25, 34, 22),
            (35, 44, 19),
            (45, 54, 16),
            (55, 64, 12),
            (65, 74, 8),
            (75, 92, 7),
        ]
        if offence.code == "46":  # shop staff
            bands = bands[:5]
        lo, hi, _ = self.rng.choices(bands, [b[2] for b in bands])[0]
        return self.rng.randint(lo, hi)

    def _town(self, bcu_id: int) -> tuple[str, str]:
        if self.rng.random() < 0.1:  # victims do not always live where the crime happened
            bcu_id = self.rng.choice(list(self.org.towns))
        return self.rng.choice(self.org.towns[bcu_id])

    def _postcode(self, district: str) -> str:
        rng = self.rng
        return (
            f"{district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(POSTCODE_UNIT_LETTERS)}"
        )

    def _street(self) -> str:
        if self.rng.random() < 0.3:
            return self.rng.choice(STREET_NAMES)
        return f"{self.rng.choice(STREET_STEMS)} {self.rng.choice(STREET_SUFFIXES)}"

    def _name(self, ethnicity: str, female: bool) -> tuple[str, str, str]:
        """(first, last, first language if the name's locale implies one)"""
        rng = self.rng
        if ethnicity in NAME_POOLS:
            fem, male, last = NAME_POOLS[ethnicity]
            first = rng.choice(fem if female else male)
            surname = rng.choice(last)
            if ethnicity == "A3" and surname == "Singh" and female:
                surname = "Kaur"
            if ethnicity == "A1" and surname == "Begum" and not female:
                surname = "Miah"
            return first, surname, ""
        if ethnicity in ("W5", "W4") and rng.random() < 0.7:
            loc = _weighted(
                rng, {"pl_PL": 55, "ro_RO": 30, "lt_LT": 15} if ethnicity == "W5" else {"ro_RO": 1}
            )
            f = self.foreign[loc]
            first = f.first_name_female() if female else f.first_name_male()
            last_fn = getattr(f, "last_name_female" if female else "last_name_male", f.last_name)
            return first, last_fn(), FOREIGN_LOCALES[loc]
        f = self.fake
        return (f.first_name_female() if female else f.first_name_male()), f.last_name(), ""

    def _person(
        self,
        *,
        town,
        female_p: float,
        age: int,
        on: date,
        da: bool,
        surname: str | None = None,
        address_from: Person | None = None,
    ) -> Person:
        rng = self.rng
        r = rng.random()
        gender = (
            Gender.FEMALE
            if r < female_p * 0.98
            else Gender.MALE
            if r < 0.98
            else rng.choice([Gender.NON_BINARY, Gender.NOT_SAID, Gender.SELF_DESCRIBED])
        )
        female = gender == Gender.FEMALE or (gender != Gender.MALE and rng.random() < 0.5)
        ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
        first, last, locale_language = self._name(ethnicity, female)
        if surname:
            last = surname
        dob = on - timedelta(days=int(age * 365.25) + rng.randint(1, 364))
        if age >= 18 and rng.random() < 0.02:
            dob = None  # not known
        current_age = (
            age
            if dob is None
            else self.today.year - dob.year - ((self.today.month, self.today.day) < (dob.month, dob.day))
        )
        adult = current_age >= 18
        if gender == Gender.FEMALE:
            title = "" if not adult else _weighted(rng, {"Ms": 40, "Mrs": 35, "Miss": 20, "Dr": 2, "": 3})
        elif gender == Gender.MALE:
            title = "" if not adult else _weighted(rng, {"Mr": 95, "Dr": 2, "": 3})
        else:
            title = "" if not adult else _weighted(rng, {"Mx": 60, "": 40})

        # Language, disability and format needs
        language = "English"
        if locale_language and rng.random() < 0.6:
            language = locale_language
        elif ethnicity in LANGUAGES:
            options = dict(LANGUAGES[ethnicity])
            options["English"] = 100 - sum(options.values())
            language = _weighted(rng, options)
        disability = _weighted(rng, {"yes": 13, "no": 68, "not_said": 5, "": 14})
        details, interpreter, large_print, easy_read, braille = "", False, False, False, False
        if disability == "yes":
            details = rng.choices(DISABILITIES, [d[4] for d in DISABILITIES])[0][0]
            if details.startswith("Deaf"):
                language, interpreter = "British Sign Language", True
            large_print = details == "Partially sighted" and rng.random() < 0.8
            braille = details == "Blind" and rng.random() < 0.5
            easy_read = details == "Learning disability" and rng.random() < 0.7
        if language not in ("English", "Welsh", "British Sign Language"):
            interpreter = rng.random() < 0.4
        large_print = large_print or (current_age >= 70 and rng.random() < 0.08) or rng.random() < 0.01

        # Contact details
        mobile = (
            f"07700 900{rng.randint(0, 999):03d}"
            if ((adult and rng.random() < 0.93) or (not adult and current_age >= 13 and rng.random() < 0.5))
            else ""
        )
        other = ""
        if adult and rng.random() < 0.2:
            other = rng.choice(
                [f"01632 960{rng.randint(0, 999):03d}", f"0113 496 0{rng.randint(0, 999):03d}"]
            )
        email = ""
        if adult and rng.random() < (0.4 if current_age >= 75 else 0.78):
            domain = rng.choice(["example.com", "example.com", "example.org"])
            sep = rng.choice([".", "", "_"])
            suffix = str(rng.randint(1, 99)) if rng.random() < 0.4 else ""
            email = f"{_ascii(first)}{sep}{_ascii(last)}{suffix}@{domain}"
        if address_from is not None:
            line1, line2, town_name, postcode = (
                address_from.address_line_1,
                address_from.address_line_2,
                address_from.town,
                address_from.postcode,
            )
        else:
            town_name, district = town
            number = rng.randint(1, 180)
            if rng.random() < 0.15:
                line1, line2 = (
                    f"Flat {rng.randint(1, 40)}, {rng.choice(BUILDINGS)}",
                    f"{number} {self._street()}",
                )
            else:
                line1, line2 = f"{number} {self._street()}", ""
            postcode = self._postcode(district)

        # Safe channels: for domestic abuse a letter home or a voicemail can put the victim at risk.
        if da:
            safe = {
                "phone": rng.random() < 0.75,
                "voicemail": rng.random() < 0.12,
                "sms": rng.random() < 0.45,
                "email": rng.random() < 0.55,
                "letter": rng.random() < 0.1,
                "visit": rng.random() < 0.2,
            }
        else:
            safe = {
                "phone": True,
                "voicemail": rng.random() < 0.85,
                "sms": rng.random() < 0.9,
                "email": rng.random() < 0.95,
                "letter": rng.random() < 0.95,
                "visit": rng.random() < 0.85,
            }
        safe["phone"] = safe["phone"] and bool(mobile or other)
        safe["voicemail"] = safe["voicemail"] and safe["phone"]
        safe["sms"] = safe["sms"] and bool(mobile)
        safe["email"] = safe["email"] and bool(email)
        usable = {
            ContactMethod.PHONE: 40 * safe["phone"],
            ContactMethod.EMAIL: 22 * safe["email"],
            ContactMethod.SMS: 15 * safe["sms"],
            ContactMethod.PORTAL: 10 * safe["email"],
            ContactMethod.LETTER: 8 * safe["letter"],
            ContactMethod.VISIT: 5 * safe["visit"],
        }
        method = _weighted(rng, usable) if adult and any(usable.values()) else ""
        if not adult and current_age < 13:
            method, times = "", "Contact through the parent or guardian"
        elif da:
            times = rng.choice(DA_CONTACT_TIMES)
        else:
            times = rng.choice(CONTACT_TIMES) if rng.random() < 0.7 else ""

        return Person(
            title=title,
            first_name=first,
            last_name=last,
            match_key=Person.make_match_key(first, last),
            date_of_birth=dob,
            gender=gender,
            ethnicity=ethnicity,
            disability=disability,
            disability_details=details,
            first_language=language,
            interpreter_needed=interpreter,
            needs_large_print=large_print,
            needs_easy_read=easy_read,
            needs_braille=braille,
            mobile_phone=mobile,
            other_phone=other,
            email=email,
            address_line_1=line1,
            address_line_2=line2,
            town=town_name,
            postcode=postcode,
            preferred_contact_method=method,
            preferred_contact_times=times,
            safe_phone=safe["phone"],
            safe_voicemail=safe["voicemail"],
            safe_sms=safe["sms"],
            safe_email=safe["email"],
            safe_letter=safe["letter"],
            safe_visit=safe["visit"],
        )

    def _assign_repeat_victims(self, plans: list[Plan]) -> None:
        """Make ~5% of people victims on several crimes (domestic abuse victims most often)."""
        rng = self.rng

        def eligible(p: Plan) -> bool:
            if p.locked or len(p.victims) != 1:
                return False
            person, role, _ = p.victims[0]
            return (
                role == VictimRole.VICTIM
                and person.date_of_birth is not None
                and (person.age_on(self.today) or 0) >= 18
            )

        candidates = [p for p in plans if eligible(p)]
        n_people = sum(len(p.victims) for p in plans)
        n_repeat = round(n_people * REPEAT_VICTIM_SHARE / (1 + REPEAT_VICTIM_SHARE * 1.5))
        if len(plans) >= 20:
            n_repeat = max(n_repeat, 2)
        # Domestic abuse victims are the most often repeat victims: about three times as likely here.
        order = {id(p): rng.random() * (0.3 if p.crime.is_domestic_abuse else 1.0) for p in candidates}
        candidates.sort(key=lambda p: order[id(p)])
        made = 0
        for source in candidates:
            if made >= n_repeat:
                break
            if not eligible(source):
                continue
            extra = rng.choices([1, 2, 3], [6, 3, 1])[0]
            same = [
                p
                for p in plans
                if p is not source
                and eligible(p)
                and p.crime.is_domestic_abuse == source.crime.is_domestic_abuse
            ]
            local = [p for p in same if p.crime.bcu_id == source.crime.bcu_id] or same
            if not local:
                continue
            person = source.victims[0][0]
            source.locked = True
            for target in rng.sample(local, min(extra, len(local))):
                target.victims[0] = (person, VictimRole.VICTIM, "")
                target.locked = True
            made += 1

    def _assign_references(self, plans: list[Plan]) -> None:
        """VC/NNNNN/YY, numbered in order of recording within each year, with gaps (other crimes)."""
        taken = set(Crime.objects.values_list("reference", flat=True))
        counters: dict[int, int] = {}
        for p in sorted(plans, key=lambda p: p.crime.recorded_at):
            yy = timezone.localtime(p.crime.recorded_at).year % 100
            serial = counters.get(yy, 10000 + self.rng.randint(0, 400))
            while True:
                serial += self.rng.randint(1, 4)
                ref = f"{REFERENCE_PREFIX}/{serial:05d}/{yy:02d}"
                if ref not in taken:
                    break
            counters[yy] = serial
            taken.add(ref)
            p.crime.reference = ref

    # --- location, summary and events --------------------------------------------------------------
    def _finish(self, plan: Plan) -> None:
        rng = self.rng
        crime, offence = plan.crime, plan.crime.offence
        victim = plan.victims[0][0]
        towns = self.org.towns[crime.bcu_id]
        town = victim.town if victim.town in {t for t, _ in towns} else rng.choice(towns)[0]
        home = ", ".join(x for x in (victim.address_line_1, victim.address_line_2, victim.town) if x)
        g = offence.group
        if crime.is_domestic_abuse or (g == "burglary" and offence.code != "30C") or offence.code == "58A":
            location = home
        elif offence.code in {"53H", "66"} or (offence.code in {"8L", "8M", "8Q"} and rng.random() < 0.5):
            location = f"Online / by phone (victim at home in {town})"
        elif g == "vehicle" and not offence.is_road_death:
            location = rng.choice(
                [
                    f"On street outside {rng.randint(1, 150)} {self._street()}, {town}",
                    f"{town} Retail Park car park",
                    f"Station car park, {town}",
                ]
            )
        elif offence.code in {"46", "34B", "30C"}:
            location = (
                f"{rng.choice(['Convenience store', 'Supermarket', 'Pharmacy', 'Hardware shop'])}, "
                f"{self._street()}, {town}"
            )
        elif g in {"violence", "public_order", "robbery"} and rng.random() < 0.5:
            location = rng.choice(
                [
                    f"Outside {rng.choice(PUBS)}, {self._street()}, {town}",
                    f"{town} bus station",
                    f"{town} town centre, {rng.choice(STREET_NAMES)}",
                    f"{town} Park",
                ]
            )
        else:
            location = f"{self._street()}, {town}"
        crime.location = location[:200]

        key = ("homicide" if not offence.is_road_death else "road_death") if offence.is_homicide else g
        if crime.is_domestic_abuse and g == "violence" and not offence.is_homicide:
            key = "violence_da"
        summary = rng.choice(SUMMARIES.get(key, SUMMARIES["other"]))
        if crime.is_hate_crime:
            summary += (
                f" The victim believes this was motivated by hostility because of their "
                f"{rng.choice(HATE_MOTIVES)}."
            )
        crime.summary = summary

        self._plan_events(plan)

    def _plan_events(self, plan: Plan) -> None:
        rng = self.rng
        crime = plan.crime
        status, reason = crime.status, crime.closure_reason
        S, R = CrimeStatus, ClosureReason
        if crime.is_domestic_abuse:
            plan.suspect = rng.choice(
                ["Partner of the victim", "Ex-partner of the victim", "Son of the victim"]
            )
            plan.suspect += f": {self.fake.first_name_male()} {self.fake.last_name()}"
        else:
            plan.suspect = rng.choice(
                [
                    f"{self.fake.first_name_male()} {self.fake.last_name()}",
                    f"{self.fake.first_name_female()} {self.fake.last_name()}",
                    "Unknown male, 20s, dark clothing",
                    "Male, 30s, known to the victim",
                ]
            )

        def investigation() -> list[str]:
            return rng.choices(
                [
                    ["ARREST", "INTERVIEW", "BAIL"],
                    ["ARREST", "INTERVIEW", "RUI"],
                    ["INTERVIEW"],
                    ["ARREST", "INTERVIEW", "BAIL", "BAIL_CHANGED"],
                    ["ARREST", "INTERVIEW", "BAIL", "RUI"],
                    ["ARREST"],
                ],
                [30, 30, 15, 5, 5, 8],
            )[0]

        def charge() -> list[str]:
            pre = rng.choices(
                [
                    ["ARREST", "INTERVIEW"],
                    ["ARREST", "INTERVIEW", "BAIL"],
                    ["INTERVIEW"],
                    ["ARREST", "INTERVIEW", "RUI"],
                ],
                [40, 25, 20, 15],
            )[0]
            return [*pre, "CHARGED"]

        def hearings() -> list[str]:
            return ["HEARING_DETAILS"] * (2 if rng.random() < 0.4 else 1)

        path: list[str]
        if status in (S.RECORDED, S.ALLOCATED):
            path = []
        elif status == S.UNDER_INVESTIGATION:
            path = investigation()
        elif status == S.SUSPECT_CHARGED:
            path = charge()
        elif status == S.COURT:
            path = charge() + hearings()
        else:
            path = {
                R.NO_SUSPECT: [],
                R.CANCELLED: [],
                R.NOT_INVESTIGATED: ["NOT_INVESTIGATED"],
                R.EVIDENTIAL_DIFFICULTIES: rng.choice(
                    [investigation() + ["NOT_PROSECUTED"], ["ARREST", "INTERVIEW", "RELEASED_NFA"]]
                ),
                R.VICTIM_DOES_NOT_SUPPORT: rng.choice([[], ["ARREST", "INTERVIEW", "RUI"]]),
                R.NOT_IN_PUBLIC_INTEREST: ["INTERVIEW", "NOT_PROSECUTED"],
                R.OUT_OF_COURT: rng.choice(
                    [["INTERVIEW", "OUT_OF_COURT"], ["ARREST", "INTERVIEW", "OUT_OF_COURT"]]
                ),
                R.COURT_OUTCOME: charge() + hearings() + ["OUTCOME"],
            }[reason] + ["CLOSED"]

        codes = ["RECORDED"]
        if crime.oic_id:
            codes.append("ALLOCATED")
        codes += path
        info = plan.team_info
        plan.first_oic = crime.oic
        if crime.oic_id and not crime.is_restricted and rng.random() < 0.04:
            others = [o for o in info.officers if o.id != crime.oic_id]
            if others:  # first allocated to a colleague, then reallocated (leave, moved team...)
                plan.first_oic = rng.choice(others)
                at = rng.randint(2, len(codes) - (1 if codes[-1] == "CLOSED" else 0))
                codes.insert(at, "REALLOCATED")
        # The lifecycle must be exactly what the service would have produced.
        current = CrimeStatus.RECORDED
        for code in codes[1:]:
            et = REGISTRY[code]
            assert current in et.allowed_from, (code, current, codes)
            current = status_after(et, current)
        assert current == status, (codes, current, status)
        plan.events = [(c, {}, None) for c in codes]

    def _times(self, plan: Plan) -> list[datetime]:
        """Times for the planned events: increasing, from recording to (at latest) now."""
        rng = self.rng
        codes = [c for c, _, _ in plan.events]
        h = 3600
        gaps = []
        for i, code in enumerate(codes[1:], start=1):
            prev = codes[i - 1]
            lo, hi = {
                "ALLOCATED": (0.2, 30),
                "REALLOCATED": (24, 24 * 30),
                "ARREST": (2, 24 * 14),
                "INTERVIEW": (1, 12) if prev == "ARREST" else (24, 24 * 21),
                "BAIL": (0.5, 4),
                "RUI": (0.5, 4) if prev == "INTERVIEW" else (24 * 14, 24 * 28),
                "BAIL_CHANGED": (24 * 3, 24 * 20),
                "RELEASED_NFA": (0.5, 6),
                "CHARGED": (1, 8) if prev in ("INTERVIEW", "ARREST") else (24, 24 * 40),
                "HEARING_DETAILS": (24, 24 * 5) if prev == "CHARGED" else (24 * 10, 24 * 40),
                "OUTCOME": (24 * 14, 24 * 60),
                "NOT_PROSECUTED": (24 * 7, 24 * 45),
                "OUT_OF_COURT": (24 * 2, 24 * 21),
                "NOT_INVESTIGATED": (1, 72),
                "CLOSED": (1, 72)
                if prev not in ("ALLOCATED", "RECORDED", "RUI", "REALLOCATED")
                else (24 * 3, 24 * 45),
            }[code]
            gaps.append(rng.uniform(lo, hi) * h)
        start = plan.crime.recorded_at
        available = (self.now - start).total_seconds() - 300
        total = sum(gaps)
        if total > available:
            factor = available / total * rng.uniform(0.5, 0.95)
            gaps = [g * factor for g in gaps]
        times = [start]
        for g in gaps:
            times.append(max(times[-1] + timedelta(seconds=1), times[-1] + timedelta(seconds=int(g))))
        return times

    def _details(self, plan: Plan, times: list[datetime]) -> None:
        rng = self.rng
        crime = plan.crime
        towns = [t for t, _ in self.org.towns[crime.bcu_id]]
        serious = crime.offence.is_homicide or crime.offence.is_sexual or crime.offence.is_most_serious
        magistrates = f"{towns[0]} Magistrates' Court"
        crown = f"{towns[1]} Crown Court"
        codes = [c for c, _, _ in plan.events]
        hearing_at = {}
        for i, code in enumerate(codes):
            if code == "HEARING_DETAILS":
                nxt = times[i + 1] if i + 1 < len(times) else None
                if nxt is not None:  # the hearing took place before the next thing we heard
                    hearing_at[i] = times[i] + (nxt - times[i]) * rng.uniform(0.3, 0.9)
                else:
                    hearing_at[i] = times[i] + timedelta(days=rng.randint(7, 60))
                hearing_at[i] = timezone.localtime(hearing_at[i]).replace(
                    hour=rng.choice([10, 10, 11, 14]), minute=0, second=0, microsecond=0
                )
                if hearing_at[i] <= times[i]:
                    hearing_at[i] = times[i] + timedelta(hours=1)
                if nxt is not None and hearing_at[i] >= nxt:
                    hearing_at[i] = (times[i] + (nxt - times[i]) / 2).replace(microsecond=0)
        first_hearing_index = next(iter(sorted(hearing_at)), None)
        oic = crime.oic
        supervisor = plan.team_info.supervisors[0] if plan.team_info.supervisors else crime.created_by
        events = []
        hearing_no = 0
        for i, (code, _, _) in enumerate(plan.events):
            d: dict = {}
            officer = None
            by = oic or crime.created_by
            if code == "RECORDED":
                by = crime.created_by
            elif code == "ALLOCATED":
                officer, by = plan.first_oic, supervisor
            elif code == "REALLOCATED":
                officer, by = oic, supervisor
                d = {"from_officer_id": plan.first_oic.id}
            elif code in ("ARREST", "INTERVIEW"):
                d = {"suspect": plan.suspect[:200]}
            elif code == "BAIL":
                d = {
                    "conditions": rng.choice(BAIL_CONDITIONS).format(street=self._street()),
                    "return_at": (times[i] + timedelta(days=rng.randint(14, 28))).isoformat(),
                }
            elif code == "BAIL_CHANGED":
                d = {
                    "conditions": "Condition not to enter the victim's street removed; no-contact stays.",
                    "reason": "Suspect has moved out of the area; victim consulted and content.",
                }
            elif code == "RELEASED_NFA":
                d = {"reason": rng.choice(NFA_REASONS)}
            elif code == "CHARGED":
                d = {"charges": f"{crime.offence.name} (1 count)", "court": magistrates}
                if first_hearing_index is not None:
                    d["first_hearing_at"] = hearing_at[first_hearing_index].isoformat()
                else:
                    d["first_hearing_at"] = (
                        timezone.localtime(times[i] + timedelta(days=rng.randint(1, 28)))
                        .replace(hour=10, minute=0, second=0, microsecond=0)
                        .isoformat()
                    )
            elif code == "HEARING_DETAILS":
                kind = "first" if hearing_no == 0 else rng.choice(["trial", "sentencing", "plea"])
                court = crown if serious and hearing_no > 0 else magistrates
                d = {"hearing_at": hearing_at[i].isoformat(), "court": court, "hearing_type": kind}
                hearing_no += 1
            elif code == "OUTCOME":
                outcome, sentence, months = rng.choice(SENTENCES)
                d = {"outcome": outcome}
                if sentence:
                    d["sentence"] = sentence
                if months:
                    d["custody_months"] = months
            elif code == "OUT_OF_COURT":
                d = {
                    "disposal": rng.choice(
                        ["caution", "conditional_caution", "community_resolution", "penalty_notice"]
                    )
                }
            elif code == "NOT_INVESTIGATED":
                d, by = {"reason": rng.choice(NOT_INVESTIGATED_REASONS)}, supervisor
            elif code == "NOT_PROSECUTED":
                d = {
                    "decided_by": rng.choice(["police", "cps"]),
                    "reason": rng.choice(NOT_PROSECUTED_REASONS),
                }
            elif code == "CLOSED":
                d = {"closure_reason": crime.closure_reason}
                if oic is None:
                    by = supervisor
            events.append(
                CaseEvent(
                    crime=crime, code=code, occurred_at=times[i], recorded_by=by, officer=officer, details=d
                )
            )
        if crime.status == CrimeStatus.CLOSED:
            crime.closed_at = times[-1]
        plan.case_events = events

    def _needs(self, plan: Plan, cv: CrimeVictim, repeat: bool) -> NeedsAssessment | None:
        rng = self.rng
        crime, person = plan.crime, cv.person
        if cv.role == VictimRole.PARENT_GUARDIAN:
            return None
        pending = 0.6 if plan.age_days < 2 else 0.3 if plan.age_days < 7 else 0.1
        if crime.oic_id is None:
            pending = max(pending, 0.7)
        if rng.random() < pending:
            return None
        o = crime.offence
        serious = crime.is_domestic_abuse or o.is_sexual or crime.is_hate_crime or o.is_homicide
        details = person.disability_details
        physical = any(details == d[0] and d[1] for d in DISABILITIES)
        mental = any(details == d[0] and d[2] for d in DISABILITIES)
        learning = any(details == d[0] and d[3] for d in DISABILITIES)
        mental_disorder = rng.random() < (0.6 if mental else 0.04)
        impaired = rng.random() < (0.7 if learning else 0.01)
        physical_disability = rng.random() < (0.8 if physical else 0.02)
        fear = rng.random() < (0.45 if serious else 0.15 if o.is_violence else 0.05)
        targeted = rng.random() < (
            0.6 if repeat or o.code in {"8Q", "8L", "8U", "8M"} else 0.3 if crime.is_domestic_abuse else 0.02
        )
        vulnerable = mental_disorder or impaired or physical_disability or fear
        special = rng.random() < (0.55 if vulnerable else 0.03)
        elderly = (person.age_on(self.today) or 0) >= 70
        wants = rng.random() < (0.65 if serious or elderly else 0.35)
        if wants:
            consent = Consent.GIVEN if rng.random() < 0.95 else Consent.NOT_ASKED
        else:
            consent = Consent.DECLINED if rng.random() < 0.8 else Consent.NOT_ASKED
        span = min(5 * 86400, max(60, (self.now - crime.recorded_at).total_seconds() - 60))
        completed_at = crime.recorded_at + timedelta(
            seconds=rng.uniform(30 * 60 if span > 3600 else 30, span)
        )
        return NeedsAssessment(
            crime_victim=cv,
            mental_disorder=mental_disorder,
            impaired_intelligence=impaired,
            physical_disability=physical_disability,
            fear_or_distress_giving_evidence=fear,
            persistently_targeted=targeted,
            special_measures_needed=special,
            special_measures_notes=rng.choice(SPECIAL_MEASURES_NOTES) if special else "",
            practical_needs=rng.choice(PRACTICAL_NEEDS) if rng.random() < 0.4 else "",
            emotional_needs=rng.choice(EMOTIONAL_NEEDS) if rng.random() < 0.4 else "",
            wants_support=wants,
            referral_consent=consent,
            completed_by=crime.oic or crime.created_by,
            completed_at=min(completed_at, self.now),
        )

    # --- writing ---------------------------------------------------------------------------------
    def _write(self, plans: list[Plan]) -> None:
        for p in plans:
            self._details(p, self._times(p))
        people, seen = [], set()
        for p in plans:
            for person, _, _ in p.victims:
                if id(person) not in seen:
                    seen.add(id(person))
                    people.append(person)
        Person.objects.bulk_create(people, batch_size=BATCH)
        crimes = [p.crime for p in plans]
        Crime.objects.bulk_create(crimes, batch_size=BATCH)
        Named = Crime.named_users.through
        Named.objects.bulk_create(
            [
                Named(crime_id=p.crime.pk, user_id=p.crime.oic_id or p.crime.created_by_id)
                for p in plans
                if p.crime.is_restricted
            ],
            batch_size=BATCH,
        )
        roles = Counter(id(person) for p in plans for person, _, _ in p.victims)
        links: list[tuple[Plan, CrimeVictim]] = []
        for p in plans:
            for person, role, relationship in p.victims:
                links.append(
                    (
                        p,
                        CrimeVictim(
                            crime=p.crime,
                            person=person,
                            role=role,
                            relationship=relationship,
                            added_by=p.crime.created_by,
                        ),
                    )
                )
        CrimeVictim.objects.bulk_create([cv for _, cv in links], batch_size=BATCH)
        assessments = [na for p, cv in links if (na := self._needs(p, cv, roles[id(cv.person)] > 1))]
        NeedsAssessment.objects.bulk_create(assessments, batch_size=BATCH)
        events = [e for p in plans for e in p.case_events]
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        # bulk_create stamps auto_now_add fields with the seeding time; demo history should read as if
        # each event and crime was entered when it happened.
        ids = [c.pk for c in crimes]
        CaseEvent.objects.filter(crime_id__in=ids).update(recorded_at=F("occurred_at"))
        Crime.objects.filter(pk__in=ids).update(created_at=F("recorded_at"))
        self.counts.update(
            {
                "crimes": len(crimes),
                "people": len(people),
                "victims on crimes": len(links),
                "needs assessments": len(assessments),
                "case events": len(events),
                "repeat victims": sum(1 for c in roles.values() if c > 1),
            }
        )


# --- the deadline engine: contact plans, obligations, the contact log, absences --------------------
DUTY_CODES = {"NEEDS_ASSESSMENT", "CONTACT_PLAN"}  # met by doing the duty itself, not by a contact
PERSON_SAFE = {
    ContactMethod.PHONE: "safe_phone",
    ContactMethod.EMAIL: "safe_email",
    ContactMethod.SMS: "safe_sms",
    ContactMethod.PORTAL: "safe_email",
    ContactMethod.LETTER: "safe_letter",
    ContactMethod.VISIT: "safe_visit",
}
CONTACT_CHANNELS = [ContactMethod.PHONE, ContactMethod.EMAIL, ContactMethod.VISIT]
# How often victims ask to be updated ("none": they asked for no updates at all).
PLAN_FREQUENCIES = {
    Frequency.EVERY_28_DAYS: 66,
    Frequency.FORTNIGHTLY: 12,
    Frequency.WEEKLY: 6,
    Frequency.KEY_EVENTS: 10,
    Frequency.NONE: 6,
}
OUTCOME_BY_METHOD = {ContactMethod.PHONE: ContactOutcome.SPOKE, ContactMethod.VISIT: ContactOutcome.MET}
CONTACT_SUMMARIES = {
    "ACKNOWLEDGE": "Acknowledgement sent: crime reference, my contact details and what happens next.",
    "WRITTEN_INFORMATION": "Written information sent: crime reference, Victims of Crime leaflet, my details.",
    "SUPPORT_REFERRAL": "Referred to the local victim support service with the victim's consent.",
    "ARREST": "Told the victim a suspect has been arrested and explained what happens next.",
    "INTERVIEW": "Told the victim the suspect has been interviewed under caution; enquiries continue.",
    "RELEASE_NO_FURTHER_ACTION": "Told the victim the suspect was released with no further action, and why.",
    "BAIL": "Told the victim the suspect has been bailed, with the conditions that protect them.",
    "RUI": "Told the victim the suspect was released under investigation and what that means.",
    "BAIL_CHANGED": "Told the victim the suspect's bail conditions have changed; safety plan reviewed.",
    "CHARGE": "Told the victim the suspect has been charged and when the first hearing is.",
    "VPS_OFFER": "Offered the victim a Victim Personal Statement and explained how the court uses it.",
    "OUT_OF_COURT": "Told the victim about the out-of-court disposal and what it means.",
    "NOT_PROSECUTED": "Told the victim the decision not to prosecute, the reasons and the right to review.",
    "NOT_INVESTIGATED": "Told the victim the crime will not be investigated further, and why; support "
    "re-offered.",
    "HEARING_DATE": "Told the victim the date, time and place of the hearing; asked about support at court.",
    "OUTCOME_SENTENCE": "Told the victim the outcome and the sentence, and explained what it means.",
    "VCS_REFERRAL": "Referred the victim to the Probation Victim Contact Scheme with their consent.",
    "OFFICER_INTRODUCTION": "Introduced myself as the new officer in the case; gave my contact details.",
    "CLOSURE": "Told the victim the investigation is closing: what was done, that it can be reopened, "
    "support re-offered and the right to review explained.",
}
PROGRESS_SUMMARIES = [
    "Progress update: enquiries continue; CCTV is still being reviewed.",
    "Progress update: waiting for forensic results; nothing new since the last update.",
    "Progress update: house-to-house enquiries finished; the victim is happy with the plan.",
    "Progress update: statements taken from two witnesses; next update as agreed.",
    "Progress update: the file is with the CPS for advice; explained the likely timescale.",
    "Progress update: the suspect has not been traced yet; enquiries continue.",
]
ATTEMPT_SUMMARIES = {
    ContactOutcome.NO_ANSWER: "Called; no answer and no voicemail left (not marked safe).",
    ContactOutcome.LEFT_MESSAGE: "Called; no answer. Left a voicemail asking the victim to call back.",
}
WAIVE_NEEDS_PARENT = "Needs assessed together with the child victim."
WAIVE_NEEDS_DECLINED = "The victim did not want a needs assessment."
WAIVE_PLAN_CHILD = "Contact is through the parent or guardian."
WAIVE_PLAN_DECLINED = "The victim did not want to agree a contact plan."
WAIVE_AFTER_DAYS = 21  # duties done by doing them, still not done this long after their deadline, were waived


def _plan_of(cv: CrimeVictim) -> ContactPlan | None:
    try:
        return cv.contact_plan
    except ContactPlan.DoesNotExist:
        return None


class EngineSeeder:
    """Contact plans, obligations and the contact log for demo crimes, by replaying each crime's history
    through the real deadline engine; plus a few staff absences.

    Per crime, an event queue in time order: the crime's recording (victims added: their duties and the
    first progress update), each case event (its duties; a qualifying sentence; closure), the contacts an
    officer makes to meet open duties and the completion of the duties met by doing them (needs assessment,
    contact plan). A contact follows contact_log: it meets the duties it was made for and the open progress
    update, and the next update is due from it. Nothing after `now` happens, so what is left is open: not
    yet due, or (a realistic few) overdue."""

    def __init__(self, *, now: datetime, seed: int, org: Org):
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = random.Random(seed + 7)
        self.org = org
        self.counts: Counter = Counter()
        self.demo_behind = 0
        self.book = load_rulebook()  # one rule book and calendar for the whole replay
        self.cal = working_calendar()

    def seed(self, crimes_qs) -> None:
        crimes = list(crimes_qs.select_related("offence").order_by("id"))
        if not crimes:
            return
        events: dict[int, list[CaseEvent]] = defaultdict(list)
        for e in CaseEvent.objects.filter(crime__in=crimes_qs).order_by("occurred_at", "id"):
            events[e.crime_id].append(e)
        victims: dict[int, list[CrimeVictim]] = defaultdict(list)
        for cv in (
            CrimeVictim.objects.filter(crime__in=crimes_qs)
            .select_related("person", "needs_assessment", "contact_plan")
            .prefetch_related("added_eligibility")
            .order_by("id")
        ):
            victims[cv.crime_id].append(cv)
        self.supervisor_of: dict[int, int] = {}
        for team_id, user_id in Team.supervisors.through.objects.order_by("id").values_list(
            "team_id", "user_id"
        ):
            self.supervisor_of.setdefault(team_id, user_id)

        plans = []
        for crime in crimes:
            for cv in victims[crime.id]:
                cv.crime = crime
                if plan := self._contact_plan(crime, cv, events[crime.id]):
                    plans.append(plan)
        ContactPlan.objects.bulk_create(plans, batch_size=BATCH)

        obligations: list[Obligation] = []
        contacts: list[Contact] = []
        for crime in crimes:
            made, logged = self._replay(crime, events[crime.id], victims[crime.id])
            obligations += made
            contacts += logged
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)
        # bulk_create stamps auto_now(_add) with the seeding time; history should read as entered when it
        # happened.
        ContactPlan.objects.filter(crime_victim__crime__in=crimes_qs).update(
            created_at=F("agreed_at"), updated_at=F("agreed_at")
        )
        Contact.objects.filter(crime__in=crimes_qs).update(
            created_at=F("occurred_at"), updated_at=F("occurred_at")
        )
        Obligation.objects.filter(crime__in=crimes_qs).update(created_at=F("triggered_at"))
        absences = self._absences()
        Absence.objects.bulk_create(absences)

        states = Counter(o.state for o in obligations)
        self.counts.update(
            {
                "contact plans": len(plans),
                "obligations": len(obligations),
                "obligations open": states[ObligationState.OPEN],
                "obligations met": states[ObligationState.MET],
                "obligations not required": states[ObligationState.NOT_REQUIRED],
                "obligations waived": states[ObligationState.WAIVED],
                "obligations open and overdue": sum(
                    o.state == ObligationState.OPEN and o.due_at < self.now for o in obligations
                ),
                "contacts": len(contacts),
                "absences": len(absences),
            }
        )

    # --- contact plans -----------------------------------------------------------------------------
    def _contact_plan(self, crime: Crime, cv: CrimeVictim, events: list[CaseEvent]) -> ContactPlan | None:
        """Most victims agree a plan within a day or so of recording; methods only among their safe
        channels, their preferred one first."""
        rng, person = self.rng, cv.person
        if cv.role == VictimRole.VICTIM and (person.age_on(self.today) or 18) < 13:
            return None  # contact is through the parent or guardian
        safe = [m for m in PERSON_SAFE if getattr(person, PERSON_SAFE[m])]
        if not safe:
            return None
        r = rng.random()
        if r < 0.8:
            delay = timedelta(hours=rng.uniform(0.3, 30))
        elif r < 0.94:
            delay = timedelta(hours=rng.uniform(30, 200))
        else:
            return None  # never agreed: the CONTACT_PLAN duty stays open (or was waived long ago)
        agreed_at = self._daytime(crime.recorded_at + delay, crime.recorded_at + delay / 2, self.now)
        if agreed_at > self.now - timedelta(minutes=1):
            return None  # not agreed yet
        if person.preferred_contact_method in safe:
            safe.remove(person.preferred_contact_method)
            safe.insert(0, person.preferred_contact_method)
        methods = safe[: rng.choice([1, 1, 2, 2, 3])]
        frequency = _weighted(rng, PLAN_FREQUENCIES)
        fmt = (
            Format.BRAILLE
            if person.needs_braille
            else Format.EASY_READ
            if person.needs_easy_read
            else Format.LARGE_PRINT
            if person.needs_large_print
            else Format.STANDARD
        )
        notes = ""
        if crime.is_domestic_abuse and not person.safe_voicemail:
            notes = "Never leave voicemails. Check it is safe to talk before starting."
        plan = ContactPlan(
            crime_victim=cv,
            wants_updates=frequency != Frequency.NONE,
            methods=[str(m) for m in methods],
            safe_times=person.preferred_contact_times[:200],
            frequency=frequency,
            language=person.first_language or "English",
            format=fmt,
            notes=notes,
            agreed_by_id=self._officer_at(crime, events, agreed_at),
            agreed_at=agreed_at,
        )
        cv.contact_plan = plan  # the engine reads it from here (wants updates, period)
        return plan

    # --- replaying one crime -----------------------------------------------------------------------
    def _replay(
        self, crime: Crime, events: list[CaseEvent], victims: list[CrimeVictim]
    ) -> tuple[list[Obligation], list[Contact]]:
        rng, now = self.rng, self.now
        made: list[Obligation] = []
        contacts: list[Contact] = []
        by_victim: dict[int, list[Obligation]] = defaultdict(list)
        cv_by_id = {cv.id: cv for cv in victims}
        demo = crime.oic_id == self.org.demo_officer.id
        queue: list = []
        order = itertools.count()
        once: set[tuple[int, str]] = set()

        def push(at: datetime, kind: str, payload) -> None:
            heapq.heappush(queue, (at, next(order), kind, payload))

        def create(trigger: str, at: datetime, event=None, vs=victims, first=False) -> list[Obligation]:
            out = []
            for ob in obligations_create(
                crime=crime,
                trigger=trigger,
                at=at,
                event=event,
                victims=vs,
                book=self.book,
                cal=self.cal,
                first=first,
                save=False,
            ):
                if ob.rule.once_per_victim:
                    if (ob.crime_victim_id, ob.code) in once:
                        continue
                    once.add((ob.crime_victim_id, ob.code))
                made.append(ob)
                by_victim[ob.crime_victim_id].append(ob)
                out.append(ob)
            return out

        def schedule(new: list[Obligation]) -> None:
            """When (if ever, before now) each new open duty is done. Duties from one trigger for one
            victim are met together, by one contact."""
            groups: dict[tuple[int, bool], list[Obligation]] = {}
            for ob in new:
                if ob.state != ObligationState.OPEN:
                    continue
                cv = cv_by_id[ob.crime_victim_id]
                if ob.code == "NEEDS_ASSESSMENT":
                    na = getattr(cv, "needs_assessment", None)
                    if na is not None:
                        push(max(na.completed_at, ob.triggered_at), "duty", ob)
                elif ob.code == "CONTACT_PLAN":
                    if (plan := _plan_of(cv)) is not None:
                        push(max(plan.agreed_at, ob.triggered_at), "duty", ob)
                else:
                    groups.setdefault((cv.id, ob.trigger == Trigger.PLAN), []).append(ob)
            for (cv_id, recurring), obs in groups.items():
                when = self._when(obs[0].triggered_at, min(o.due_at for o in obs), recurring, demo)
                if when is not None and when <= now:
                    push(when, "contact", (cv_by_id[cv_id], obs, False))

        # The crime's history, and (for a closed case) telling each victim before closing it: the closure
        # gate needs a contact about closure for everyone who has not opted out of updates.
        push(crime.recorded_at, "recorded", None)
        for e in events:
            if e.code != "RECORDED":
                push(e.occurred_at, "event", e)
        closing = [e for e in events if e.code == "CLOSED"]
        if crime.status == CrimeStatus.CLOSED and closing:
            closed_at = closing[-1].occurred_at
            before = max([e.occurred_at for e in events if e.occurred_at < closed_at] or [crime.recorded_at])
            for cv in victims:
                plan = _plan_of(cv)
                if plan is not None and not plan.wants_updates:
                    continue
                told = closed_at - min(closed_at - before, timedelta(days=2)) * rng.uniform(0.1, 0.9)
                push(self._daytime(told, before, closed_at), "contact", (cv, None, True))

        closed = False
        told_of_closure: dict[int, Contact] = {}
        while queue:
            at, _, kind, payload = heapq.heappop(queue)
            if at > now:
                break
            if kind == "recorded":
                schedule(
                    create(Trigger.VICTIM_ADDED, at) + create(Trigger.PLAN, at, first=True),
                )
            elif kind == "event":
                e = payload
                new = create(e.code, at, e)
                if e.code == "OUTCOME" and qualifying_sentence(crime, e.details):
                    new += create(Trigger.QUALIFYING_SENTENCE, at, e)
                if e.code == "CLOSED":
                    closed = True
                    for ob in made:
                        if ob.state == ObligationState.OPEN and ob.trigger == Trigger.PLAN:
                            ob.state, ob.closed_reason = ObligationState.NOT_REQUIRED, CASE_CLOSED
                    for ob in new:
                        contact = told_of_closure.get(ob.crime_victim_id)
                        if ob.code == "CLOSURE" and ob.state == ObligationState.OPEN and contact:
                            self._meet(ob, contact.occurred_at, contact)
                schedule(new)
            elif kind == "duty":
                if payload.state == ObligationState.OPEN:
                    self._meet(payload, at, None)
            else:
                cv, targets, about_closure = payload
                if about_closure:  # the closing conversation covers whatever is outstanding
                    targets = [o for o in by_victim[cv.id] if o.code not in DUTY_CODES]
                targets = [o for o in targets if o.state == ObligationState.OPEN]
                if not targets and not about_closure:
                    continue  # already met by an earlier contact
                contact = self._contact(crime, cv, events, at, targets, about_closure, contacts)
                met = targets + [
                    o
                    for o in by_victim[cv.id]
                    if o.state == ObligationState.OPEN and o.trigger == Trigger.PLAN and o not in targets
                ]
                for o in met:
                    self._meet(o, at, contact)
                if about_closure:
                    told_of_closure[cv.id] = contact
                if not closed and any(o.trigger == Trigger.PLAN for o in met):
                    schedule(create(Trigger.PLAN, at, vs=[cv]))  # the next update is due from this contact

        # Duties done by doing them that never were: waived long ago, or still open.
        for ob in made:
            if ob.state != ObligationState.OPEN or ob.code not in DUTY_CODES:
                continue
            cv = cv_by_id[ob.crime_victim_id]
            reason = ""
            if ob.code == "NEEDS_ASSESSMENT" and cv.role == VictimRole.PARENT_GUARDIAN:
                reason = WAIVE_NEEDS_PARENT
            elif ob.code == "CONTACT_PLAN" and (cv.person.age_on(self.today) or 18) < 13:
                reason = WAIVE_PLAN_CHILD
            elif ob.due_at < now - timedelta(days=WAIVE_AFTER_DAYS):
                reason = WAIVE_NEEDS_DECLINED if ob.code == "NEEDS_ASSESSMENT" else WAIVE_PLAN_DECLINED
            if reason:
                ob.state, ob.closed_reason = ObligationState.WAIVED, reason
                ob.closed_by_id = self.supervisor_of.get(crime.team_id) or crime.oic_id or crime.created_by_id
        return made, contacts

    def _when(self, trigger_at: datetime, due: datetime, recurring: bool, demo: bool) -> datetime | None:
        """When an officer meets a duty: mostly on time (a recurring update late in its period), some late,
        a few not at all (yet). The demo officer is a little behind, so their worklist has every colour."""
        rng, now = self.rng, self.now
        overdue_days = (now - due).total_seconds() / 86400
        if demo and 0 < overdue_days < 14 and self.demo_behind < 2:
            self.demo_behind += 1  # the demo officer's worklist always shows something overdue
            return None
        if 0 < overdue_days < 14:
            neglect = 0.15 if demo else 0.03
        elif 0 < overdue_days < 45:
            neglect = 0.02 if demo else 0.01
        elif demo and -5 < overdue_days <= 0:
            neglect = 0.4  # not done yet, still in time
        else:
            neglect = 0.0
        if rng.random() < neglect:
            return None
        if rng.random() < (0.92 if recurring else 0.88):
            lo, hi = (0.5, 0.97) if recurring else (0.02, 0.8)
            return self._daytime(trigger_at + (due - trigger_at) * rng.uniform(lo, hi), trigger_at, due)
        late = due + timedelta(hours=min(rng.expovariate(1 / 36), 24 * 20))
        return self._daytime(late, due, due + timedelta(days=21))

    def _daytime(self, at: datetime, lo: datetime, hi: datetime) -> datetime:
        """Move a time to working hours on the same day when that stays within [lo, hi]."""
        local = timezone.localtime(at)
        if 8 <= local.hour < 20:
            return at
        moved = local.replace(
            hour=self.rng.randint(8, 19), minute=self.rng.randint(0, 59), second=self.rng.randint(0, 59)
        )
        return moved if lo <= moved <= hi else at

    @staticmethod
    def _officer_at(crime: Crime, events: list[CaseEvent], at: datetime) -> int:
        officer = crime.created_by_id
        for e in events:
            if e.occurred_at > at:
                break
            if e.code in ("ALLOCATED", "REALLOCATED") and e.officer_id:
                officer = e.officer_id
        return officer

    @staticmethod
    def _meet(ob: Obligation, at: datetime, contact: Contact | None) -> None:
        ob.state, ob.met_at, ob.met_by_contact, ob.met_on_time = (
            ObligationState.MET,
            at,
            contact,
            at <= ob.due_at,
        )

    def _contact(
        self,
        crime: Crime,
        cv: CrimeVictim,
        events: list[CaseEvent],
        at: datetime,
        obs: list[Obligation],
        about_closure: bool,
        log: list[Contact],
    ) -> Contact:
        """A successful contact (sometimes after a failed attempt), by a channel that is safe for them."""
        rng, person = self.rng, cv.person
        plan = _plan_of(cv)
        safe = [m for m in CONTACT_CHANNELS if getattr(person, PERSON_SAFE[m])]
        preferred = [m for m in (plan.methods if plan else []) if m in safe] or safe
        keys = ["CLOSURE"] if about_closure else []
        keys += [o.trigger if o.code == "BAIL" else o.code for o in obs if o.trigger != Trigger.PLAN]
        written = keys and keys[0] in ("ACKNOWLEDGE", "WRITTEN_INFORMATION")
        if written and ContactMethod.EMAIL in safe:
            method = ContactMethod.EMAIL
        elif preferred:
            method = preferred[0] if rng.random() < 0.75 else rng.choice(preferred)
        elif plan and plan.methods:
            method = plan.methods[0]
        else:
            method = ContactMethod.LETTER if person.safe_letter else ContactMethod.PORTAL
        keys = list(dict.fromkeys(keys))[:2]
        summary = " ".join(CONTACT_SUMMARIES[k] for k in keys if k in CONTACT_SUMMARIES)
        if not summary:
            summary = rng.choice(PROGRESS_SUMMARIES)
        recorded_by = self._officer_at(crime, events, at)
        since = min([o.triggered_at for o in obs] or [crime.recorded_at])
        if method == ContactMethod.PHONE and rng.random() < 0.12:
            tried = at - timedelta(hours=rng.uniform(1, 26))
            if tried > since:
                outcome = (
                    ContactOutcome.LEFT_MESSAGE
                    if person.safe_voicemail and rng.random() < 0.6
                    else ContactOutcome.NO_ANSWER
                )
                log.append(
                    Contact(
                        crime=crime,
                        crime_victim=cv,
                        method=method,
                        outcome=outcome,
                        summary=ATTEMPT_SUMMARIES[outcome],
                        occurred_at=tried,
                        recorded_by_id=self._officer_at(crime, events, tried),
                    )
                )
        contact = Contact(
            crime=crime,
            crime_victim=cv,
            method=method,
            outcome=OUTCOME_BY_METHOD.get(method, ContactOutcome.WRITTEN_SENT),
            summary=summary,
            occurred_at=at,
            about_closure=about_closure,
            recorded_by_id=recorded_by,
        )
        assert contact.outcome in SUCCESSFUL_OUTCOMES
        log.append(contact)
        return contact

    # --- absences ----------------------------------------------------------------------------------
    def _absences(self) -> list[Absence]:
        """A few absences around today, one in the demo officer's team (the supervisor's cover view)."""
        org, today, day = self.org, self.today, timedelta(days=1)
        demo = org.demo_officer
        out: list[Absence] = []

        def add(user: User, kind: str, starts: date, ends: date, note: str, team: TeamInfo) -> None:
            by = team.supervisors[0] if team.supervisors else user
            out.append(
                Absence(user=user, kind=kind, starts_on=starts, ends_on=ends, note=note, recorded_by=by)
            )

        others = [t for t in org.teams if t.team.id != demo.team_id]
        demo_team = next((t for t in org.teams if t.team.id == demo.team_id), None)
        if demo_team is not None:
            mates = [o for o in demo_team.officers if o.id != demo.id]
            if mates:
                add(mates[0], AbsenceKind.LEAVE, today - 2 * day, today + 4 * day, "Annual leave", demo_team)
            if len(mates) > 1:
                add(
                    mates[1],
                    AbsenceKind.COURSE,
                    today + 8 * day,
                    today + 10 * day,
                    "Investigators' course",
                    demo_team,
                )
            add(
                demo,
                AbsenceKind.LEAVE,
                today + 21 * day,
                today + 25 * day,
                "Annual leave (booked)",
                demo_team,
            )
        for i, (kind, starts, ends, note) in enumerate(
            [
                (AbsenceKind.SICKNESS, today - day, today + 2 * day, "Off sick"),
                (AbsenceKind.COURSE, today + 3 * day, today + 5 * day, "Public protection course"),
                (AbsenceKind.LEAVE, today - 30 * day, today - 23 * day, "Annual leave"),
            ]
        ):
            if i < len(others) and others[i].officers:
                add(others[i].officers[0], kind, starts, ends, note, others[i])
        part_timer = next(
            (
                (o, t)
                for t in org.teams
                for o in t.officers
                if o.working_pattern.startswith("Part time") and o.id != demo.id
            ),
            None,
        )
        if part_timer is not None:  # works Tue–Thu: Mondays and Fridays off, recorded one day at a time
            off = [today + i * day for i in range(14) if (today + i * day).weekday() in (0, 4)]
            for d in off:
                add(part_timer[0], AbsenceKind.PART_TIME, d, d, "Part-time day off", part_timer[1])
        return out


def demo_crimes():
    return Crime.objects.filter(created_by__email__endswith=f"@{DEMO_DOMAIN}")


def engine_data_missing() -> bool:
    """Demo crimes exist but none has an obligation (seeded before the deadline engine existed)."""
    crimes = demo_crimes()
    return crimes.exists() and not Obligation.objects.filter(crime__in=crimes).exists()


class Command(BaseCommand):
    help = (
        "Create synthetic demo data (organisation, staff, support organisations, crimes with their "
        "Victims' Code duties, contact plans and contact log, absences). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--crimes", type=int, default=2000, help="How many crimes to create (default 2000)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any crime already exists (except adding the deadline-engine data to demo "
            "crimes seeded before it existed).",
        )
        parser.add_argument("--seed", type=int, default=SEED, help=f"Random seed (default {SEED}).")
        parser.add_argument(
            "--no-portal-demo",
            dest="portal_demo",
            action="store_false",
            help="Leave out the two fixed demo victims with portal accounts (listed in the README).",
        )

    def handle(self, *args, crimes: int, if_empty: bool, seed: int, portal_demo: bool = True, **options):
        if crimes < 0:
            raise CommandError("--crimes must be 0 or more.")
        if (
            if_empty
            and Crime.objects.exists()
            and not engine_data_missing()
            and not (portal_demo and portal_demo_missing())
        ):
            self.stdout.write("Crimes already exist: seed_demo --if-empty did nothing.")
            return
        started = time.monotonic()
        seeder = DemoSeeder(seed)
        with transaction.atomic():
            org = seeder.seed_org()
            seeder.seed_support_organisations()
            if not demo_crimes().exists() and not (if_empty and Crime.objects.exists()):
                seeder.seed_crimes(org, crimes)
            if engine_data_missing():
                engine_seeder = EngineSeeder(now=seeder.now, seed=seed, org=org)
                engine_seeder.seed(demo_crimes())
                seeder.counts.update(engine_seeder.counts)
            if portal_demo:
                seeder.counts["demo portal victims"] = seed_portal_demo(org.demo_officer, seeder.now)
        created = {k: v for k, v in seeder.counts.items() if v}
        if not created:
            self.stdout.write("Demo data already present: nothing new created.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data created in {time.monotonic() - started:.1f}s:"))
            for k, v in created.items():
                self.stdout.write(f"  {k}: {v}")
            if seeder.counts["crimes"]:
                by_status = Counter(demo_crimes().values_list("status", flat=True))
                self.stdout.write(
                    "  by status: " + ", ".join(f"{s} {by_status[s]}" for s in CrimeStatus.values)
                )
                mine = Crime.objects.filter(oic=org.demo_officer).count()
                self.stdout.write(f"  cases of {DEMO_OFFICER}: {mine}")
            if seeder.counts["obligations"]:
                self.stdout.write(
                    f"  open duties of {DEMO_OFFICER}: {self._worklist(org.demo_officer, seeder.now)}"
                )
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'): " + ", ".join(DEMO_LOGINS))
        self.stdout.write(
            f"Demo victims at /portal/ (password '{DEMO_VICTIM_PASSWORD}'): "
            + ", ".join(f"{d.reference} born {d.date_of_birth:%Y-%m-%d}" for d in DEMO_VICTIMS)
        )

    @staticmethod
    def _worklist(user: User, now: datetime) -> str:
        cal = working_calendar()
        colours = Counter(
            engine.rag(due, now, cal)
            for due in Obligation.objects.filter(owner=user, state=ObligationState.OPEN).values_list(
                "due_at", flat=True
            )
        )
        return ", ".join(f"{colours[c]} {c}" for c in ("red", "amber", "green"))
