import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from programme.charts import column_chart

# Values that give coordinates with a decimal part (e.g. x="42.7").
ROWS = [("W1", 3, "3 km", False), ("W2", 7, "7 km", True), ("W3", 0, "0 km", False)]
NUMBER_ATTRIBUTE = re.compile(r'\b(?:x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)"')


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("includes/column_chart.html", {"chart": column_chart(ROWS, width=301), "chart_id": "c"}),
        (
            "programme/includes/chart.html",
            {"chart": {**column_chart(ROWS, width=301, goals=[5, 5, 5]), "is_empty": False}},
        ),
    ],
)
def test_chart_coordinates_stay_svg_numbers_in_a_locale_with_a_decimal_comma(template, context):
    with translation.override("de"):
        html = render_to_string(template, context)
    values = NUMBER_ATTRIBUTE.findall(html)
    assert any("." in value for value in values)  # the case that matters is there
    assert all(re.fullmatch(r"[0-9. ]+|100%", value) for value in values), values
