"""What the schedule and close confirmations say about who would enter, in words."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import selectors


def entries_preview(draw, *, closing):
    """(explanation, warnings): who enters if entries close now, and what staff should know
    first: prizes nobody could win, and weeks whose activity would no longer count."""
    preview = selectors.draw_entries_preview(draw, now=timezone.now())
    entrants, tickets = preview["entrants"], preview["tickets"]
    explanation = [
        (
            ngettext(
                "Closing now enters %(entrants)s participant with %(tickets)s tickets.",
                "Closing now enters %(entrants)s participants with %(tickets)s tickets in all.",
                entrants,
            )
            if closing
            else ngettext(
                "If entries closed now, %(entrants)s participant would enter with "
                "%(tickets)s tickets.",
                "If entries closed now, %(entrants)s participants would enter with "
                "%(tickets)s tickets in all.",
                entrants,
            )
        )
        % {"entrants": entrants, "tickets": tickets}
    ]
    if preview["left_out"]:
        explanation.append(
            ngettext(
                "“One prize per person” leaves out %(count)s participant who already holds "
                "a prize from another draw of this programme.",
                "“One prize per person” leaves out %(count)s participants who already hold "
                "a prize from another draw of this programme.",
                preview["left_out"],
            )
            % {"count": preview["left_out"]}
        )
    warnings = []
    if preview["unawarded"]:
        warnings.append(
            _(
                "Only %(entrants)s entrants for %(winners)s prizes: %(unawarded)s prizes "
                "would not be awarded. Each entrant can win once."
            )
            % {
                "entrants": entrants,
                "winners": draw.winners,
                "unawarded": preview["unawarded"],
            }
        )
    if preview["activity_until"]:
        values = {
            "weeks": preview["weeks_left"],
            "moment": date_format(
                preview["activity_until"].astimezone(draw.programme.tz), "D j M Y, H:i"
            ),
            "zone": draw.programme.time_zone,
        }
        if preview["weeks_left"]:
            text = ngettext(
                "The programme still has weeks to run: %(weeks)s week has yet to unlock, "
                "and activity this draw counts may be logged until %(moment)s (%(zone)s).",
                "The programme still has weeks to run: %(weeks)s weeks have yet to unlock, "
                "and activity this draw counts may be logged until %(moment)s (%(zone)s).",
                preview["weeks_left"],
            )
        else:
            text = _("Activity this draw counts may still be logged until %(moment)s (%(zone)s).")
        warnings.append(
            text % values + " " + _("Levels completed after entries close do not enter it.")
        )
    return explanation, warnings
