"""Officer and supervisor worklists, the contact log, contact plans, absences and cover, the inbox, and
the victim care card. Case-specific pages fetch the case through cases.selectors.case_get (404 when not
visible); pages that show a victim's details write an access record."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases import services as case_services
from cases.forms import apply_service_errors
from cases.views import case_worker_required
from contacts import officer_messages
from contacts.auto_messages import victim_for
from messaging.constants import MessageKind, MessageStatus, Stage
from messaging.models import Message, StaffNotification
from referrals.selectors import details_reports_for_duties, support_services_for
from victimcare.accounts.constants import Role
from victimcare.accounts.selectors import people_user_may_record_absence_for
from victimcare.accounts.services import absence_record
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record
from victimcare.core.dates import display_datetime
from victimcare.core.forms import posted

from . import hooks, selectors, services
from .forms import AbsenceForm, ContactForm, OfficerMessageForm, PlanForm, ReallocateForm, ReasonForm
from .models import Obligation
from .templatetags.duties import duty_action, duty_label

PAGE = 50


def _int_or_none(value: str | None) -> int | None:
    # str.isdigit() accepts characters such as "²" that int() refuses.
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _audit_victim(request, crime, cv) -> None:
    access_record(request=request, rows=[(AccessAction.VICTIM_VIEWED, crime.id, cv.person_id)])


def _worklist(request, qs, *, title, nav, extra=None):
    now, cal = timezone.now(), services.working_calendar()
    counts = selectors.rag_counts(qs.order_by(), now, cal)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_rag(page.object_list, now, cal)
    if page.object_list:
        # The list shows victims' names: that is a look at personal data, recorded like any other.
        access_record(
            request=request,
            rows=[
                (AccessAction.VICTIM_VIEWED, ob.crime_id, ob.crime_victim.person_id)
                for ob in page.object_list
            ],
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "contacts/worklist.html",
        {
            "title": title,
            "nav": nav,
            "page": page,
            "counts": counts,
            "querystring": query.urlencode(),
            **(extra or {}),
        },
    )


@case_worker_required
def my_work(request):
    panels = [p for p in hooks.work_page_panels.collect(request.user) if p is not None]
    return _worklist(
        request, selectors.my_work(request.user), title="My work", nav="work", extra={"panels": panels}
    )


@case_worker_required
def team_work(request):
    user = request.user
    officers = case_selectors.officers_in(case_selectors.teams_recordable_by(user))
    owner_id = _int_or_none(request.GET.get("officer"))
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.team_work(user, owner_id=owner_id, overdue_before=timezone.now() if overdue else None)
    title = "BCU work" if user.role == Role.INSPECTOR else "Team work"
    return _worklist(
        request,
        qs,
        title=title,
        nav="team_work",
        extra={
            "officers": officers,
            "officer_id": owner_id,
            "overdue": overdue,
            "team_view": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request, ref, cv_id):
    crime, cv = case_selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    meetable = selectors.meetable(cv)
    chosen = _int_or_none(request.GET.get("obligation"))
    initial = {
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
        "obligations": [chosen] if chosen else [o.pk for o in meetable],
    }
    form = ContactForm(posted(request), obligations=meetable, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            contact, met = services.contact_log(
                crime_victim=cv,
                by=request.user,
                method=cd["method"],
                outcome=cd["outcome"],
                summary=cd["summary"],
                occurred_at=cd["occurred_at"],
                obligation_ids=[o.pk for o in cd["obligations"]],
                about_closure=cd["about_closure"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            if contact.successful:
                messages.success(
                    request, f"Contact logged. {len(met)} dut{'y' if len(met) == 1 else 'ies'} met."
                )
            else:
                messages.success(request, "Attempt logged. It meets no duty: they stay open.")
            return redirect(crime.get_absolute_url() + f"#victim-{cv.id}")
    _audit_victim(request, crime, cv)
    return render(request, "contacts/contact_new.html", {"crime": crime, "cv": cv, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, ref, cv_id):
    crime, cv = case_selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    plan = getattr(cv, "contact_plan", None) if hasattr(cv, "contact_plan") else None
    person = cv.person
    if plan:
        methods = (plan.methods + ["", "", ""])[:3]
        initial = {
            "wants_updates": "yes" if plan.wants_updates else "no",
            "frequency": plan.frequency,
            "safe_times": plan.safe_times,
            "language": plan.language,
            "format": plan.format,
            "notes": plan.notes,
            "method_1": methods[0],
            "method_2": methods[1],
            "method_3": methods[2],
        }
    else:
        fmt = services.format_for_needs(person)
        initial = {
            "wants_updates": "yes",
            "frequency": "every_28_days",
            "language": person.first_language,
            "format": fmt,
            "safe_times": person.preferred_contact_times,
            "method_1": person.preferred_contact_method,
        }
    form = PlanForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            **{
                k: form.cleaned_data[k]
                for k in ("wants_updates", "frequency", "safe_times", "language", "format", "notes")
            },
            "methods": form.methods(),
        }
        try:
            services.plan_save(crime_victim=cv, by=request.user, data=data)
        except ValidationError as e:
            apply_service_errors(e, {"": form})
            if "methods" in e.message_dict:
                for m in e.message_dict["methods"]:
                    form.add_error("method_1", m)
        else:
            messages.success(request, f"Contact plan saved for {person.full_name}.")
            return redirect(crime.get_absolute_url() + f"#victim-{cv.id}")
    history = plan.changes.select_related("changed_by")[:50] if plan else []
    _audit_victim(request, crime, cv)
    return render(
        request,
        "contacts/plan.html",
        {"crime": crime, "cv": cv, "form": form, "plan": plan, "history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def obligation_waive(request, ref, obligation_id):
    crime = case_selectors.case_get(user=request.user, ref=ref)
    ob = get_object_or_404(
        Obligation.objects.select_related("rule", "crime_victim__person"), pk=obligation_id, crime=crime
    )
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.obligation_waive(obligation=ob, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, "Duty waived. The reason is recorded.")
            return redirect(crime.get_absolute_url() + f"#victim-{ob.crime_victim_id}")
    _audit_victim(request, crime, ob.crime_victim)
    return render(request, "contacts/waive.html", {"crime": crime, "ob": ob, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def eligibility_add(request, ref, cv_id):
    crime, cv = case_selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_add(crime_victim=cv, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, "Reason added. New duties for this victim use the enhanced limits.")
            return redirect(crime.get_absolute_url() + f"#victim-{cv.id}")
    _audit_victim(request, crime, cv)
    return render(request, "contacts/eligibility.html", {"crime": crime, "cv": cv, "form": form})


@login_required
def care_card(request, ref, cv_id):
    crime, cv = case_selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    _audit_victim(request, crime, cv)
    return render(
        request,
        "contacts/care_card.html",
        {
            "crime": crime,
            "cv": cv,
            "oic": crime.oic,
            "orgs": support_services_for(bcu_id=crime.bcu_id, crime=crime, crime_victim=cv)[:8],
            "next_steps": crime.next_steps,
        },
    )


@dataclass
class InboxItem:
    """One row of the inbox, in words: whose case, what happened, and the one action that deals with it."""

    n: StaffNotification
    crime: object
    cv: object
    what: str
    detail: str
    action_label: str
    action_url: str


def _inbox_item(n: StaffNotification, reported: dict[int, str] | None = None) -> InboxItem:
    ob, msg = n.obligation, n.message
    crime = ob.crime if ob is not None else msg.crime
    cv = ob.crime_victim if ob is not None else msg.crime_victim
    messages_url = reverse("contacts:messages", kwargs={"ref": crime.slug, "cv_id": cv.id})
    if n.stage == Stage.VICTIM_MESSAGE and msg is not None:
        what = f"{msg.get_topic_display() if msg.topic else 'Message'} from the victim"
        detail = truncatechars(msg.subject or msg.body, 160)
        return InboxItem(n, crime, cv, what, detail, "Reply", f"{messages_url}?reply_to={msg.pk}#write")
    if n.stage == Stage.DRAFT_READY and msg is not None:
        what = "A message needs your personal touch: a draft is ready"
        detail = f"For the duty: {duty_label(ob.code)}" if ob is not None else truncatechars(msg.body, 160)
        return InboxItem(
            n, crime, cv, what, detail, "Review and send the draft", f"{messages_url}?draft={msg.pk}#write"
        )
    if n.stage == Stage.DELIVERY_FAILED and msg is not None:
        what = f"A {msg.get_channel_display().lower()} to the victim could not be delivered"
        detail = msg.last_error or "The provider rejected it."
        return InboxItem(n, crime, cv, what, detail, "See the message", f"{messages_url}#message-{msg.pk}")
    action = duty_action(ob, crime.slug)
    due = display_datetime(ob.due_at)
    detail = f"{duty_label(ob.code)}, due {due}"
    if n.stage == Stage.DETAILS_REPORTED and (said := (reported or {}).get(ob.pk)):
        detail = f"{duty_label(ob.code)}, due {due}: {said}."
    return InboxItem(n, crime, cv, n.get_stage_display(), detail, action["label"], action["url"])


@case_worker_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    """The inbox as a work queue: each item names the victim, says what happened (and what the victim
    sent), and leads to the one action that deals with it. An item leaves "To do" when its work is done
    (the duty met, the draft sent, the question answered) or when the person marks it done."""
    if request.method == "POST":
        item = StaffNotification.objects.filter(
            recipient=request.user, pk=_int_or_none(request.POST.get("item"))
        ).first()
        action = request.POST.get("action")
        if item is None or action not in ("done", "undo"):
            messages.error(request, "That inbox item could not be found. It may have been cleared already.")
        else:
            item.done_at = timezone.now() if action == "done" else None
            item.save(update_fields=["done_at"])
            messages.success(request, "Moved to Done." if action == "done" else "Moved back to To do.")
        # Back to the view the person was on (To do or Done, the kind filter, the page).
        back = {k: request.POST.get(k, "") for k in ("show", "kind", "page")}
        back = {k: v for k, v in back.items() if v and (k != "show" or v == "done")}
        if back.get("kind") not in Stage.values:
            back.pop("kind", None)
        if not (back.get("page") or "").isdigit():
            back.pop("page", None)
        return redirect(reverse("contacts:inbox") + (f"?{urlencode(back)}" if back else ""))
    done = request.GET.get("show") == "done"
    stage = request.GET.get("kind", "")
    stage = stage if stage in Stage.values else ""
    by_stage = selectors.to_do_by_stage(request.user)
    # The Inbox badge (victimcare.context_processors) is the same count: read it here, not twice.
    request.inbox_to_do = sum(by_stage.values())
    kinds = [(s.value, s.label, by_stage[s.value]) for s in Stage if by_stage.get(s.value)]
    qs = selectors.inbox(request.user, done=done, stage=stage)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    # What a support service said is wrong, for the items about correcting details (one query).
    reported = details_reports_for_duties(
        [n.obligation_id for n in page.object_list if n.stage == Stage.DETAILS_REPORTED]
    )
    items = [_inbox_item(n, reported) for n in page.object_list]
    if items:
        # The list names victims and shows what they wrote: a look at personal data, recorded like any other.
        access_record(
            request=request, rows=[(AccessAction.VICTIM_VIEWED, i.crime.id, i.cv.person_id) for i in items]
        )
        StaffNotification.objects.filter(pk__in=[i.n.pk for i in items if i.n.read_at is None]).update(
            read_at=timezone.now()
        )
    return render(
        request,
        "contacts/inbox.html",
        {
            "page": page,
            "items": items,
            "done": done,
            "to_do": sum(by_stage.values()),
            "kinds": kinds,
            "kind": stage,
            "querystring": urlencode(
                {k: v for k, v in (("show", "done" if done else ""), ("kind", stage)) if v}
            ),
            "nav": "inbox",
        },
    )


@case_worker_required
@require_http_methods(["GET", "POST"])
def absences(request):
    people = people_user_may_record_absence_for(request.user)
    form = AbsenceForm(posted(request), people=people, initial={"user": request.user.pk})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            absence_record(
                user=cd["user"],
                by=request.user,
                kind=cd["kind"],
                starts_on=cd["starts_on"],
                ends_on=cd["ends_on"],
                note=cd["note"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, f"Absence recorded for {cd['user'].display_name}.")
            return redirect("contacts:absences")
    today = timezone.localdate()
    current = selectors.absences_visible_to(request.user).filter(ends_on__gte=today).order_by("starts_on")
    return render(
        request, "contacts/absences.html", {"form": form, "absences": current[:200], "nav": "absences"}
    )


@case_worker_required
@require_http_methods(["GET", "POST"])
def cover(request):
    """Supervisors: duties falling due while their officer is away, with one-click reallocation."""
    if request.user.role not in (Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN):
        raise PermissionDenied
    now = timezone.now()
    rows = selectors.cover_needed(request.user, now)
    crimes = {}
    for ob in rows:
        crimes.setdefault(
            ob.crime_id,
            {"crime": ob.crime, "owner": ob.owner, "away_until": ob.away_until, "obligations": []},
        )["obligations"].append(ob)
    officers = case_selectors.officers_in(case_selectors.teams_recordable_by(request.user))
    form = ReallocateForm(
        posted(request),
        officers=officers,
        crime_choices=[(str(k), v["crime"].reference) for k, v in crimes.items()],
    )
    if request.method == "POST" and form.is_valid():
        chosen = [crimes[int(c)]["crime"] for c in form.cleaned_data["crimes"]]
        try:
            case_services.cases_reallocate(
                crimes=chosen,
                officer=form.cleaned_data["officer"],
                by=request.user,
                note="Reallocated to cover an absence",
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(
                request,
                f"{len(chosen)} case{'s' if len(chosen) != 1 else ''} reallocated to "
                f"{form.cleaned_data['officer'].display_name}.",
            )
            return redirect("contacts:cover")
    return render(
        request,
        "contacts/cover.html",
        {"groups": list(crimes.values()), "form": form, "nav": "cover", "now": now},
    )


# --- messages to and from one victim --------------------------------------------------------------
STATUS_TAGS = {
    MessageStatus.DRAFT: "govuk-tag--grey",
    MessageStatus.QUEUED: "govuk-tag--light-blue",
    MessageStatus.SENDING: "govuk-tag--blue",
    MessageStatus.SENT: "govuk-tag--turquoise",
    MessageStatus.DELIVERED: "govuk-tag--green",
    MessageStatus.TEMPORARY_FAILURE: "govuk-tag--yellow",
    MessageStatus.PERMANENT_FAILURE: "govuk-tag--red",
}


def _victim_message(cv, raw: str | None, **filters) -> Message | None:
    """A message of this victim named in the query string, or 404 (another victim's is a 404 too)."""
    if not raw:
        return None
    pk = _int_or_none(raw)
    if pk is None:
        raise Http404("No such message")
    return get_object_or_404(
        Message.objects.select_related("created_by", "obligation"), pk=pk, crime_victim=cv, **filters
    )


@login_required
@require_http_methods(["GET", "POST"])
def victim_messages(request, ref, cv_id):
    """Every message to and from one victim, newest first, and the form to write to them: a new message,
    a reply (?reply_to=<id>) or a prepared draft (?draft=<id>). Preview shows exactly what the victim will
    see and how it will reach them; Send checks it all again."""
    crime, cv = case_selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    draft = _victim_message(cv, request.GET.get("draft"), kind=MessageKind.OFFICER)
    reply_to = _victim_message(cv, request.GET.get("reply_to"), kind=MessageKind.VICTIM)
    if draft is not None and reply_to is not None:
        raise Http404("A draft or a reply, not both")
    here = reverse("contacts:messages", kwargs={"ref": crime.slug, "cv_id": cv.id})
    draft_sent = draft is not None and draft.status != MessageStatus.DRAFT
    if draft_sent and request.method == "GET":
        draft = None
    victim = victim_for(cv)
    initial = {"subject": draft.subject, "body": draft.body} if draft is not None else {}
    form = OfficerMessageForm(posted(request), initial=initial)
    action = request.POST.get("action", "preview")
    outline = None
    if request.method == "POST" and form.is_valid():
        args = {
            "crime_victim": cv,
            "by": request.user,
            "body": form.cleaned_data["body"],
            "subject": form.cleaned_data["subject"],
            "in_reply_to": reply_to,
            "draft": draft,
        }
        try:
            if action == "send":
                sent = officer_messages.message_send(**args)
            elif action == "preview":
                outline = officer_messages.message_prepare(**args, victim=victim)
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            if action == "send":
                how = "by letter" if sent.channel == "letter" else "to their victim portal"
                messages.success(request, f"Message sent to {cv.person.full_name} {how}.")
                return redirect(here)
    route = victim.route(timezone.now(), is_update=False)
    qs = Message.objects.filter(crime_victim=cv).select_related("created_by", "obligation")
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for m in page.object_list:
        m.tag_class = STATUS_TAGS.get(m.status, "")
    _audit_victim(request, crime, cv)
    query = f"?draft={draft.pk}" if draft else (f"?reply_to={reply_to.pk}" if reply_to else "")
    return render(
        request,
        "contacts/messages.html",
        {
            "crime": crime,
            "cv": cv,
            "person": cv.person,
            "victim": victim,
            "route": route,
            "alert_channels": victim.alert_channels(route),
            "form": form,
            "outline": outline,
            "draft": draft,
            "draft_sent": draft_sent,
            "reply_to": reply_to,
            "page": page,
            "action_url": here + query,
        },
    )
