from tests.access import LOGIN, Access, public

SIGNED_IN_PAGE = Access(
    "", anonymous=LOGIN, user=200, participant=200, other=200, staff=200, superuser=200
)


def signed_in(url):
    return Access(url, LOGIN, 200, 200, 200, 200, 200)


def anonymous_only(url):
    """allauth sends signed-in visitors on to the after-login page."""
    return Access(url, 200, 302, 302, 302, 302, 302)


RULES = {
    "accounts:data": signed_in("/account/data/"),
    "accounts:delete": signed_in("/account/delete/"),
    "account_login": anonymous_only("/accounts/login/"),
    "account_signup": anonymous_only("/accounts/signup/"),
    # Signing out is a POST; a GET shows the confirmation page to the signed in.
    "account_logout": Access("/accounts/logout/", 302, 200, 200, 200, 200, 200),
    "account_inactive": public("/accounts/inactive/"),
    "account_reauthenticate": signed_in("/accounts/reauthenticate/"),
    "account_email": signed_in("/accounts/email/"),
    "account_email_verification_sent": public("/accounts/confirm-email/"),
    "account_change_password": signed_in("/accounts/password/change/"),
    # Users with a password are sent on to "change password".
    "account_set_password": Access("/accounts/password/set/", LOGIN, 302, 302, 302, 302, 302),
    "account_reset_password": public("/accounts/password/reset/"),
    # Only reachable in the middle of a login-by-code flow.
    "account_confirm_login_code": Access(
        "/accounts/login/code/confirm/", 302, 302, 302, 302, 302, 302
    ),
    # A bad key shows allauth's "link expired or invalid" page, not an error.
    "account_confirm_email": public("/accounts/confirm-email/not-a-real-key/"),
    "account_reset_password_from_key_done": public("/accounts/password/reset/key/done/"),
    "account_reset_password_from_key": public("/accounts/password/reset/key/1-not-a-key/"),
    "account_reset_password_done": public("/accounts/password/reset/done/"),
}
