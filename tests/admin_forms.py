"""Driving the admin's change forms in tests: what a page would post back."""


def _form_fields(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, (list, tuple)):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        elif value is None:
            data[key] = ""
        else:
            data[key] = str(getattr(value, "pk", value))
    return data


def change_form_data(response) -> dict:
    """Everything the change page would post back unchanged: the form and every inline."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(_form_fields(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_form_fields(form))
    return data


def form_errors(response) -> list:
    if response.status_code != 200 or not response.context:
        return []
    errors = [response.context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    return errors
