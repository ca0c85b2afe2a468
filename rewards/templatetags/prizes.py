from django import template

from rewards.selectors import public_prizes

register = template.Library()


@register.inclusion_tag("rewards/includes/programme_prizes.html")
def programme_prizes(programme):
    """The programme's prizes and the public pages of its draws, for the landing page."""
    return public_prizes(programme)
