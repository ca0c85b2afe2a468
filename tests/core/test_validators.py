"""The shared rules for display names, time zones and logo addresses (no database)."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    TIME_ZONES,
    logo_origin,
    normalise_display_name,
    validate_display_name,
    validate_logo_url,
    validate_time_zone,
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Nia   K ", "Nia K"),
        ("Nia\tK\nR", "Nia K R"),
        ("Nia\u00a0K", "Nia K"),  # no-break space is whitespace
        ("Nia\u2028K", "Nia K"),  # line separator too
        ("Zoë 🏃 O'Brien-Ngũgĩ", "Zoë 🏃 O'Brien-Ngũgĩ"),
        ("محمد", "محمد"),  # right-to-left script is fine; hidden direction marks are not
    ],
)
def test_a_display_name_is_trimmed_and_its_whitespace_collapsed(typed, kept):
    assert normalise_display_name(typed) == kept


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Nia\u200bK", "U+200B"),  # zero-width space (Cf)
        ("Nia\u202eK", "U+202E"),  # right-to-left override (Cf)
        ("\u2066Nia\u2069", "U+2066"),  # left-to-right isolate (Cf)
        ("Nia\ufeff", "U+FEFF"),  # byte order mark (Cf)
        ("Nia\x00K", "U+0000"),  # NUL (Cc)
        ("Nia\x7fK", "U+007F"),  # DEL (Cc)
        ("Nia\ud800", "U+D800"),  # lone surrogate (Cs)
    ],
)
def test_a_display_name_with_an_invisible_character_is_refused_naming_it(typed, code):
    with pytest.raises(ValidationError) as refused:
        normalise_display_name(typed)
    assert refused.value.code == "invisible_character"
    assert code in refused.value.messages[0]


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_a_blank_display_name_is_refused(typed):
    with pytest.raises(ValidationError, match="Enter a display name"):
        normalise_display_name(typed)


def test_the_model_accepts_only_a_normalised_name():
    validate_display_name("Nia K")
    with pytest.raises(ValidationError):
        validate_display_name(" Nia  K")
    with pytest.raises(ValidationError):
        validate_display_name("Nia\u202eK")


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Pacific/Auckland"]
)
def test_real_time_zones_are_accepted(zone):
    validate_time_zone(zone)
    assert zone in TIME_ZONES


@pytest.mark.parametrize(
    "zone",
    [
        "localtime",
        "posixrules",
        "Factory",
        "Etc/GMT+5",
        "US/Eastern",
        "GB",
        "EST5EDT",
        "Zulu",
        "europe/london",
        "Mars/Olympus",
        "",
        "../../etc/passwd",
    ],
)
def test_other_time_zone_names_are_refused(zone):
    with pytest.raises(ValidationError, match="not a time zone we know"):
        validate_time_zone(zone)
    assert zone not in TIME_ZONES


@pytest.mark.parametrize(
    "url",
    ["https://cdn.example.org/logo.svg", "https://cdn.example.org:8443/a.png", "/static/logo.svg"],
)
def test_https_and_site_paths_are_logo_addresses(url):
    validate_logo_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.example.org/logo.svg",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "//evil.example.org/logo.svg",
        "/\\evil.example.org/logo.svg",
        "ftp://example.org/logo.png",
        "logo.png",
        "https://",
        "/static/my logo.svg",
    ],
)
def test_anything_else_is_not_a_logo_address(url):
    with pytest.raises(ValidationError, match="https://"):
        validate_logo_url(url)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://CDN.example.org/logo.svg", "https://cdn.example.org"),
        ("https://cdn.example.org:8443/a.png?x=1", "https://cdn.example.org:8443"),
        ("https://user@cdn.example.org/a.png", "https://cdn.example.org"),
        ("/static/logo.svg", None),
        ("http://cdn.example.org/logo.svg", None),
        ("", None),
    ],
)
def test_the_logo_origin_is_the_https_host_alone(url, origin):
    assert logo_origin(url) == origin
