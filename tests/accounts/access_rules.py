from allauth.account.models import EmailAddress

from tests.access import AS_GET, LOGIN, Access, AdminAccess, public


def signed_in(url, post=AS_GET):
    return Access(url, LOGIN, 200, 200, 200, 200, 200, post=post)


def anonymous_only(url):
    """allauth sends signed-in visitors on to the after-login page (GET and POST alike)."""
    return Access(url, 200, 302, 302, 302, 302, 302, post=AS_GET)


# public() pages refuse POST (405) unless they say otherwise.
RULES = {
    # The export ignores the method (a download, nothing saved); an empty POST to "delete"
    # is an invalid form, shown again: nothing is deleted.
    "accounts:data": signed_in("/account/data/"),
    "accounts:delete": signed_in("/account/delete/"),
    "account_login": anonymous_only("/accounts/login/"),
    "account_signup": anonymous_only("/accounts/signup/"),
    # Signing out is a POST; a GET shows the confirmation page to the signed in.
    "account_logout": Access("/accounts/logout/", 302, 200, 200, 200, 200, 200, post=(302,) * 6),
    "account_inactive": public("/accounts/inactive/"),
    "account_reauthenticate": signed_in("/accounts/reauthenticate/"),
    # An empty POST names no action: allauth sends the user back to the list.
    "account_email": signed_in("/accounts/email/", post=(LOGIN, 302, 302, 302, 302, 302)),
    "account_email_verification_sent": public("/accounts/confirm-email/"),
    "account_change_password": signed_in("/accounts/password/change/"),
    # Users with a password are sent on to "change password".
    "account_set_password": Access(
        "/accounts/password/set/", LOGIN, 302, 302, 302, 302, 302, post=AS_GET
    ),
    "account_reset_password": public("/accounts/password/reset/", post=AS_GET),
    # Only reachable in the middle of a login-by-code flow.
    "account_confirm_login_code": Access(
        "/accounts/login/code/confirm/", 302, 302, 302, 302, 302, 302, post=AS_GET
    ),
    # A bad key shows allauth's "link expired or invalid" page, not an error; confirming it
    # (POST) is a plain 404.
    "account_confirm_email": public("/accounts/confirm-email/not-a-real-key/", post=(404,) * 6),
    "account_reset_password_from_key_done": public("/accounts/password/reset/key/done/"),
    "account_reset_password_from_key": public(
        "/accounts/password/reset/key/1-not-a-key/", post=AS_GET
    ),
    "account_reset_password_done": public("/accounts/password/reset/done/"),
}


def an_unverified_address_of_a(world):
    return world.remember(
        "unverified",
        lambda: EmailAddress.objects.create(
            user=world.participant.user, email="a.second@example.org", verified=False
        ),
    )


NEW_PASSWORD = "Seven-Lanes-Of-Gravel-42"

ADMIN_RULES = {
    # Django's UserAdmin adds this page; an empty POST would be an invalid form.
    "admin:auth_user_password_change": AdminAccess(
        url=lambda w: f"/admin/accounts/user/{w.participant.user_id}/password/",
        permissions=("accounts.change_user",),
        data={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        not_enough=(("accounts.view_user",),),
    ),
    # allauth's action. Staff who may only look at addresses are not offered it: the list
    # is shown again (200) and nothing is verified.
    "action:account.emailaddress.make_verified": AdminAccess(
        url="/admin/account/emailaddress/",
        permissions=("account.change_emailaddress",),
        get=None,
        data=lambda w: {
            "action": "make_verified",
            "_selected_action": [an_unverified_address_of_a(w).pk],
        },
        not_enough=(("account.view_emailaddress",),),
        refusal=200,
    ),
}
