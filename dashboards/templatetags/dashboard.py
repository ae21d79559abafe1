"""Small formatting filters for the leadership dashboard."""

from django import template

register = template.Library()


@register.filter
def age(minutes) -> str:
    """Format a number of minutes as "3 d 4 h", "5 h 10 m" or "12 m"; "—" for none."""
    if minutes is None:
        return "—"
    minutes = int(minutes)
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} m"
    return f"{mins} m"


@register.filter
def percent(value) -> str:
    """Format a 0–1 share as a percentage; "—" when there is nothing to measure."""
    return "—" if value is None else f"{value * 100:.1f} %"
