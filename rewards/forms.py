import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from . import addresses, beacons, sizes
from .models import SizeSystem

PHONE_RE = re.compile(r"\+?[0-9 ()./-]{6,30}")


class ClaimForm(forms.Form):
    """The claim as a winner types it; the shoe size fields only when the prize needs them."""

    size_system = forms.ChoiceField(
        label=_("Size system"), choices=[("", "—"), *SizeSystem.choices]
    )
    shoe_size = forms.CharField(
        label=_("Shoe size"),
        max_length=5,
        help_text=_("Half sizes are fine, e.g. 42.5 or 9.5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    address_line1 = forms.CharField(label=_("Address"), max_length=160)
    address_line2 = forms.CharField(label=_("Address line 2"), max_length=160, required=False)
    city = forms.CharField(label=_("Town or city"), max_length=100)
    region = forms.CharField(
        label=_("State, province or county"),
        max_length=100,
        required=False,
        help_text=_("Required in Australia, Brazil, Canada, China, India, Mexico and the US."),
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.ChoiceField(label=_("Country"))
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        help_text=_("For the courier only, e.g. +44 20 7946 0000."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, needs_shoe_size, eligible_countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_shoe_size:
            del self.fields["size_system"], self.fields["shoe_size"]
        codes = {country.code for country in eligible_countries}
        self.fields["country"].choices = [("", "—")] + [
            (code, name) for code, name in countries if not codes or code in codes
        ]
        for name, autocomplete in (
            ("full_name", "name"),
            ("address_line1", "address-line1"),
            ("address_line2", "address-line2"),
            ("city", "address-level2"),
            ("region", "address-level1"),
            ("postal_code", "postal-code"),
            ("country", "country"),
        ):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if not PHONE_RE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 6:
            raise forms.ValidationError(_("Enter a phone number with its country code."))
        return phone

    def clean(self):
        data = super().clean()
        if "shoe_size" in self.fields and "shoe_size" in data and "size_system" in data:
            problem = sizes.shoe_size_problem(data["size_system"], data["shoe_size"])
            if problem:
                self.add_error("shoe_size", problem)
            else:
                data["shoe_size"] = Decimal(data["shoe_size"])
        if data.get("country"):
            for field, message in addresses.address_problems(
                country=data["country"],
                region=data.get("region", ""),
                postal_code=data.get("postal_code", ""),
            ):
                if field not in self.errors:
                    self.add_error(field, message)
        return data


class ScheduleDrawForm(forms.Form):
    chain = forms.ChoiceField(
        label=_("Beacon chain"),
        help_text=_("The drand chain whose round gives the public entropy."),
    )
    entries_close_by = forms.DateTimeField(
        label=_("Entries close by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "The draw commits to the chain's first round after this moment; close the "
            "entries before that round is published. In the site's time zone."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].choices = beacons.chain_choices()


class RunDrawForm(forms.Form):
    signature = forms.CharField(
        label=_("Beacon signature"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "The round's “signature”, in hex, exactly as drand publishes it. The public "
            "entropy is its SHA-256. It cannot be changed afterwards."
        ),
    )
    previous_signature = forms.CharField(
        label=_("Previous signature"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("The round's “previous_signature”: this chain signs it too."),
    )

    def __init__(self, *args, chained, **kwargs):
        super().__init__(*args, **kwargs)
        if not chained:
            del self.fields["previous_signature"]


class DisqualifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail; never shown on the public page."),
    )


class ShipForm(forms.Form):
    tracking = forms.CharField(label=_("Tracking number or note"), max_length=120)
