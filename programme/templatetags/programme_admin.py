"""Tags for programme's staff pages."""

from django import template
from django.utils import timezone

from ..admin.access import can_see_figures
from ..selectors import staff_overview

register = template.Library()


@register.inclusion_tag("admin/programme/includes/staff_overview.html", takes_context=True)
def programme_staff_overview(context):
    """The admin home's first box: what waits for staff, with links to act on it."""
    user = context["request"].user
    return {
        **staff_overview(now=timezone.now()),
        "can_review": user.has_perm("programme.view_run"),
        "can_see_figures": can_see_figures(user),
    }
