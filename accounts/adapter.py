from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils.translation import gettext as _

# Throwaway-address services: a prize programme wants a mailbox the winner reads.
DISPOSABLE_EMAIL_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "discard.email",
        "dispostable.com",
        "getnada.com",
        "guerrillamail.com",
        "mailinator.com",
        "maildrop.cc",
        "sharklasers.com",
        "temp-mail.org",
        "tempmail.com",
        "throwawaymail.com",
        "trashmail.com",
        "yopmail.com",
    }
)


class AccountAdapter(DefaultAccountAdapter):
    """The one place where allauth is customised for this project."""

    def clean_email(self, email):
        email = super().clean_email(email).lower()
        domain = email.rpartition("@")[2]
        if domain in DISPOSABLE_EMAIL_DOMAINS:
            raise forms.ValidationError(
                _("Please use a permanent email address: winners are contacted by email.")
            )
        return email
