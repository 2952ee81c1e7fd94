"""The fault runs' data set and their counts (bench/faults.py explains both). Django must be set up first.

The data set is written with bulk_create in one transaction: duties and messages as the services would
leave them, with times relative to the run's start so that they come due while the faults happen. The
counts read the database and the file sinks the worker wrote: the email file backend (one
X-Victimcare-Reference header per email sent), the text files and the letters' print queue (one file per
send, named by message id)."""

import email
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from bench import _data
from cases.constants import CrimeStatus, VictimRole
from cases.models import Crime, CrimeVictim, Offence, Person
from contacts import scan
from contacts.constants import Duty, ObligationState
from contacts.models import Obligation, Rule
from messaging.constants import Channel, MessageKind, MessageStatus, Stage
from messaging.models import Message, StaffNotification
from messaging.outbox import message_queue
from victimcare.accounts.constants import Role
from victimcare.accounts.models import BCU, User

DELIVERY_FINAL = [MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.PERMANENT_FAILURE]
SINK_CHANNELS = {Channel.EMAIL, Channel.SMS, Channel.LETTER}
GROUPS = {"reminder": 150, "breach": 150, "escalation": 100}
BIG_SCAN = 2000
MESSAGES = {Channel.EMAIL: 100, Channel.SMS: 80, Channel.LETTER: 60, Channel.PORTAL: 40}
NO_ADDRESS = 6


@dataclass
class World:
    obligation_ids: list[int]
    big_ids: list[int]
    initial_message_ids: list[int]
    no_address_ids: list[int]
    victims: list[CrimeVictim]
    extra_ids: list[int] = field(default_factory=list)

    @property
    def obligations(self) -> list[int]:
        return self.obligation_ids

    def message_ids(self) -> list[int]:
        return self.initial_message_ids + self.extra_ids


def _spread(start: datetime, seconds: float, i: int, n: int) -> datetime:
    return start + timedelta(seconds=seconds * (i + 0.5) / n)


@transaction.atomic
def build(t0: datetime, window: float, *, big_scan: bool = False) -> World:
    """The organisation, one victim per crime, the duties coming due in [t0, t0 + window] and the
    messages (half due at t0, half spread over the window)."""
    officers = _data.staff_create(
        code="ft",
        name="Fault run",
        domain="fault-run.police.uk",
        bcus=1,
        teams_per_bcu=2,
        officers_per_team=3,
        supervisors_per_team=1,
    )
    bcu = BCU.objects.get(code="ft-01")
    inspector = User.objects.create(
        email="inspector@fault-run.police.uk", first_name="Fault", last_name="Inspector", role=Role.INSPECTOR
    )
    bcu.inspectors.add(inspector)
    offence = Offence.objects.filter(active=True, is_homicide=False).order_by("id").first()
    duties = sum(GROUPS.values()) + (BIG_SCAN if big_scan else 0)
    n_crimes = duties + NO_ADDRESS
    now = timezone.now()
    crimes = Crime.objects.bulk_create(
        [
            Crime(
                reference=f"FT/{i + 1:07d}/26",
                offence=offence,
                occurred_at=now - timedelta(days=10),
                reported_at=now - timedelta(days=10),
                recorded_at=now - timedelta(days=10),
                location="1 Fault Street, Faultford",
                bcu_id=officers[i % len(officers)].bcu_id,
                team_id=officers[i % len(officers)].team_id,
                oic_id=officers[i % len(officers)].id,
                created_by_id=officers[i % len(officers)].id,
                status=CrimeStatus.UNDER_INVESTIGATION,
            )
            for i in range(n_crimes)
        ],
        batch_size=1000,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                first_name="Fault",
                last_name=f"Victim {i + 1}",
                match_key=Person.make_match_key("Fault", f"Victim {i + 1}"),
                email=f"fault.victim{i + 1}@example.org",
                mobile_phone=f"07700 9{i % 100000:05d}",
                # The last few have no postal address: their letters must fail, visibly.
                address_line_1="" if i >= duties else f"{i + 1} Fault Street",
                postcode="" if i >= duties else "AN1 1AA",
                safe_email=True,
                safe_sms=True,
                safe_letter=True,
            )
            for i in range(n_crimes)
        ],
        batch_size=1000,
    )
    victims = CrimeVictim.objects.bulk_create(
        [
            CrimeVictim(crime=c, person=p, role=VictimRole.VICTIM, added_by_id=c.oic_id)
            for c, p in zip(crimes, people, strict=True)
        ],
        batch_size=1000,
    )
    rule = Rule.objects.exclude(code=Duty.PROGRESS_UPDATE).order_by("id").first()

    def duty(cv: CrimeVictim, remind: datetime, due: datetime, escalate: datetime) -> Obligation:
        return Obligation(
            crime_id=cv.crime_id,
            crime_victim=cv,
            team_id=cv.crime.team_id,
            bcu_id=cv.crime.bcu_id,
            rule=rule,
            code=rule.code,
            trigger=rule.triggers[0],
            triggered_at=now - timedelta(days=5),
            due_at=due,
            remind_at=remind,
            escalate_at=escalate,
            owner_id=cv.crime.oic_id,
            state=ObligationState.OPEN,
        )

    rows, k = [], 0
    n = GROUPS["reminder"]  # reminder time in the window, deadline days away
    for i in range(n):
        at = _spread(t0, window, i, n)
        rows.append(duty(victims[k], at, at + timedelta(days=3), at + timedelta(days=8)))
        k += 1
    n = GROUPS["breach"]  # reminded at once, deadline in the window
    for i in range(n):
        at = _spread(t0, window, i, n)
        rows.append(duty(victims[k], t0 - timedelta(days=1), at, at + timedelta(days=10)))
        k += 1
    n = GROUPS["escalation"]  # already overdue at the start, second escalation in the window
    for i in range(n):
        at = _spread(t0, window, i, n)
        rows.append(duty(victims[k], t0 - timedelta(days=3), t0 - timedelta(days=1), at))
        k += 1
    big = []
    if big_scan:  # all at once, half-way: one long chunk for the PostgreSQL restart to hit
        at = t0 + timedelta(seconds=window / 2)
        for _ in range(BIG_SCAN):
            big.append(duty(victims[k], at, at + timedelta(days=3), at + timedelta(days=8)))
            k += 1
    made = Obligation.objects.bulk_create(rows + big, batch_size=1000)
    obligation_ids = [o.pk for o in made]
    big_ids = obligation_ids[len(rows) :]

    messages = []
    total = sum(MESSAGES.values())
    order = [ch for ch, n in MESSAGES.items() for _ in range(n)]
    # Interleave the channels so that every batch holds letters (the slow ones: a PDF each).
    order = [order[(j * 3) % total] for j in range(total)]  # 3 and 280 are coprime: a permutation
    for j, channel in enumerate(order):
        cv = victims[j % duties]
        due = t0 if j % 2 == 0 else _spread(t0, window, j // 2, total // 2)
        messages.append(_message(cv, channel, due))
    for j in range(NO_ADDRESS):
        messages.append(_message(victims[duties + j], Channel.LETTER, t0))
    made = Message.objects.bulk_create(messages, batch_size=1000)
    ids = [m.pk for m in made]
    return World(
        obligation_ids=obligation_ids,
        big_ids=big_ids,
        initial_message_ids=ids,
        no_address_ids=ids[-NO_ADDRESS:],
        victims=victims[:duties],
    )


def _message(cv: CrimeVictim, channel: str, due: datetime) -> Message:
    person = cv.person
    alert = channel in (Channel.EMAIL, Channel.SMS)
    return Message(
        crime_id=cv.crime_id,
        crime_victim=cv,
        kind=MessageKind.ALERT if alert else MessageKind.AUTOMATIC,
        channel=channel,
        template_code="FAULT_RUN",
        template_version=1,
        to_address={Channel.EMAIL: person.email, Channel.SMS: person.mobile_phone}.get(channel, ""),
        subject="You have a new message" if channel != Channel.SMS else "",
        body="There is an update about your crime report. Sign in to read it: https://victimcare.example/portal/"
        if alert
        else "We have arrested a suspect. The officer in your case will tell you what happens next.",
        next_attempt_at=due,
        letter_format="standard" if channel == Channel.LETTER else "",
    )


def queue_like_a_request(world: World, i: int) -> None:
    """What a web request does: the outbox row and, on commit, the delivery task (call in a transaction).
    The id is kept before the commit, so a message is counted even when the caller then fails."""
    cv = world.victims[i % len(world.victims)]
    msg = message_queue(
        crime_victim=cv,
        channel=Channel.EMAIL,
        kind=MessageKind.ALERT,
        to_address=cv.person.email,
        subject="You have a new message",
        body="There is an update about your crime report. Sign in to read it: https://victimcare.example/portal/",
    )
    world.extra_ids.append(msg.pk)


# --- counting ---------------------------------------------------------------------------------------------
REFERENCE = re.compile(r"^X-Victimcare-Reference: (\d+)\s*$", re.M)
DIGEST_LINE = re.compile(r"^- (.+?): (.+?) on (\S+), due ", re.M)


def _emails(folder: Path) -> list[email.message.Message]:
    out = []
    for f in sorted((folder / "email").glob("*")):
        for part in f.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if part.strip():
                out.append(email.message_from_bytes(part))
    return out


def _body(msg: email.message.Message) -> str:
    payload = msg.get_payload(decode=True) or b""
    return payload.decode(msg.get_content_charset() or "utf-8", errors="replace")


def _by_reference(files: list[Path]) -> Counter:
    return Counter(f.stem.rsplit("-", 1)[-1] for f in files)


def count(world: World, folder: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    out.update(_count_duties(world))
    out.update(_count_digests(folder))
    out.update(_count_messages(world, folder))
    return out


def _count_duties(world: World) -> dict[str, int]:
    now = timezone.now()
    rows = list(
        Obligation.objects.filter(pk__in=world.obligation_ids).values_list(
            "id",
            "owner_id",
            "crime__team_id",
            "crime__bcu_id",
            "crime_id",
            "remind_at",
            "reminded_at",
            "due_at",
            "breached_at",
            "escalate_at",
            "escalated_at",
        )
    )
    told: dict[tuple[int, str], list[int]] = defaultdict(list)
    for ob, stage, user in StaffNotification.objects.filter(
        obligation_id__in=world.obligation_ids, message__isnull=True
    ).values_list("obligation_id", "stage", "recipient_id"):
        told[(ob, stage)].append(user)
    crime_of = {r[0]: r[4] for r in rows}
    expected_for = {stage: defaultdict(set) for stage in (Stage.REMINDER, Stage.BREACH, Stage.ESCALATION)}
    for stage, people in expected_for.items():
        # The one rule for who is told (contacts.scan.AUDIENCES), as the scan applies it.
        for ob, user in scan.allowed_recipients(scan._recipients(stage, [r[:4] for r in rows]), crime_of):
            people[ob].add(user)
    duplicates = missed = once = 0
    for ob, _o, _t, _b, _c, remind_at, reminded_at, due_at, breached_at, escalate_at, escalated_at in rows:
        ok = True
        for stage, threshold, mark in (
            (Stage.REMINDER, remind_at <= now, reminded_at),
            (Stage.BREACH, due_at < now, breached_at),
            (Stage.ESCALATION, breached_at is not None and escalate_at <= now, escalated_at),
        ):
            got = told.get((ob, stage), [])
            if mark is None:
                expected: set[int] = set()
                if threshold:
                    missed += 1  # the stage fell due and was never claimed
                    ok = False
            elif stage in scan.STILL_DUE_ONLY and due_at < mark:
                expected = set()  # claimed after the deadline: the breach notice says it all
            else:
                expected = expected_for[stage][ob]
            extra = len(got) - len(set(got)) + len(set(got) - expected)
            short = len(expected - set(got))
            duplicates += extra
            missed += short
            ok = ok and not extra and not short
        once += ok
    return {
        "duties_notified_once": once,
        "notifications": sum(map(len, told.values())),
        "duplicates": duplicates,
        "missed": missed,
    }


def _count_digests(folder: Path) -> dict[str, int]:
    lines: Counter = Counter()
    digests = 0
    for msg in _emails(folder):
        if not (msg["Subject"] or "").startswith("Victim care:"):
            continue
        digests += 1
        for stage, duty, ref in DIGEST_LINE.findall(_body(msg)):
            lines[(msg["To"], stage, duty, ref)] += 1
    return {
        "digest_emails": digests,
        "digest_lines": sum(lines.values()),
        "digest_duplicates": sum(n - 1 for n in lines.values() if n > 1),
        "undigested": StaffNotification.objects.filter(emailed_at__isnull=True).count(),
    }


def _count_messages(world: World, folder: Path) -> dict[str, int]:
    sends = {
        Channel.EMAIL: Counter(ref for msg in _emails(folder) for ref in REFERENCE.findall(msg.as_string())),
        Channel.SMS: _by_reference(list((folder / "sms").glob("*.txt"))),
        Channel.LETTER: _by_reference(list((folder / "letters").glob("*.pdf"))),
    }
    parts = len(list((folder / "letters").glob("*.part")))
    told = set(
        StaffNotification.objects.filter(
            message_id__in=world.message_ids(), stage=Stage.DELIVERY_FAILED
        ).values_list("message_id", flat=True)
    )
    c = Counter()
    for pk, channel, status, error in Message.objects.filter(pk__in=world.message_ids()).values_list(
        "pk", "channel", "status", "last_error"
    ):
        n = sends[channel][str(pk)] if channel in SINK_CHANNELS else None
        c["duplicate_sends"] += bool(n and n > 1)
        if status in (MessageStatus.SENT, MessageStatus.DELIVERED):
            if n is None or n == 1:
                c["delivered_once"] += 1
            elif n == 0:
                c["sent_without_send"] += 1
        elif status == MessageStatus.PERMANENT_FAILURE:
            if error and pk in told:
                c["failed_visibly"] += 1
            else:
                c["failed_invisibly"] += 1
            c["failed_after_send"] += bool(n)
            c["failed_unexpectedly"] += pk not in world.no_address_ids
        else:
            c["stuck"] += 1
    return {
        "messages": len(world.message_ids()),
        "delivered_once": c["delivered_once"],
        "failed_visibly": c["failed_visibly"],
        "expected_failures": len(world.no_address_ids),
        "failed_unexpectedly": c["failed_unexpectedly"],
        "failed_invisibly": c["failed_invisibly"],
        "duplicate_sends": c["duplicate_sends"],
        "sent_without_send": c["sent_without_send"],
        "failed_after_send": c["failed_after_send"],
        "stuck": c["stuck"],
        "letter_parts_left": parts,
    }
