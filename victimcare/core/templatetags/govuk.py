"""Render Django form fields as GOV.UK Frontend components (label, hint, error message, input)."""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _describedby(bf, *ids):
    ids = [i for i in ids if i]
    return " ".join(ids)


@register.simple_tag
def govuk_field(bf, label_class: str = "govuk-label--s", width: str = ""):
    if bf is None:
        return ""
    widget = bf.field.widget
    field_id = bf.id_for_label or bf.auto_id
    hint_id = f"{field_id}-hint" if bf.help_text else ""
    error_id = f"{field_id}-error" if bf.errors else ""
    hint = (
        format_html('<div id="{}" class="govuk-hint">{}</div>', hint_id, bf.help_text) if bf.help_text else ""
    )
    errors = (
        format_html(
            '<p id="{}" class="govuk-error-message"><span class="govuk-visually-hidden">{}</span> {}</p>',
            error_id,
            _("Error:"),
            " ".join(str(e) for e in bf.errors),
        )
        if bf.errors
        else ""
    )
    group_cls = "govuk-form-group" + (" govuk-form-group--error" if bf.errors else "")
    described = _describedby(bf, hint_id, error_id)
    label_text = bf.label
    # `service_required`: the form lets it through empty so the service can say, in the person's language,
    # what is missing; it is still required, so it is not labelled optional.
    required = bf.field.required or getattr(bf.field, "service_required", False)
    optional = "" if required or isinstance(widget, forms.CheckboxInput) else " " + _("(optional)")

    if isinstance(widget, forms.CheckboxInput):
        attrs = {"class": "govuk-checkboxes__input"}
        if described:
            attrs["aria-describedby"] = described
        input_html = bf.as_widget(attrs=attrs)
        item_hint = (
            format_html(
                '<div id="{}" class="govuk-hint govuk-checkboxes__hint">{}</div>', hint_id, bf.help_text
            )
            if bf.help_text
            else ""
        )
        return format_html(
            '<div class="{}">{}<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            '<div class="govuk-checkboxes__item">{}<label class="govuk-label govuk-checkboxes__label" for="{}">{}</label>{}</div>'
            "</div></div>",
            group_cls,
            errors,
            input_html,
            field_id,
            label_text,
            item_hint,
        )

    if isinstance(widget, forms.RadioSelect):
        items = []
        for i, (value, text) in enumerate(c for c in bf.field.choices if c[0] != ""):
            item_id = f"{field_id}" if i == 0 else f"{field_id}-{i}"
            checked = " checked" if str(bf.value()) == str(value) else ""
            items.append(
                format_html(
                    '<div class="govuk-radios__item"><input class="govuk-radios__input" id="{}" name="{}" type="radio" value="{}"{}>'
                    '<label class="govuk-label govuk-radios__label" for="{}">{}</label></div>',
                    item_id,
                    bf.html_name,
                    value,
                    mark_safe(checked),  # noqa: S308 (a constant attribute)
                    item_id,
                    text,
                )
            )
        return format_html(
            '<div class="{}"><fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}{}</legend>'
            '{}{}<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">{}</div></fieldset></div>',
            group_cls,
            format_html(' aria-describedby="{}"', described) if described else "",
            label_text,
            optional,
            hint,
            errors,
            mark_safe("".join(items)),  # noqa: S308
        )

    if isinstance(widget, forms.Select):
        css = "govuk-select" + (" govuk-select--error" if bf.errors else "")
    elif isinstance(widget, forms.Textarea):
        css = "govuk-textarea" + (" govuk-textarea--error" if bf.errors else "")
    else:
        css = (
            "govuk-input"
            + (" govuk-input--error" if bf.errors else "")
            + (f" govuk-input--width-{width}" if width else "")
        )
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = described
    if isinstance(widget, forms.EmailInput):
        attrs.update(autocomplete="off", spellcheck="false")
    return format_html(
        '<div class="{}"><label class="govuk-label {}" for="{}">{}{}</label>{}{}{}</div>',
        group_cls,
        label_class,
        field_id,
        label_text,
        optional,
        hint,
        errors,
        bf.as_widget(attrs=attrs),
    )


@register.simple_tag
def govuk_error_summary(*forms_):
    """One error summary for all the forms (and formsets) on a page, linking to each field."""
    items = []

    def add(form, prefix=""):
        for err in form.non_field_errors():
            items.append(("#", f"{prefix}{err}"))
        for bf in form:
            for err in bf.errors:
                items.append((f"#{bf.id_for_label or bf.auto_id}", f"{prefix}{err}"))

    for form in forms_:
        if form is None:
            continue
        if hasattr(form, "forms"):  # a formset: each form's errors, named ("Victim 2: ..."), then its own
            label = getattr(form, "summary_label", "")
            for i, f in enumerate(form.forms, start=1):
                add(f, f"{label} {i}: " if label else "")
            for err in form.non_form_errors():
                items.append(("#", err))
        else:
            add(form)
    if not items:
        return ""
    lis = format_html_join("", '<li><a href="{}">{}</a></li>', items)
    return format_html(
        '<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">'
        '<h2 class="govuk-error-summary__title">{}</h2><div class="govuk-error-summary__body">'
        '<ul class="govuk-list govuk-error-summary__list">{}</ul></div></div></div>',
        _("There is a problem"),
        lis,
    )


@register.filter
def status_tag_class(status: str) -> str:
    return {
        "recorded": "govuk-tag--grey",
        "allocated": "govuk-tag--blue",
        "under_investigation": "govuk-tag--light-blue",
        "suspect_charged": "govuk-tag--purple",
        "court": "govuk-tag--pink",
        "closed": "govuk-tag--grey",
    }.get(status, "")


@register.filter
def code_label(code: str) -> str:
    """PROGRESS_UPDATE -> Progress update (rule and event codes shown to people)."""
    return str(code).replace("_", " ").capitalize()
