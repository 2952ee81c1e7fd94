"""The demo organisation (BCUs, teams, staff, support organisations) and ~4,000 crimes recorded over
the last year, with their victims, needs assessments and case histories."""

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from cases.constants import ClosureReason, Consent, ContactMethod, CrimeStatus, Gender, VictimRole
from cases.events import REGISTRY, status_after
from cases.models import CaseEvent, Crime, CrimeVictim, NeedsAssessment, Offence, Person
from referrals.models import SupportOrganisation
from victimcare.accounts.constants import Role
from victimcare.accounts.models import BCU, Team, User

from .data import (
    BAIL_CONDITIONS,
    BATCH,
    BCU_SPECS,
    BUILDINGS,
    CHILD_ONLY,
    CHILD_SOMETIMES,
    CONTACT_TIMES,
    CRIME_SEASON,
    DA_CONTACT_TIMES,
    DA_RATE,
    DA_RATE_DEFAULT,
    DEMO_ADMIN,
    DEMO_ADMIN_TOTP_KEY,
    DEMO_ANALYST,
    DEMO_DOMAIN,
    DEMO_INSPECTOR,
    DEMO_LOGINS,
    DEMO_OFFICER,
    DEMO_OFFICER_SHARE,
    DEMO_PARTNER,
    DEMO_PASSWORD,
    DEMO_SUPERVISOR,
    DEMO_VOLUNTEER,
    DISABILITIES,
    EMOTIONAL_NEEDS,
    ETHNICITY_WEIGHTS,
    FOREIGN_LOCALES,
    HATE_MOTIVES,
    HISTORY_DAYS,
    INWARD_LETTERS,
    LANGUAGES,
    NAME_POOLS,
    NFA_REASONS,
    NOT_INVESTIGATED_REASONS,
    NOT_PROSECUTED_REASONS,
    OFFENCE_WEIGHTS,
    POSTCODE_UNIT_LETTERS,
    PRACTICAL_NEEDS,
    PUBS,
    REFERENCE_PREFIX,
    REPEAT_VICTIM_SHARE,
    SEED,
    SENTENCES,
    SPECIAL_MEASURES_NOTES,
    STREET_NAMES,
    STREET_STEMS,
    STREET_SUFFIXES,
    SUMMARIES,
    SUPPORT_ORGS,
    TEAM_SPECS,
    TWO_VICTIM_GROUPS,
    WORKING_PATTERNS,
    WORKING_PATTERNS_CY,
    ascii_keep_space,
    ascii_only,
    on_time_chance,
    weighted_choice,
)


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
                "working_pattern_cy": WORKING_PATTERNS_CY.get(pattern, ""),
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
            email = f"{ascii_only(first)}.{ascii_only(last)}@{DEMO_DOMAIN}"
            n = 2
            while email in used_emails:
                email = f"{ascii_only(first)}.{ascii_only(last)}{n}@{DEMO_DOMAIN}"
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
        volunteer = get_or_create_user(
            DEMO_VOLUNTEER, "Val", "Okonjo", Role.VOLUNTEER, pattern="Tue and Thu, 10:00–14:00"
        )
        admin = get_or_create_user(DEMO_ADMIN, "Morgan", "Reid", Role.ADMIN, is_staff=True, is_superuser=True)
        TOTPDevice.objects.get_or_create(
            user=admin, name="Authenticator app", defaults={"key": DEMO_ADMIN_TOTP_KEY, "confirmed": True}
        )

        # Read the structure back from the database so a partly hand-edited demo still works.
        infos = []
        for team, kind in teams:
            officers = list(team.members.filter(role=Role.OFFICER, is_active=True).order_by("id"))
            supervisors = list(team.supervisors.filter(is_active=True).order_by("id"))
            infos.append(TeamInfo(team, kind, officers, supervisors))
        demo_officer = User.objects.get(email=DEMO_OFFICER)
        if demo_officer.team_id:
            demo_officer.team.callback_volunteers.add(volunteer)
        return Org(bcus, towns, infos, demo_officer)

    def seed_support_organisations(self) -> None:
        bcus = {b.code: b for b in BCU.objects.all()}
        for i, (name, kind, bcu_codes, national) in enumerate(SUPPORT_ORGS):
            slug = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", ascii_keep_space(name))).strip("-")
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
        # (exists checks, select_for_update, one INSERT per event), too slow for ~4,000 crimes, ~4,000
        # people and ~19,000 events on SQLite. Instead the data is generated to satisfy the same rules:
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
        bcu_code = {b.id: b.code for b in org.bcus}
        self.team_key = {t.team.id: (bcu_code.get(t.team.bcu_id, ""), t.team.name) for t in org.teams}
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
        recorded_at = self._recorded_at()
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

    def _recorded_at(self) -> datetime:
        """A time in the last HISTORY_DAYS days (at least 3 hours ago), more often in the busier months."""
        rng, top = self.rng, max(CRIME_SEASON.values())
        while True:
            at = self.now - timedelta(seconds=rng.randint(3 * 3600, HISTORY_DAYS * 86400))
            if rng.random() * top < CRIME_SEASON.get(timezone.localtime(at).month, 1):
                return at

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
        elif age < 120:
            weights = {
                S.RECORDED: 1,
                S.ALLOCATED: 12,
                S.UNDER_INVESTIGATION: 20,
                S.SUSPECT_CHARGED: 5,
                S.COURT: 10,
                S.CLOSED: 52,
            }
        elif age < 240:  # most crimes have an outcome within a few months; court cases take longer
            weights = {
                S.RECORDED: 0.5,
                S.ALLOCATED: 5,
                S.UNDER_INVESTIGATION: 12,
                S.SUSPECT_CHARGED: 3,
                S.COURT: 10,
                S.CLOSED: 70,
            }
        else:
            weights = {
                S.RECORDED: 0.2,
                S.ALLOCATED: 2,
                S.UNDER_INVESTIGATION: 7,
                S.SUSPECT_CHARGED: 1,
                S.COURT: 8,
                S.CLOSED: 82,
            }
        status = weighted_choice(rng, weights)
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
        return status, weighted_choice(rng, reasons)

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
            loc = weighted_choice(
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
        ethnicity = weighted_choice(rng, ETHNICITY_WEIGHTS)
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
            title = (
                "" if not adult else weighted_choice(rng, {"Ms": 40, "Mrs": 35, "Miss": 20, "Dr": 2, "": 3})
            )
        elif gender == Gender.MALE:
            title = "" if not adult else weighted_choice(rng, {"Mr": 95, "Dr": 2, "": 3})
        else:
            title = "" if not adult else weighted_choice(rng, {"Mx": 60, "": 40})

        # Language, disability and format needs
        language = "English"
        if locale_language and rng.random() < 0.6:
            language = locale_language
        elif ethnicity in LANGUAGES:
            options = dict(LANGUAGES[ethnicity])
            options["English"] = 100 - sum(options.values())
            language = weighted_choice(rng, options)
        disability = weighted_choice(rng, {"yes": 14, "no": 73, "not_said": 5, "": 8})
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
            email = f"{ascii_only(first)}{sep}{ascii_only(last)}{suffix}@{domain}"
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
        method = weighted_choice(rng, usable) if adult and any(usable.values()) else ""
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
        # Due within a working day: mostly done the same day, as often as the team meets its duties on time
        # (data.on_time_chance); otherwise within five days.
        quick = rng.random() < on_time_chance(
            days_ago=plan.age_days,
            month=timezone.localtime(crime.recorded_at).month,
            team=self.team_key.get(crime.team_id, ("", "")),
            ethnicity=person.ethnicity,
        )
        span = min(5 * 86400, max(60, (self.now - crime.recorded_at).total_seconds() - 60))
        lo = 30 * 60 if span > 3600 else 30
        completed_at = crime.recorded_at + timedelta(
            seconds=rng.uniform(lo, max(lo, min(span, 20 * 3600))) if quick else rng.uniform(lo, span)
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
