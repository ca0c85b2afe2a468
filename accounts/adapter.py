from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from disposable_email_domains import blocklist as disposable_email_domains
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.branding import brand_for
from notifications.emails import absolute, email_context
from programme.selectors import active_programme

# The address last confirmed in this browser's session, for the sign-in form.
CONFIRMED_EMAIL_SESSION_KEY = "accounts_confirmed_email"


def email_site():
    """What allauth's emails call "the site": the brand's name and the public host."""
    return SimpleNamespace(
        name=brand_for(active_programme())["name"], domain=urlsplit(settings.SITE_URL).netloc
    )


class AccountAdapter(DefaultAccountAdapter):
    """The one place where allauth is customised for this project."""

    def get_login_redirect_url(self, request):
        # Staff sign in to review runs and run draws: the admin's home says what waits.
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        # allauth's emails name "the site": ours is the organiser's brand, not example.com,
        # and they share the branded templates of every other email (templates/email/).
        # They are sent inline: a person waits for them on the page that sent them.
        programme = active_programme()
        return super().send_mail(
            template_prefix,
            email,
            {
                **context,
                **email_context(programme),
                "programme": programme,
                "current_site": email_site(),
            },
        )

    def get_email_confirmation_url(self, request, emailconfirmation):
        # The public address from settings, not whichever host the request came in by.
        return absolute(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_email_verification_redirect_url(self, email_address):
        if not self.request.user.is_authenticated:
            # Confirmed in another browser than the one that signed up: the sign-in form
            # there starts with the address just proven (accounts.forms.LoginForm).
            self.request.session[CONFIRMED_EMAIL_SESSION_KEY] = email_address.email
        return super().get_email_verification_redirect_url(email_address)

    def format_email_subject(self, subject):
        return f"[{email_site().name}] {subject}"

    def clean_email(self, email):
        email = super().clean_email(email).lower()
        # Throwaway-address services (a maintained list): a prize programme wants a mailbox
        # the winner reads.
        if email.rpartition("@")[2] in disposable_email_domains:
            raise forms.ValidationError(
                _("Please use a permanent email address: winners are contacted by email.")
            )
        return email
