"""Tags for the runner's pages."""

from django import template
from django.utils.html import format_html

from ..models import ReviewStatus

register = template.Library()

_BADGE_CLASS = {ReviewStatus.COUNTED: "ok", ReviewStatus.HELD: "warn"}


@register.simple_tag
def run_status(run):
    """The run's status as a badge; a held or rejected one says why on hover.

    A tag, not an included template: it is drawn on every row of the runs table, where an
    include costs ~0.1 ms a row (bench/README.md).
    """
    status = ReviewStatus(run.status)
    css = _BADGE_CLASS.get(status, "bad")
    if status == ReviewStatus.COUNTED:
        return format_html('<span class="badge {}">{}</span>', css, status.label)
    return format_html(
        '<span class="badge {}" title="{}">{}</span>', css, run.review_reason, status.label
    )
