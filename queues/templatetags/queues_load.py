"""Template helpers so a page can show the load banner with one include line."""

from django import template

from queues import selectors

register = template.Library()


@register.simple_tag
def queue_load_banner() -> dict:
    """Return the load banner's context (level, contingency, next arrival) from the selector."""
    return selectors.load_banner()
