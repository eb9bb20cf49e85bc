from django import template

register = template.Library()


@register.filter
def form_control(field, extra: str = ""):
    """Render a form field's widget with Bootstrap's classes (and is-invalid on errors)."""
    css = "form-select" if field.widget_type in {"select", "selectmultiple"} else "form-control"
    if field.errors:
        css += " is-invalid"
    if extra:
        css += f" {extra}"
    return field.as_widget(attrs={"class": css})
