"""Email digests: one email per person per run, listing every notification not yet emailed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from messaging.constants import Stage
from messaging.models import StaffNotification
from victimcare.accounts.models import User


def digest_send(*, recipient_id: int, now=None) -> int:
    """Claim this person's un-emailed notifications and send them as one email, in one transaction: if
    sending fails nothing is marked and the next run tries again. Returns how many were included."""
    now = now or timezone.now()
    with transaction.atomic():
        qs = StaffNotification.objects.filter(recipient_id=recipient_id, emailed_at__isnull=True)
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        items = list(qs.select_related("obligation", "obligation__crime").order_by("obligation__due_at"))
        if not items:
            return 0
        user = User.objects.get(pk=recipient_id)
        marked = StaffNotification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        if not user.is_active:
            return 0  # a leaver gets nothing; the items are marked so they do not pile up
        # Only cases the person may still see (restricted cases, a team they have left).
        from .selectors import notifications_visible

        visible = set(
            notifications_visible(
                user, StaffNotification.objects.filter(pk__in=[n.pk for n in items])
            ).values_list("pk", flat=True)
        )
        items = most_serious_per_duty([n for n in items if n.pk in visible])
        if not items:
            return 0
        context = {"user": user, "items": items, "base_url": settings.SITE_URL}
        send_mail(
            subject=f"Victim care: {len(items)} dut{'ies' if len(items) != 1 else 'y'} need your attention",
            message=render_to_string("contacts/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.reply_email],
        )
        return marked


SEVERITY = {Stage.REMINDER: 0, Stage.ABSENCE: 1, Stage.BREACH: 2, Stage.ESCALATION: 3}


def most_serious_per_duty(items: list[StaffNotification]) -> list[StaffNotification]:
    """One line per duty: a catch-up run can find a duty both 'due soon' and overdue; say the worse."""
    best: dict[str, StaffNotification] = {}
    for n in items:
        key = f"m{n.message_id}" if n.message_id else f"o{n.obligation_id}"
        kept = best.get(key)
        if kept is None or SEVERITY.get(n.stage, 0) > SEVERITY.get(kept.stage, 0):
            best[key] = n
    return sorted(best.values(), key=lambda n: n.obligation.due_at if n.obligation_id else n.created_at)


def digest_recipients() -> list[int]:
    # order_by() replaces the model's default ordering (-created_at, -id): with it in the SELECT, DISTINCT
    # would return one row per notification instead of one per person.
    return list(
        StaffNotification.objects.filter(emailed_at__isnull=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def digest_run(now=None) -> dict[int, int]:
    return {rid: digest_send(recipient_id=rid, now=now) for rid in digest_recipients()}
