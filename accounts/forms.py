from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from .adapter import CONFIRMED_EMAIL_SESSION_KEY


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, taking as long for an address that has an account as for a new one.

    With ACCOUNT_PREVENT_ENUMERATION both answer "check your inbox" and send one email, but
    only a new address had its password hashed (~0.5 s with PBKDF2): the time alone told who
    is registered. A taken address now hashes the submitted password too, and throws it away,
    as Django's ModelBackend does for an unknown user at login. This is the one place that
    knows which path is taken and holds the password: the adapter's hook on the taken path
    (send_account_already_exists_mail) gets neither, and is skipped when mail is rate-limited.
    """

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class LoginForm(AllauthLoginForm):
    """allauth's sign-in, starting with the address just confirmed in this browser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and not self.is_bound:
            self.fields["login"].initial = self.request.session.get(CONFIRMED_EMAIL_SESSION_KEY)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be deleted for good.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
