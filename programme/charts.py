"""Column charts as numbers an SVG template can place directly (no inline styles under the
CSP): the dashboard's weekly distance and the staff figures, through one helper."""

from math import ceil

from django.utils.formats import date_format
from django.utils.translation import gettext

from core.units import format_distance


def weekly_chart(states, units):
    """The participant's counted distance per week, current week highlighted, each week's
    distance goal drawn as a line across its column; ``is_empty`` before any distance."""
    goals = [state.level.goal_distance_m or 0 for state in states]
    chart = column_chart(
        [
            (
                gettext("W%(number)s") % {"number": state.number},
                state.tally.distance_m if state.tally else 0,
                format_distance(state.tally.distance_m if state.tally else 0, units, 1),
                state.is_current,
            )
            for state in states
        ],
        width=320,
        height=150,
        goals=goals,
    )
    for bar, state in zip(chart["bars"], states, strict=True):
        bar["number"] = state.number
        bar["goal_text"] = (
            format_distance(state.level.goal_distance_m, units, 1)
            if state.level.goal_distance_m
            else ""
        )
    chart["is_empty"] = not any(bar["value"] for bar in chart["bars"])
    chart["has_goals"] = any(goals)
    return chart


def figures_charts(figures):
    """The staff figures page's four charts."""
    weeks = figures.weeks
    return {
        "signups": column_chart(
            [(date_format(day, "j M"), count, str(count)) for day, count in figures.signups_per_day]
        ),
        "active": column_chart(
            [
                (
                    gettext("W%(number)s") % {"number": week.number},
                    week.active,
                    str(week.active),
                    week.is_current,
                )
                for week in weeks
            ]
        ),
        "funnel": column_chart(
            [(gettext("Joined"), figures.participant_count, str(figures.participant_count))]
            + [
                (
                    gettext("W%(number)s") % {"number": week.number},
                    week.completed,
                    str(week.completed),
                )
                for week in weeks
            ]
        ),
        "distance": column_chart(
            [
                (
                    gettext("W%(number)s") % {"number": week.number},
                    week.distance_m,
                    format_distance(week.distance_m, "km", 0),
                )
                for week in weeks
            ]
        ),
    }


def column_chart(rows, *, width=640, height=200, max_labels=14, goals=None):
    """Geometry of a column chart for templates/includes/column_chart.html.

    ``rows`` are (label, value, value text[, highlighted]); ``goals``, one per row (0 for
    none), put a target line across each column. Every number the SVG needs is computed
    here, so the template only places elements (no inline styles under the CSP).
    """
    goals = list(goals or [0] * len(rows))
    top = max([row[1] for row in rows] + goals + [1])
    count = max(len(rows), 1)
    plot_top, baseline = 18, height - 22
    slot = width / count
    label_every = ceil(count / max_labels)
    bars = []
    for index, row in enumerate(rows):
        label, value, text = row[:3]
        bar_height = round((baseline - plot_top) * value / top, 1)
        bars.append(
            {
                "label": label,
                "value": value,
                "text": text,
                "highlighted": len(row) > 3 and row[3],
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(max(slot * 0.7, 1), 1),
                "y": round(baseline - bar_height, 1),
                "text_y": round(baseline - bar_height - 4, 1),
                "height": bar_height,
                "centre": round(index * slot + slot / 2, 1),
                "show_label": index % label_every == 0,
                "show_text": count <= max_labels,
                "goal_y": (
                    round(baseline - (baseline - plot_top) * goals[index] / top, 1)
                    if goals[index]
                    else None
                ),
                "goal_x1": round(index * slot + slot * 0.05, 1),
                "goal_x2": round(index * slot + slot * 0.95, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "baseline": baseline,
        "label_y": height - 6,
        "bars": bars,
    }
