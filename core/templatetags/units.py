from django import template

from core import units as u

register = template.Library()


@register.simple_tag
def distance(metres, units="km", places=2):
    return u.format_distance(metres, units or "km", places)


@register.simple_tag
def pace(duration_s, distance_m, units="km"):
    return u.format_pace(duration_s, distance_m, units or "km")


@register.filter
def duration(seconds):
    return u.format_duration(seconds)
