"""Staff pages for cases. Every case-specific page fetches the crime through selectors.case_get, so a
case the user may not see is a 404; every page that shows a victim's details writes an access record."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from victimcare.accounts.constants import CASE_ROLES, Role
from victimcare.audit.models import AccessAction, AccessRecord
from victimcare.audit.services import access_record
from victimcare.core.forms import posted

from . import selectors, services, signals
from .eligibility import eligibility_input_for, enhanced_reasons
from .events import REGISTRY, recordable_now
from .forms import (
    AllocateForm,
    CaseSearchForm,
    CrimeForm,
    EventForm,
    NeedsAssessmentForm,
    PersonForm,
    SignInForm,
    VictimForm,
    VictimFormSet,
    apply_service_errors,
    event_details_form,
)
from .models import VictimChange

PAGE_SIZE = 25


def case_worker_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role not in CASE_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class SignInView(LoginView):
    """Staff sign-in: case workers go straight to their work, analysts and partners to their own page."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.request.user.is_authenticated and self.request.user.role in CASE_ROLES:
            return resolve_url("contacts:my_work")
        return resolve_url("home")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.role in CASE_ROLES:
        return redirect("contacts:my_work")
    if request.user.role == Role.PARTNER:
        return redirect("partner:home")  # the support service's own workspace
    if request.user.role == Role.ANALYST:
        return redirect("reporting:dashboard")  # the analyst's workspace
    if request.user.role == Role.VOLUNTEER:
        return redirect("surveys_staff:callbacks")  # a call-back volunteer's only work
    return render(request, "cases/no_cases.html", {})


def _case_list(request: HttpRequest, scope: str) -> HttpResponse:
    form = CaseSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.case_rows(
        user=request.user,
        scope=scope,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        flags=filters.get("flags", []),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    q = filters.get("q", "")
    if any(ch.isalpha() for ch in q) and not any(ch.isdigit() for ch in q):  # names have no digits
        # A search by name says which cases a named person is a victim on: recorded like a view, with the
        # words searched for (the record's path keeps the query).
        access_record(request=request, rows=[(AccessAction.VICTIM_SEARCHED, c.id, None) for c in page])
    query = request.GET.copy()
    query.pop("page", None)
    title = "My cases" if scope == "mine" else selectors.team_scope_label(request.user)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "nav": scope,
            "title": title,
            "querystring": query.urlencode(),
            "searched": bool(
                request.GET.get("q") or request.GET.get("status") or request.GET.getlist("flags")
            ),
        },
    )


@case_worker_required
def my_cases(request):
    return _case_list(request, "mine")


@case_worker_required
def team_cases(request):
    return _case_list(request, "team")


def _single_values(post, prefix: str) -> dict:
    return {
        k[len(prefix) :]: v
        for k, v in post.items()
        if k.startswith(prefix) and (prefix or not k.startswith("victims-")) and k != "csrfmiddlewaretoken"
    }


def _case_record_args(user, form, formset) -> dict:
    """case_record's arguments from the forms' answers (those that are valid; None where one is not)."""
    cd = getattr(form, "cleaned_data", {})
    victims = [
        services.VictimInput(
            role=f.cleaned_data.get("role", ""),
            relationship=f.cleaned_data.get("relationship", ""),
            person={k: f.cleaned_data[k] for k in services.PERSON_FIELDS if k in f.cleaned_data},
            offer_portal=f.cleaned_data.get("offer_portal", False),
        )
        for f in formset.forms
        if hasattr(f, "cleaned_data")
    ]
    return {
        "by": user,
        "reference": cd.get("reference", ""),
        "offence": cd.get("offence"),
        "occurred_at": cd.get("occurred_at"),
        "occurred_to": cd.get("occurred_to"),
        "reported_at": cd.get("reported_at"),
        "location": cd.get("location", ""),
        "summary": cd.get("summary", ""),
        "team": cd.get("team"),
        "oic": cd.get("oic"),
        "victims": victims,
        "is_domestic_abuse": cd.get("is_domestic_abuse", False),
        "is_hate_crime": cd.get("is_hate_crime", False),
        "is_sensitive": cd.get("is_sensitive", False),
        "is_restricted": cd.get("is_restricted", False),
    }


def _unreported(problems: dict[str, list[str]], prefixes: dict) -> dict[str, list[str]]:
    """The service's problems on fields the forms have not already reported (one message per field)."""
    out = {}
    for key, msgs in problems.items():
        target, field = prefixes[""], key
        for prefix, f in prefixes.items():
            if prefix and key.startswith(prefix):
                target, field = f, key[len(prefix) :]
                break
        if key == "victims" or field not in target.fields or not target.errors.get(field):
            out[key] = msgs
    return out


@case_worker_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    teams = selectors.teams_recordable_by(request.user).select_related("bcu")
    officers = selectors.officers_in(teams).select_related("team")
    data = posted(request)
    form = CrimeForm(
        data,
        teams=teams,
        officers=officers,
        initial={
            "team": request.user.team_id,
            "oic": request.user.pk if request.user.role == Role.OFFICER else None,
        },
    )
    formset = VictimFormSet(data, prefix="victims")
    if request.method == "POST" and "add_victim" in request.POST:
        # No-JavaScript "Add another victim": show what was typed (unvalidated) plus one blank victim.
        form = CrimeForm(teams=teams, officers=officers, initial=_single_values(request.POST, ""))
        typed = request.POST.get("victims-TOTAL_FORMS", "1")
        # ASCII digits only: str.isdigit() accepts "²", which int() refuses.
        total = min(max(int(typed) if typed.isascii() and typed.isdigit() else 1, 1), 19)
        initial = [_single_values(request.POST, f"victims-{i}-") for i in range(total)] + [{}]
        formset = VictimFormSet(prefix="victims", initial=initial)
        return render(request, "cases/case_new.html", {"form": form, "formset": formset, "nav": "new"})
    if request.method == "POST":
        valid = form.is_valid() & formset.is_valid()
        prefixes = {"": form, **{f"victims.{i}.": f for i, f in enumerate(formset.forms)}}
        args = _case_record_args(request.user, form, formset)
        if not valid:
            # Every problem at once: the service's checks too, on the answers that are valid so far (a
            # field that already has an error keeps just that one).
            problems = services.case_record_problems(**args)
            if formset.non_form_errors():
                problems.pop("victims", None)  # already said by the formset ("Add at least one victim.")
            apply_service_errors(ValidationError(_unreported(problems, prefixes)), prefixes)
        else:
            try:
                crime = services.case_record(**args)
            except ValidationError as e:
                apply_service_errors(e, prefixes)
            else:
                messages.success(request, f"Crime {crime.reference} recorded.")
                return redirect(crime.get_absolute_url())
    return render(request, "cases/case_new.html", {"form": form, "formset": formset, "nav": "new"})


def _victim_rows(user, crime, victims, extras=None):
    """One row per victim for the case page; `extras` are what the apps above add to each victim
    (cases.signals.case_page_victims), e.g. their duties and contact log."""
    repeat = selectors.repeat_victim_counts(user, [cv.person_id for cv in victims], crime.id)
    rows = []
    for cv in victims:
        cv.crime = crime  # avoid re-fetching for age and eligibility
        row = {
            "cv": cv,
            "person": cv.person,
            "na": getattr(cv, "needs_assessment", None),
            "enhanced": enhanced_reasons(eligibility_input_for(cv)),
            "added_reasons": [],
            "other_crimes": repeat.get(cv.person_id, 0),
            "age": cv.age_at_offence,
            # What the apps above add ({"template": ..., ...}): links beside "Log a contact" and the rest,
            # rows of the victim's details (before and after the needs assessment), and whole sections.
            "actions": [],
            "extra_rows": [],
            "after_rows": [],
            "sections": [],
        }
        for contribution in extras or []:
            for key, value in contribution.get(cv.id, {}).items():
                row[key] = row[key] + value if isinstance(row.get(key), list) else value
        rows.append(row)
    return rows


@login_required
def case_detail(request, ref: str):
    crime = selectors.case_get(user=request.user, ref=ref)
    victims = list(selectors.crime_victims_for_case(crime))
    events = list(crime.events.select_related("recorded_by", "officer").order_by("-occurred_at", "-id"))
    access_record(
        request=request,
        rows=[(AccessAction.CASE_VIEWED, crime.id, None)]
        + [(AccessAction.VICTIM_VIEWED, crime.id, cv.person_id) for cv in victims],
    )
    available = recordable_now(crime.status, {e.code for e in events})
    extras = signals.case_page_victims.collect(
        signals.CasePage(crime=crime, victims=victims, now=timezone.now())
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "crime": crime,
            "victims": _victim_rows(request.user, crime, victims, extras),
            "events": events,
            "available_events": available,
            "can_view_access_log": selectors.can_view_access_log(request.user, crime),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request, ref: str):
    crime = selectors.case_get(user=request.user, ref=ref)
    code = request.POST.get("code") or request.GET.get("code")
    et = REGISTRY.get(code or "")
    if et is None or not et.user_recordable:
        available = recordable_now(crime.status, set(crime.events.values_list("code", flat=True)))
        return render(request, "cases/event_choose.html", {"crime": crime, "available": available})
    data = posted(request)
    form = EventForm(data, initial={"code": et.code})
    details = event_details_form(et, data)
    if request.method == "POST" and form.is_valid() & details.is_valid():
        raw_details = {name: details.data.get(f"details-{name}", "") for name in details.fields}
        try:
            services.event_record(
                crime=crime,
                code=et.code,
                by=request.user,
                occurred_at=form.cleaned_data["occurred_at"],
                details=raw_details,
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form, "details.": details})
        else:
            messages.success(request, f"{et.label} recorded.")
            return redirect(crime.get_absolute_url())
    return render(
        request, "cases/event_new.html", {"crime": crime, "et": et, "form": form, "details": details}
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_allocate(request, ref: str):
    crime = selectors.case_get(user=request.user, ref=ref)
    officers = selectors.officers_assignable(crime=crime)
    form = AllocateForm(posted(request), officers=officers)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_allocate(
                crime=crime,
                officer=form.cleaned_data["officer"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, f"Case allocated to {form.cleaned_data['officer'].display_name}.")
            return redirect(crime.get_absolute_url())
    return render(request, "cases/allocate.html", {"crime": crime, "form": form})


@login_required
def victim_detail(request, ref: str, cv_id: int):
    crime, cv = selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    history = list(
        VictimChange.objects.filter(
            person=cv.person, crime__in=selectors.cases_visible_to(request.user)
        ).select_related("changed_by", "crime")[:100]
    )
    access_record(request=request, rows=[(AccessAction.VICTIM_HISTORY_VIEWED, crime.id, cv.person_id)])
    return render(
        request,
        "cases/victim_detail.html",
        {
            "crime": crime,
            "row": _victim_rows(request.user, crime, [cv])[0],
            "history": history,
            "labels": {f: PersonForm.base_fields[f].label for f in services.PERSON_FIELDS},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def victim_edit(request, ref: str, cv_id: int):
    crime, cv = selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    form = PersonForm(posted(request), instance=cv.person)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data.get(k) for k in services.PERSON_FIELDS}
        try:
            change = services.victim_update(person=cv.person, by=request.user, data=data, crime=crime)
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, "Victim details saved." if change else "Nothing was changed.")
            return redirect(crime.get_absolute_url())
    # Whenever the form shows the victim's details (first view, or again with errors), it is a view.
    access_record(request=request, rows=[(AccessAction.VICTIM_VIEWED, crime.id, cv.person_id)])
    return render(request, "cases/victim_edit.html", {"crime": crime, "cv": cv, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def victim_add(request, ref: str):
    crime = selectors.case_get(user=request.user, ref=ref)
    form = VictimForm(posted(request))
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.victim_add(
                crime=crime,
                by=request.user,
                victim=services.VictimInput(
                    role=cd["role"],
                    relationship=cd.get("relationship", ""),
                    person={k: cd.get(k) for k in services.PERSON_FIELDS},
                    offer_portal=cd.get("offer_portal", False),
                ),
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, "Victim added.")
            return redirect(crime.get_absolute_url())
    return render(request, "cases/victim_add.html", {"crime": crime, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def needs_assessment(request, ref: str, cv_id: int):
    crime, cv = selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    instance = getattr(cv, "needs_assessment", None) if hasattr(cv, "needs_assessment") else None
    form = NeedsAssessmentForm(posted(request), instance=instance)
    if request.method == "GET":
        access_record(request=request, rows=[(AccessAction.VICTIM_VIEWED, crime.id, cv.person_id)])
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_assessment_save(
                crime_victim=cv,
                by=request.user,
                data={k: form.cleaned_data.get(k) for k in services.NEEDS_FIELDS},
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, f"Needs assessment saved for {cv.person.full_name}.")
            return redirect(crime.get_absolute_url())
    return render(request, "cases/needs_assessment.html", {"crime": crime, "cv": cv, "form": form})


@login_required
def access_log(request, ref: str):
    crime = selectors.case_get(user=request.user, ref=ref)
    if not selectors.can_view_access_log(request.user, crime):
        raise Http404("No case found")
    records = AccessRecord.objects.filter(crime=crime).select_related("user", "person")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    access_record(request=request, rows=[(AccessAction.ACCESS_LOG_VIEWED, crime.id, None)])
    return render(request, "cases/access_log.html", {"crime": crime, "page": page})
