"""What a shipping address needs, country by country (the common cases, not every rule)."""

import re

from django.utils.translation import gettext as _

# Countries without a postal code system in general use.
# fmt: off
WITHOUT_POSTAL_CODE = frozenset({
    "AE", "AG", "AO", "AW", "BF", "BI", "BJ", "BO", "BS", "BW", "BZ", "CD", "CF", "CG", "CI",
    "CK", "CM", "DJ", "DM", "ER", "FJ", "GA", "GD", "GH", "GM", "GQ", "GY", "HK", "JM", "KI",
    "KM", "KN", "KP", "LC", "ML", "MO", "MR", "MW", "NR", "NU", "QA", "RW", "SB", "SC", "SL",
    "SR", "ST", "SY", "TD", "TG", "TK", "TL", "TO", "TT", "TV", "UG", "VU", "YE", "ZW",
})
# fmt: on
# Countries where a parcel needs the state or province.
REGION_REQUIRED = frozenset(["AU", "BR", "CA", "CN", "IN", "MX", "US"])
POSTAL_CODE_PATTERNS = {
    "AU": r"\d{4}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "FR": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
    "IT": r"\d{5}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "US": r"\d{5}(-\d{4})?",
}


def normalise_postal_code(country, postal_code):
    return " ".join(postal_code.upper().split())


def address_problems(*, country, region, postal_code):
    """(field, message) pairs for what ``country`` needs and the address lacks."""
    problems = []
    if country in REGION_REQUIRED and not region.strip():
        problems.append(("region", _("Enter the state or province.")))
    code = normalise_postal_code(country, postal_code)
    if country in WITHOUT_POSTAL_CODE:
        return problems
    if not code:
        problems.append(("postal_code", _("Enter the postal code.")))
    elif country in POSTAL_CODE_PATTERNS and not re.fullmatch(POSTAL_CODE_PATTERNS[country], code):
        problems.append(("postal_code", _("This is not a postal code of that country.")))
    return problems
