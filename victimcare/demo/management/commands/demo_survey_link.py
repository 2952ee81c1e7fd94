"""Print the survey link of a demo portal victim (demo victims only), for trying the survey as a victim:
`python manage.py demo_survey_link` (Daniel Carter, VC/90001/26) or `... demo_survey_link VC/90002/26`.

Our copy of a sent survey message has its link removed, and only the link's digest is kept, so the link
is read from where the victim would find it: the message while still queued, or once sent, the email
itself in the development mailbox (var/sent-email, Django's file email backend in `make run`). A demo
victim with no open invitation is invited now, if every eligibility rule holds for them (only the plan's
wait is not applied); one who has answered or has been invited this period is refused, as the daily run
would refuse them. Any other person is refused: this is not a way round the rules."""

import email
from email import policy
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import CrimeVictim
from messaging.constants import Channel, MessageKind, MessageStatus
from messaging.models import Message
from surveys import services
from surveys.constants import InvitationState
from surveys.models import Invitation
from victimcare.demo.portal_victims import DEMO_VICTIMS
from victimcare.demo.surveys import LINK, LIVE_VICTIM, demo_invite, live_link, why_not_invited

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between the messages of one file (Django's file backend)


def emailed_link(message: Message) -> str | None:
    """The link in the email as the file backend wrote it, found by our reference header."""
    if settings.EMAIL_BACKEND != FILE_BACKEND or message.channel != Channel.EMAIL:
        return None
    folder = Path(settings.EMAIL_FILE_PATH)
    for path in sorted(folder.glob("*.log"), reverse=True) if folder.is_dir() else ():
        for chunk in path.read_bytes().split(SEPARATOR):
            mail = email.message_from_bytes(chunk, policy=policy.default)
            if mail.get("X-Victimcare-Reference") == str(message.pk):
                match = LINK.search(mail.get_content() if not mail.is_multipart() else "")
                return services.survey_url(match.group(1)) if match else None
    return None


class Command(BaseCommand):
    help = "Print a demo portal victim's survey link (inviting them now if they may be invited)."

    def add_arguments(self, parser):
        parser.add_argument("reference", nargs="?", default=LIVE_VICTIM, help="The demo victim's crime.")

    def handle(self, *args, reference: str, **options):
        references = [d.reference for d in DEMO_VICTIMS]
        if reference.upper() not in references:
            raise CommandError(
                "Only the demo portal victims have a link this command may print: " + ", ".join(references)
            )
        cv = (
            CrimeVictim.objects.select_related("crime", "person")
            .filter(crime__reference=reference.upper())
            .first()
        )
        if cv is None:
            raise CommandError(f"{reference} is not in this database: run `manage.py seed_demo` first.")
        now = timezone.now()
        name = cv.person.formal_name
        open_invitation = Invitation.objects.filter(
            crime_victim=cv, state=InvitationState.SENT, expires_at__gt=now
        ).first()
        if open_invitation is None:
            if demo_invite(cv, now=now) is None:
                raise CommandError(f"{name} may not be invited now: " + " ".join(why_not_invited(cv, now)))
            self.stderr.write(f"Invited {name} now; the worker emails the invitation too.")
        url = live_link(cv)
        if url is None:
            sent = (
                Message.objects.filter(crime_victim=cv, kind=MessageKind.SURVEY)
                .exclude(status=MessageStatus.QUEUED)
                .order_by("-pk")
                .first()
            )
            url = emailed_link(sent) if sent else None
            if url is None:
                where = f"{sent.get_channel_display().lower()} to {sent.to_address}" if sent else "nowhere"
                raise CommandError(f"The survey link went by {where}; open it there.")
        self.stdout.write(url)
        self.stderr.write(f"({name}'s survey, {cv.crime.reference}: the link works once)")
