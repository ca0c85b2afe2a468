"""Fields that carry the rules of core.validators into forms, models and the admin."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import (
    TIME_ZONE_CHOICES,
    normalise_display_name,
    validate_display_name,
    validate_logo_url,
    validate_time_zone,
)


class DisplayNameFormField(forms.CharField):
    """Whitespace collapsed to single spaces; invisible and text-direction characters refused."""

    default_error_messages = {"required": _("Enter a display name.")}

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_display_name(value) if value else value


class DisplayNameField(models.CharField):
    """A participant's public name: every form for it (join, profile, admin) normalises it."""

    default_validators = [validate_display_name]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DisplayNameFormField, **kwargs})


class TimeZoneFormField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=TIME_ZONE_CHOICES, **kwargs)


class TimeZoneField(models.CharField):
    """An IANA zone from core.validators.TIME_ZONES, picked from a list in every form."""

    default_validators = [validate_time_zone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # The admin gives every CharField a text box: a zone is picked from the list.
        kwargs.pop("widget", None)
        # Past CharField's, which would hand a max_length to the choice field.
        return models.Field.formfield(self, **{"form_class": TimeZoneFormField, **kwargs})


class LogoURLField(models.CharField):
    """Where the organiser's logo is: https only, or a path on this site (see the CSP)."""

    default_validators = [validate_logo_url]
