"""Strava connects an account; it never signs anybody in or up (sign-in stays email-based)."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class StravaSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        if sociallogin.state.get("process") != "connect":
            messages.info(
                request,
                _("Sign in with your email address, then connect Strava from your profile."),
            )
            raise ImmediateHttpResponse(redirect("account_login"))
