"""The demo force's tables: BCUs and teams, staff logins, offences and their mix, names, places and
the words officers write. Everything is fictional (see the package docstring)."""

import random
import re
import unicodedata

SEED = 2026
DEMO_PASSWORD = "victimcare-demo"
DEMO_DOMAIN = "demo.police.uk"
REFERENCE_PREFIX = "VC"
DEMO_CRIMES = 4000  # a year of a small force's crime (seed_demo's default)
DEMO_OFFICER_SHARE = 0.03  # ~120 of 4,000 crimes belong to officer@demo.police.uk
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

# --- a year of history, and how well it went --------------------------------------------------------
# Crimes are recorded over the last HISTORY_DAYS days, a little more of them in the summer and before
# Christmas (month -> relative volume; months not listed are 1).
HISTORY_DAYS = 365
CRIME_SEASON = {2: 0.92, 5: 1.04, 6: 1.08, 7: 1.12, 8: 1.1, 12: 1.05}
# The chance that an officer meets a duty on time (the rest late; see replay.EngineSeeder._when). The
# figures the compliance dashboards show come from these: a force improving steadily over the year
# (ON_TIME_START a year ago, ON_TIME_END now) with a dip in the summer (leave and more crime), better for
# recurring progress updates, worse for enhanced victims (shorter deadlines), one weak team, a little
# spread between BCUs and officers, and an equality gap that narrows over the year.
ON_TIME_START = 0.76
ON_TIME_END = 0.91
ON_TIME_SUMMER_DIP = {6: 0.03, 7: 0.09, 8: 0.14, 9: 0.06}  # month the duty fell due -> points lost
ON_TIME_RECURRING = 0.04
ON_TIME_ENHANCED = -0.06
ON_TIME_BCU = {"north": -0.02, "central": 0.03, "south": 0.0}
# (BCU code, team name) -> points; North CID is the weak team: fewer on time, and more left undone now.
ON_TIME_TEAM = {
    ("north", "Response"): 0.0,
    ("north", "CID"): -0.16,
    ("central", "Response"): 0.02,
    ("central", "CID"): 0.0,
    ("south", "Response"): 0.0,
    ("south", "CID"): -0.04,
}
WEAK_TEAM = ("north", "CID")
ON_TIME_OFFICER_SPREAD = 0.025  # each officer's own offset: normal with this spread, at most twice it
# Duties for victims of self-defined ethnic-minority groups (Asian, Black, mixed, other: A*, B*, M*, O*)
# met on time less often than for White British victims: this many points a year ago, narrowing to
# MINORITY_GAP_END now.
MINORITY_GAP_START = 0.14
MINORITY_GAP_END = 0.02
MINORITY_GROUPS = ("A", "B", "M", "O")


def on_time_chance(
    *,
    days_ago: float,
    month: int,
    team: tuple[str, str],
    ethnicity: str,
    recurring: bool = False,
    enhanced: bool = False,
    officer: float = 0.0,
) -> float:
    """The chance a duty that fell due `days_ago` days ago, in `month`, is met on time by `team` (BCU
    code, team name), for a victim of `ethnicity`; `officer` is the officer's own offset."""
    progress = 1 - min(max(days_ago / HISTORY_DAYS, 0.0), 1.0)  # 0 a year ago, 1 now
    chance = ON_TIME_START + (ON_TIME_END - ON_TIME_START) * progress - ON_TIME_SUMMER_DIP.get(month, 0.0)
    chance += ON_TIME_BCU.get(team[0], 0.0) + ON_TIME_TEAM.get(team, 0.0) + officer
    if recurring:
        chance += ON_TIME_RECURRING
    if enhanced:
        chance += ON_TIME_ENHANCED
    if ethnicity[:1] in MINORITY_GROUPS:
        chance -= MINORITY_GAP_START + (MINORITY_GAP_END - MINORITY_GAP_START) * progress
    return min(max(chance, 0.3), 0.99)


# A few event notifications waived by the supervisor, with the reason.
WAIVE_NOTIFICATION_SHARE = 0.015
WAIVE_NOTIFICATION_REASONS = [
    "The victim asked, through their independent advocate, that all contact goes through the advocate "
    "for now; the advocate was told.",
    "The victim is in hospital and too unwell to be contacted; their family was told instead.",
    "The victim has moved abroad and asked to hear only about a charge or the outcome.",
]

# Fixed logins (documented in the README): email -> (first, last, role, shoulder number, working pattern)
DEMO_OFFICER = f"officer@{DEMO_DOMAIN}"
DEMO_SUPERVISOR = f"supervisor@{DEMO_DOMAIN}"
DEMO_INSPECTOR = f"inspector@{DEMO_DOMAIN}"
DEMO_ADMIN = f"admin@{DEMO_DOMAIN}"
DEMO_ANALYST = f"analyst@{DEMO_DOMAIN}"
DEMO_PARTNER = f"partner@{DEMO_DOMAIN}"
DEMO_VOLUNTEER = f"volunteer@{DEMO_DOMAIN}"  # makes the demo officer's team's quality call-backs
DEMO_LOGINS = [
    DEMO_OFFICER,
    DEMO_SUPERVISOR,
    DEMO_INSPECTOR,
    DEMO_ADMIN,
    DEMO_ANALYST,
    DEMO_PARTNER,
    DEMO_VOLUNTEER,
]
# Administrators must use two-factor sign-in; the demo admin's authenticator key is public (README), so
# anyone trying the demo can add it to an app, or print the current code with
# `manage.py demo_two_factor_code`. Base32: OZUW G5DJ NVRW C4TF FVSG K3LP FUZG MYJB.
DEMO_ADMIN_TOTP_KEY = b"victimcare-demo-2fa!".hex()

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

# The same working patterns in Welsh, for victims who follow their case in Welsh.
WORKING_PATTERNS_CY = {
    "Mon–Fri, 08:00–16:00": ("Llun–Gwener, 08:00–16:00"),
    "Mon–Thu, 07:00–17:00; not Fridays": ("Llun–Iau, 07:00–17:00; nid ar ddydd Gwener"),
    "Shift rota: 2 earlies (07:00–17:00), 2 lates (14:00–00:00), 2 nights, 4 rest days": (
        "Rota shifftiau: 2 shifft gynnar (07:00–17:00), 2 shifft hwyr (14:00–00:00), 2 shifft nos, "
        "4 diwrnod gorffwys"
    ),
    "4 on, 4 off: 07:00–19:00 then 19:00–07:00": (
        "4 diwrnod yn y gwaith, 4 i ffwrdd: 07:00–19:00 ac yna 19:00–07:00"
    ),
    "Part time: Tue, Wed and Thu, 09:00–17:00": ("Rhan-amser: Mawrth, Mercher ac Iau, 09:00–17:00"),
    "Mon–Fri, 09:00–17:00; on call one weekend in four": (
        "Llun–Gwener, 09:00–17:00; ar alwad un penwythnos ym mhob pedwar"
    ),
    "Earlies and lates; not Mondays": ("Shifftiau cynnar a hwyr; nid ar ddydd Llun"),
    "Mon, Tue, Thu and Fri, 08:00–18:00; not Wednesdays": (
        "Llun, Mawrth, Iau a Gwener, 08:00–18:00; nid ar ddydd Mercher"
    ),
    "Mon–Fri, 09:00–17:00": ("Llun–Gwener, 09:00–17:00"),
}

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
    ("Young Victims' Service – Yorkvale", "children", [], False),
    ("Compensation Advice Line (demo)", "compensation", [], True),
]
# Per organisation: (consent basis, acknowledge within / first contact within (working days), attempts
# before "could not contact", victim groups, offence groups, services in words). General support is
# opt-out (referred unless the victim declines), as the Code allows; specialists need consent. The
# probation scheme is told of every qualifying sentence and asks the victim itself.
SUPPORT_ORG_TERMS = {
    "North Riding Victim and Witness Service": (
        "opt_out",
        2,
        5,
        3,
        ["all"],
        [],
        "Emotional and practical support, help through the justice process.",
    ),
    "Central Victim Care Hub": (
        "opt_out",
        2,
        5,
        3,
        ["all"],
        [],
        "Emotional and practical support, help through the justice process.",
    ),
    "South Vale Victim Support": (
        "opt_out",
        2,
        5,
        3,
        ["all"],
        [],
        "Emotional and practical support, help through the justice process.",
    ),
    "Safer Homes IDVA Service": (
        "explicit",
        1,
        2,
        4,
        ["domestic_abuse"],
        [],
        "Independent domestic violence advisers; safety planning.",
    ),
    "Harbour Rape Crisis and ISVA Service": (
        "explicit",
        1,
        3,
        3,
        ["sexual_violence"],
        ["sexual"],
        "Independent sexual violence advisers; counselling.",
    ),
    "National Homicide Family Support (demo)": (
        "explicit",
        1,
        2,
        5,
        ["bereaved"],
        ["violence"],
        "Caseworkers for families bereaved by murder or manslaughter.",
    ),
    "Roadside Bereavement Trust": (
        "explicit",
        2,
        3,
        4,
        ["bereaved", "road_crash"],
        ["vehicle", "violence"],
        "Support for families bereaved or injured in road crashes.",
    ),
    "Probation Victim Contact Scheme – Yorkvale": (
        "opt_out",
        5,
        20,
        3,
        ["probation_vcs"],
        ["violence", "sexual"],
        "Victim liaison officers: information about the offender's sentence and release.",
    ),
    "Common Ground Hate Crime Advocacy": (
        "explicit",
        2,
        5,
        3,
        ["hate_crime"],
        [],
        "Advocacy and support for victims of hate crime.",
    ),
    "Bridges Restorative Justice": (
        "explicit",
        5,
        10,
        3,
        ["restorative_justice"],
        [],
        "Restorative justice: meeting or writing to the offender.",
    ),
    "Young Victims' Service – Yorkvale": (
        "explicit",
        2,
        5,
        3,
        ["children"],
        [],
        "Support for victims under 18 and their families.",
    ),
    "Compensation Advice Line (demo)": (
        "explicit",
        5,
        10,
        3,
        ["compensation"],
        [],
        "Help claiming criminal injuries compensation.",
    ),
}
# Routing rules (name, trigger, conditions, organisations): general support by area; specialists by the crime
# and the victim; the probation scheme after a qualifying sentence. Restorative justice and compensation
# advice are offered by officers case by case, so no rule routes to them.
ROUTING_RULES = [
    (
        "General support: North BCU",
        "recorded",
        {"bcus": ["north"]},
        ["North Riding Victim and Witness Service"],
    ),
    ("General support: Central BCU", "recorded", {"bcus": ["central"]}, ["Central Victim Care Hub"]),
    ("General support: South BCU", "recorded", {"bcus": ["south"]}, ["South Vale Victim Support"]),
    # IDVAs work with victims of 16 and over; younger victims go to the children's service (below).
    (
        "Domestic abuse: IDVA (16 and over)",
        "recorded",
        {"flags": ["domestic_abuse"], "min_age": 16},
        ["Safer Homes IDVA Service"],
    ),
    ("Sexual offences: ISVA", "recorded", {"flags": ["sexual"]}, ["Harbour Rape Crisis and ISVA Service"]),
    (
        "Homicide: bereaved families",
        "recorded",
        {"flags": ["homicide"]},
        ["National Homicide Family Support (demo)"],
    ),
    ("Road deaths", "recorded", {"flags": ["road_death"]}, ["Roadside Bereavement Trust"]),
    ("Hate crime advocacy", "recorded", {"flags": ["hate_crime"]}, ["Common Ground Hate Crime Advocacy"]),
    ("Children and young people", "recorded", {"max_age": 17}, ["Young Victims' Service – Yorkvale"]),
    (
        "Victim Contact Scheme after a qualifying sentence",
        "qualifying_sentence",
        {},
        ["Probation Victim Contact Scheme – Yorkvale"],
    ),
]
# The demo partner's organisation, and its API key: public, like the demo passwords (demo data only), so
# the README's curl command works as written. Real keys are made in the workspace and shown once.
DEMO_PARTNER_ORG = "North Riding Victim and Witness Service"
DEMO_PARTNER_KEY = "vcp_demo0001_north-riding-demo-key-not-secret"

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


def ascii_only(s: str) -> str:
    return re.sub(
        r"[^a-z0-9]", "", unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    )


def ascii_keep_space(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()


def weighted_choice(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]
