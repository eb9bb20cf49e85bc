"""The home page's news slot: `{% load events_tags %}{% news_slot %}` in web's home page."""

from django import template

from kabinet.events.selectors import news_unread_latest

register = template.Library()


@register.inclusion_tag("events/news_slot.html", takes_context=True)
def news_slot(context, limit: int = 3):
    request = context["request"]
    scope = getattr(request, "scope", None)
    return {"slot_news": news_unread_latest(scope=scope, limit=limit) if scope else []}
