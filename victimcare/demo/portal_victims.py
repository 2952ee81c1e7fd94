"""Two demo victims with portal accounts, recorded through the real services (so their duties, automatic
messages and timelines are what the system would produce). Listed in the README."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password

from cases import services
from cases.models import Crime, CrimeVictim, Offence, PropertyItem
from contacts.officer_messages import message_send
from messaging.constants import Channel, MessageStatus
from messaging.models import Message
from messaging.outbox import message_deliver
from portal.models import AccountStatus, PortalAccount, PortalToken
from victimcare.accounts.models import User

DEMO_VICTIM_PASSWORD = "track-my-crime-2026"


@dataclass(frozen=True)
class DemoVictim:
    reference: str
    title: str
    first_name: str
    last_name: str
    date_of_birth: date
    email: str
    language: str
    offence: str
    events: tuple[tuple[str, int, dict], ...]  # (code, days after recording, details)
    property: tuple[tuple[str, str, str], ...]  # (description, status, value)


DEMO_VICTIMS = (
    DemoVictim(
        reference="VC/90001/26",
        title="Mr",
        first_name="Daniel",
        last_name="Carter",
        date_of_birth=date(1979, 11, 2),
        email="daniel.carter@example.com",
        language="en",
        offence="28E",  # burglary in a dwelling (falls back to any active offence)
        events=(
            ("ARREST", 3, {}),
            ("INTERVIEW", 3, {}),
            ("BAIL", 4, {"conditions": "Not to contact you or go to your street"}),
        ),
        property=(("Laptop computer (silver)", "stolen", "650.00"), ("Back door", "damaged", "")),
    ),
    DemoVictim(
        reference="VC/90002/26",
        title="Mrs",
        first_name="Eleri",
        last_name="Morgan",
        date_of_birth=date(1984, 3, 14),
        email="eleri.morgan@example.com",
        language="cy",
        offence="8N",
        events=(
            ("ARREST", 4, {}),
            ("INTERVIEW", 4, {}),
            ("RELEASED_NFA", 6, {"reason": "Not enough evidence to charge"}),
        ),
        property=(("Mobile phone", "stolen", "300.00"),),
    ),
)


def portal_demo_missing() -> bool:
    references = [d.reference for d in DEMO_VICTIMS]
    return Crime.objects.filter(reference__in=references).count() != len(references)


def seed_portal_demo(officer: User, now: datetime) -> int:
    """Idempotent: returns how many demo victims it created."""
    made = 0
    for d in DEMO_VICTIMS:
        if Crime.objects.filter(reference=d.reference).exists():
            continue
        offence = (
            Offence.objects.filter(code=d.offence, active=True).first()
            or Offence.objects.filter(active=True).first()
        )
        recorded = now - timedelta(days=10)
        crime = services.case_record(
            by=officer,
            reference=d.reference,
            offence=offence,
            occurred_at=recorded - timedelta(days=1),
            reported_at=recorded - timedelta(hours=2),
            location="High Street",
            team=officer.team,
            oic=officer,
            victims=[
                services.VictimInput(
                    person={
                        "title": d.title,
                        "first_name": d.first_name,
                        "last_name": d.last_name,
                        "date_of_birth": d.date_of_birth,
                        "email": d.email,
                        "safe_email": True,
                        "first_language": "Welsh" if d.language == "cy" else "English",
                    },
                    offer_portal=True,  # so the acknowledgement goes to the portal
                )
            ],
            now=recorded,
        )
        cv = CrimeVictim.objects.select_related("person").get(crime=crime)
        PortalAccount.objects.update_or_create(
            person=cv.person,
            defaults={
                "status": AccountStatus.ACTIVE,
                "password": make_password(DEMO_VICTIM_PASSWORD),
                "language": d.language,
                "activated_at": recorded,
                "invited_by": officer,
            },
        )
        # As if they had activated: the emailed link is spent.
        PortalToken.objects.filter(account__person=cv.person, used_at=None).update(used_at=recorded)
        for code, days, details in d.events:
            at = recorded + timedelta(days=days)
            services.event_record(crime=crime, code=code, by=officer, occurred_at=at, details=details, now=at)
        for description, status, value in d.property:
            PropertyItem.objects.create(
                crime=crime,
                crime_victim=cv,
                description=description,
                status=status,
                value_pounds=value or None,
                recorded_by=officer,
            )
        # The officer reviews and sends the drafts prepared for decisions that need a personal touch (here
        # the decision of no further action), so the victim has been told and can ask for a review.
        for draft in Message.objects.filter(crime=crime, status=MessageStatus.DRAFT):
            message_send(crime_victim=cv, by=officer, body=draft.body, subject=draft.subject, draft=draft)
        # Portal messages are delivered the moment a worker picks them up; do it now so the demo timeline
        # is there even before the worker starts. (Email alerts stay queued for the worker.)
        for pk in Message.objects.filter(
            crime=crime, channel=Channel.PORTAL, status=MessageStatus.QUEUED
        ).values_list("pk", flat=True):
            message_deliver(message_id=pk)
        made += 1
    return made
