"""The partner workspace (/partner/): a support service's own referrals, what it does with them, its API
keys and its webhook.

Who may use it: a signed-in user with the partner role who belongs to an active organisation
(PartnerMember). Staff get 403, anonymous people the sign-in page, and a partner user not linked to a
service a page that says so and shows nothing else. Every referral is read through
selectors.partner_referral_get, so another organisation's referral is a 404 exactly like a missing one.
Every page that shows a victim's details writes an access record, as staff pages do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.forms import apply_service_errors
from victimcare.accounts.constants import Role
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record
from victimcare.core.dates import display_datetime
from victimcare.core.forms import posted

from . import keys, selectors, services
from .constants import (
    ATTEMPT_STATES,
    AWAITING_ACK,
    AWAITING_CONTACT,
    OPEN_STATES,
    REPORTABLE_STATES,
    TRANSITIONS,
    Actor,
    State,
    WebhookStatus,
    WrongDetail,
)
from .models import PartnerKey, Referral, WebhookDelivery
from .partner_forms import (
    ContactAttemptForm,
    DetailsReportForm,
    KeyForm,
    MoveForm,
    RejectForm,
    WebhookForm,
)
from .serializers import enhanced_words, partner_history, safe_contact
from .templatetags.referral_staff import method_words

PAGE = 25
T = "referrals/partner/"
KEY_SESSION = "partner_new_key"
SECRET_SESSION = "partner_new_webhook_secret"


# --- who may come in -----------------------------------------------------------------------------------
def partner_required(view):
    """Partner users linked to a service only; the organisation is passed to the view."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.PARTNER:
            raise PermissionDenied
        org = selectors.organisation_of(request.user)
        if org is None:
            # Their landing page says so plainly (not an error); any other page refuses.
            landing = request.resolver_match is not None and request.resolver_match.url_name == "home"
            return render(request, T + "not_linked.html", {}, status=200 if landing else 403)
        return view(request, org, *args, **kwargs)

    return wrapper


def _referral_or_404(org, pk) -> Referral:
    ref = selectors.partner_referral_get(org, pk)
    if ref is None:
        raise Http404("No such referral.")
    return ref


# --- the list ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    label: str
    due: str
    overdue: bool


def _targets(ref: Referral, now: datetime) -> list[Target]:
    """The service's targets still to meet, each said in words with whether it has passed."""
    out = []
    if ref.state in AWAITING_ACK and ref.ack_due_at:
        out.append(Target("Acknowledge by", display_datetime(ref.ack_due_at), ref.ack_due_at < now))
    if ref.state in AWAITING_CONTACT and ref.contact_due_at:
        out.append(Target("First contact by", display_datetime(ref.contact_due_at), ref.contact_due_at < now))
    return out


TABS = [
    ("new", "New"),
    ("updated", "Updated"),
    ("stale", "Overdue"),
    ("all", "All"),
]
TAB_HINTS = {
    "new": "Referrals sent to you that you have not acknowledged yet.",
    "updated": "Open referrals whose victim's details the police have changed since they were sent.",
    "stale": "Referrals past a target: not acknowledged in time, or the victim not contacted in time.",
    "all": "Every referral sent to your service.",
}


def _tab_q(tab: str, now: datetime) -> Q:
    if tab == "new":
        return Q(state__in=AWAITING_ACK)
    if tab == "updated":
        return selectors.UPDATED_SINCE_SENT & Q(state__in=OPEN_STATES)
    if tab == "stale":
        return selectors.stale_q(now)
    return Q()


TAB_ORDER = {
    "new": ("sent_at", "id"),
    "updated": ("-details_updated_at", "-id"),
    "stale": ("sent_at", "id"),
    "all": ("-changed_at", "-id"),
}


@partner_required
def referral_list(request, org):
    now = timezone.now()
    tab = request.GET.get("show", "new")
    if tab not in dict(TABS):
        tab = "new"
    base = selectors.partner_referrals(org)
    # Every tab's count in one query; the current tab's is the paginator's, so it is not counted twice.
    counts = base.order_by().aggregate(**{key: Count("pk", filter=_tab_q(key, now)) for key, _ in TABS})
    qs = (
        base.filter(_tab_q(tab, now))
        .select_related("crime__offence", "crime_victim__person")
        .order_by(*TAB_ORDER[tab])
    )
    paginator = Paginator(qs, PAGE)
    paginator.count = counts[tab]
    page = paginator.get_page(request.GET.get("page"))
    rows = [(ref, _targets(ref, now), ref.details_updated) for ref in page.object_list]
    if rows:
        # The list names victims: a look at personal data, recorded per victim as staff worklists do.
        access_record(
            request=request,
            rows=[
                (AccessAction.PARTNER_REFERRALS_LISTED, ref.crime_id, ref.crime_victim.person_id)
                for ref, _, _ in rows
            ],
        )
    return render(
        request,
        T + "list.html",
        {
            "org": org,
            "nav": "partner_referrals",
            "tabs": [(key, label, counts[key]) for key, label in TABS],
            "tab": tab,
            "tab_label": dict(TABS)[tab],
            "tab_hint": TAB_HINTS[tab],
            "page": page,
            "rows": rows,
            "querystring": f"show={tab}",
        },
    )


# --- one referral --------------------------------------------------------------------------------------
MOVES = {
    # action: (button, page heading, success message)
    "acknowledge": ("Acknowledge", "Acknowledge the referral", "Referral acknowledged."),
    "accept": ("Accept", "Accept the referral", "Referral accepted."),
    "reject": ("Reject", "Reject the referral", "Referral rejected. The officer can see your reason."),
    "support_given": ("Support given", "Record that support was given", "Recorded: support given."),
    "support_declined": (
        "Victim declined support",
        "Record that the victim declined support",
        "Recorded: the victim declined support.",
    ),
    "close": ("Close", "Close the referral", "Referral closed."),
}


def offered_moves(state: str) -> list[str]:
    """The moves the service may make now, from the lifecycle itself (constants.TRANSITIONS)."""
    nexts = TRANSITIONS.get(state, {})
    return [a for a, to in services.PARTNER_MOVES.items() if Actor.PARTNER in nexts.get(to, ())]


def can_record_attempt(state: str) -> bool:
    return state in ATTEMPT_STATES


def can_report_details(state: str) -> bool:
    return state in REPORTABLE_STATES


@dataclass(frozen=True)
class Shared:
    """What the service is shown of the victim, drawn from the same rule as the API's
    (serializers.safe_contact, enhanced_words): only safe ways of contact, never internal notes."""

    name: str
    phones: list[str]
    calls_safe: bool
    voicemail_safe: bool
    texts_safe: bool
    email: str
    address: list[str]
    visits_safe: bool
    safe_labels: list[str]
    preferred_method: str
    preferred_times: str
    language: str
    interpreter: bool
    formats: list[str]
    practical_needs: str
    emotional_needs: str
    enhanced: list[str]


def _shared(ref: Referral) -> Shared:
    cv = ref.crime_victim
    cv.crime = ref.crime  # already loaded with its offence: the enhanced reasons read it
    p = cv.person
    na = getattr(cv, "needs_assessment", None)
    contact = safe_contact(p)
    address = contact["address"] or {}
    added = cv.added_eligibility.values_list("reason", flat=True)
    return Shared(
        name=f"{p.title} {p.full_name}".strip() if p.title else p.full_name,
        phones=[x for x in (contact["mobile_phone"], contact["other_phone"]) if x],
        calls_safe=p.safe_phone or p.safe_voicemail,
        voicemail_safe=p.safe_voicemail,
        texts_safe=p.safe_sms and bool(contact["mobile_phone"]),
        email=contact["email"],
        address=[x for x in address.values() if x],
        visits_safe=p.safe_visit,
        safe_labels=[c["label"] for c in contact["safe_channels"]],
        preferred_method=contact["preferred_method"]["label"] if contact["preferred_method"] else "",
        preferred_times=contact["preferred_times"],
        language=p.first_language,
        interpreter=p.interpreter_needed,
        formats=p.format_needs,
        practical_needs=na.practical_needs if na else "",
        emotional_needs=na.emotional_needs if na else "",
        enhanced=enhanced_words(cv, list(added)),
    )


ANYONE = {Actor.FORCE: "by the police", Actor.PARTNER: "by your service", Actor.SYSTEM: "automatically"}


def _who(user, label: str, actor: str) -> str:
    """Who did it, as the end of a sentence: "by Sam Jones (support service)", "by Case system (API key)",
    "automatically" (never "by Automatic"), or "by your service" when no person or key was recorded."""
    if user is not None:
        who = user.full_name or user.email
        return f"by {who} ({Actor(actor).label.lower()})" if actor in Actor.values else f"by {who}"
    if actor == Actor.SYSTEM:
        return ANYONE[Actor.SYSTEM]
    return f"by {label}" if label else ANYONE.get(actor, "")


def _history(ref: Referral) -> list[dict]:
    return [
        {
            "at": t.at,
            "state": State(t.to_state).label if t.to_state in State.values else t.to_state,
            "who": _who(t.by_user, t.by_label, t.actor),
            "note": t.note,
        }
        for t in partner_history(ref.transitions.select_related("by_user"))
    ]


def _reports(ref: Referral) -> list[dict]:
    labels = dict(WrongDetail.choices)
    return [
        {
            "at": r.reported_at,
            "fields": [str(labels.get(f, f)) for f in r.fields],
            "note": r.note,
            "who": _who(r.by_user, r.by_label, Actor.PARTNER),
            "resolved_at": r.resolved_at,
        }
        for r in ref.details_reports.select_related("by_user")
    ]


def _attempts(ref: Referral) -> list[dict]:
    return [
        {
            "at": a.at,
            "reached": a.reached,
            "method": method_words(a.method),
            "note": a.note,
            "who": _who(a.by_user, a.by_label, Actor.PARTNER),
        }
        for a in ref.attempts.select_related("by_user")
    ]


def _audit_read(request, ref: Referral) -> None:
    access_record(
        request=request,
        rows=[(AccessAction.PARTNER_REFERRAL_READ, ref.crime_id, ref.crime_victim.person_id)],
    )


def _caption(ref: Referral) -> str:
    return f"{ref.reference} – {ref.crime_victim.person.full_name}"


@partner_required
def referral_detail(request, org, pk):
    ref = _referral_or_404(org, pk)
    now = timezone.now()
    _audit_read(request, ref)
    return render(
        request,
        T + "detail.html",
        {
            "org": org,
            "nav": "partner_referrals",
            "ref": ref,
            "shared": _shared(ref),
            "officer": ref.crime.oic,
            "targets": _targets(ref, now),
            "history": _history(ref),
            "attempts": _attempts(ref),
            "reports": _reports(ref),
            "moves": [(a, MOVES[a][0]) for a in offered_moves(ref.state) if a != "reject"],
            "can_reject": "reject" in offered_moves(ref.state),
            "can_attempt": can_record_attempt(ref.state),
            "can_report": can_report_details(ref.state),
            "state_label": State(ref.state).label,
            # As the Updated tab: news only while the referral is open (not once closed or withdrawn).
            "updated": ref.details_updated and ref.state in OPEN_STATES,
        },
    )


def _back_to(ref: Referral) -> str:
    return reverse("partner:referral", kwargs={"pk": ref.pk})


@partner_required
@require_http_methods(["GET", "POST"])
def referral_move(request, org, pk, action):
    """Acknowledge, accept, reject (with a reason), support given or declined, close."""
    if action not in MOVES:
        raise Http404("No such action.")
    ref = _referral_or_404(org, pk)
    if request.method == "GET" and action not in offered_moves(ref.state):
        messages.error(request, "That cannot be done to this referral now.")
        return redirect(_back_to(ref))
    form_class = RejectForm if action == "reject" else MoveForm
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data.get("reason" if action == "reject" else "note", "")
        try:
            services.referral_partner_move(
                referral=ref, action=action, by=services.By.partner_user(request.user), note=note
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, MOVES[action][2])
            return redirect(_back_to(ref))
    _audit_read(request, ref)
    button, heading, _ = MOVES[action]
    return render(
        request,
        T + "move.html",
        {
            "org": org,
            "nav": "partner_referrals",
            "ref": ref,
            "caption": _caption(ref),
            "form": form,
            "heading": heading,
            "button": button,
            "action": action,
        },
    )


@partner_required
@require_http_methods(["GET", "POST"])
def attempt_new(request, org, pk):
    ref = _referral_or_404(org, pk)
    initial = {"at": timezone.localtime().replace(second=0, microsecond=0)}
    form = ContactAttemptForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            attempt = services.contact_attempt_record(
                referral=ref,
                by=services.By.partner_user(request.user),
                reached=cd["reached"] == "yes",
                at=cd["at"],
                method=cd["method"],
                note=cd["note"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            if cd["reached"] == "yes":
                done = "Contact recorded: you reached the victim."
            elif ref.state != State.UNABLE_TO_CONTACT and attempt.referral.state == State.UNABLE_TO_CONTACT:
                # The attempt that used up the service's tries moved the referral: say so.
                done = (
                    f"Attempt recorded: you did not reach the victim. That was attempt "
                    f"{attempt.referral.contact_attempts}, so the referral is now marked "
                    "“victim could not be contacted” and the officer can see it. "
                    "If you reach the victim later, record that attempt too."
                )
            else:
                done = "Attempt recorded: you did not reach the victim."
            messages.success(request, done)
            return redirect(_back_to(ref))
    _audit_read(request, ref)
    return render(
        request,
        T + "attempt.html",
        {
            "org": org,
            "nav": "partner_referrals",
            "ref": ref,
            "caption": _caption(ref),
            "form": form,
            "allowed": can_record_attempt(ref.state),
        },
    )


@partner_required
@require_http_methods(["GET", "POST"])
def details_report(request, org, pk):
    ref = _referral_or_404(org, pk)
    form = DetailsReportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.details_report(
                referral=ref,
                by=services.By.partner_user(request.user),
                fields=cd["fields"],
                note=cd["note"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(
                request,
                "Wrong details reported. The officer has been asked to correct them; "
                "you will see the corrected details here.",
            )
            return redirect(_back_to(ref))
    _audit_read(request, ref)
    chosen = set(form["fields"].value() or [])
    return render(
        request,
        T + "report.html",
        {
            "org": org,
            "nav": "partner_referrals",
            "ref": ref,
            "caption": _caption(ref),
            "form": form,
            "choices": [(v, label, v in chosen) for v, label in WrongDetail.choices],
            "allowed": can_report_details(ref.state),
        },
    )


# --- API keys --------------------------------------------------------------------------------------
@partner_required
@require_http_methods(["GET", "POST"])
def key_list(request, org):
    form = KeyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            row, raw = keys.key_create(organisation=org, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            # Kept in the session only until the next page shows it, once.
            request.session[KEY_SESSION] = {"id": row.pk, "key": raw}
            return redirect("partner:key_created")
    rows = PartnerKey.objects.filter(organisation=org).select_related("created_by", "revoked_by")
    return render(
        request,
        T + "keys.html",
        {"org": org, "nav": "partner_keys", "keys": rows, "form": form, "max_active": keys.MAX_ACTIVE},
    )


@partner_required
def key_created(request, org):
    shown = request.session.pop(KEY_SESSION, None)
    row = PartnerKey.objects.filter(organisation=org, pk=shown["id"]).first() if shown else None
    if row is None:
        messages.error(request, "A key is shown only once, when it is made. Make a new key if you lost it.")
        return redirect("partner:keys")
    site = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        T + "key_created.html",
        {"org": org, "nav": "partner_keys", "key": row, "raw": shown["key"], "site": site},
    )


@partner_required
@require_http_methods(["GET", "POST"])
def key_revoke(request, org, key_id):
    row = PartnerKey.objects.filter(organisation=org, pk=key_id).first()
    if row is None:
        raise Http404("No such key.")
    if request.method == "POST":
        if keys.key_revoke(key=row, by=request.user):
            messages.success(request, f"Key “{row.name}” revoked. It stops working at once.")
        else:
            messages.error(request, f"Key “{row.name}” was already revoked.")
        return redirect("partner:keys")
    return render(request, T + "key_revoke.html", {"org": org, "nav": "partner_keys", "key": row})


# --- webhook ------------------------------------------------------------------------------------------
EVENTS = {
    "referral.created": "New referral",
    "referral.updated": "Referral updated",
    "referral.acknowledgement_overdue": "Reminder: acknowledgement overdue",
    "referral.contact_overdue": "Reminder: first contact overdue",
}


def _delivery_row(d: WebhookDelivery) -> dict:
    if d.status == WebhookStatus.DELIVERED:
        result = "Your address accepted it"
    elif d.last_status_code:
        result = f"Your address answered with HTTP status {d.last_status_code}"
    elif d.last_error:
        result = d.last_error
    else:
        result = "Not tried yet"
    return {
        "at": d.created_at,
        "event": EVENTS.get(d.event, "Other message"),
        "reference": d.referral.reference if d.referral_id else "",
        "status": WebhookStatus(d.status).label if d.status in WebhookStatus.values else d.status,
        "failed": d.status == WebhookStatus.FAILED,
        "delivered": d.status == WebhookStatus.DELIVERED,
        "attempts": d.attempts,
        "result": result,
    }


@partner_required
@require_http_methods(["GET", "POST"])
def webhook(request, org):
    form = WebhookForm(posted(request), initial={"url": org.webhook_url})
    if request.method == "POST" and form.is_valid():
        url = form.cleaned_data["url"]
        secret = services.webhook_save(organisation=org, url=url, new_secret="new_secret" in request.POST)
        if secret:
            request.session[SECRET_SESSION] = secret
        messages.success(
            request, "Webhook address saved." if url else "Webhooks stopped. No more messages will be sent."
        )
        return redirect("partner:webhook")
    secret = request.session.pop(SECRET_SESSION, None)
    deliveries = [
        _delivery_row(d)
        for d in WebhookDelivery.objects.filter(organisation=org).select_related("referral")[:20]
    ]
    return render(
        request,
        T + "webhook.html",
        {"org": org, "nav": "partner_webhook", "form": form, "secret": secret, "deliveries": deliveries},
    )


__all__ = [
    "attempt_new",
    "details_report",
    "key_created",
    "key_list",
    "key_revoke",
    "referral_detail",
    "referral_list",
    "referral_move",
    "webhook",
]
