from tests.access import AS_GET, JOIN, LOGIN, Access, AdminAccess, public

SIGNED_IN_POST_ONLY = (405,) * 6


def MOVED(url):  # noqa: N802 - reads as a rule, like public()
    return Access(url, *(301,) * 6, post=(301,) * 6)


RULES = {
    # The connection page: participants only; each sees their own connection.
    "strava:connection": Access("/strava/", post=(405,) * 6),
    # Connect, disconnect and backfill are POSTs of participants (a GET is refused first).
    # Connecting sends a participant on to Strava's consent page.
    "strava:connect": Access(
        "/strava/connect/", *SIGNED_IN_POST_ONLY, post=(LOGIN, JOIN, 302, 302, JOIN, JOIN)
    ),
    # Without a connection there is nothing to disconnect or backfill: back to the page.
    "strava:disconnect": Access(
        "/strava/disconnect/", *SIGNED_IN_POST_ONLY, post=(LOGIN, JOIN, 302, 302, JOIN, JOIN)
    ),
    "strava:backfill": Access(
        "/strava/backfill/", *SIGNED_IN_POST_ONLY, post=(LOGIN, JOIN, 302, 302, JOIN, JOIN)
    ),
    # Strava's webhook: anyone may call it; without the verify token or an event it is 400.
    "strava:webhook": Access("/strava/webhook/", *(400,) * 6, post=(400,) * 6),
    # allauth's Strava login: connecting only (the adapter turns sign-in and sign-up away).
    # Its POST starts any OAuth flow at Strava (302); a sign-in flow is turned away on the
    # way back. The callback without a pending flow is allauth's failure page (401).
    "strava_login": public("/accounts/strava/login/", post=(302,) * 6),
    "strava_callback": Access("/accounts/strava/login/callback/", *(401,) * 6, post=(401,) * 6),
    # allauth's third-party pages: its list of connections is for the signed in.
    "socialaccount_connections": Access(
        "/accounts/3rdparty/", LOGIN, 200, 200, 200, 200, 200, post=AS_GET
    ),
    "socialaccount_login_cancelled": public("/accounts/3rdparty/login/cancelled/"),
    "socialaccount_login_error": Access(
        "/accounts/3rdparty/login/error/", *(401,) * 6, post=(405,) * 6
    ),
    # Sign-up through Strava is closed: without a pending sign-up it sends everyone away.
    "socialaccount_signup": Access("/accounts/3rdparty/signup/", *(302,) * 6, post=(302,) * 6),
    # allauth's old addresses, moved permanently to /accounts/3rdparty/….
    "/accounts/social/login/cancelled/": MOVED("/accounts/social/login/cancelled/"),
    "/accounts/social/login/error/": MOVED("/accounts/social/login/error/"),
    "/accounts/social/signup/": MOVED("/accounts/social/signup/"),
    "/accounts/social/connections/": MOVED("/accounts/social/connections/"),
}


def _subscription_action(action, permission):
    return AdminAccess(
        url="/admin/strava/stravaquota/",
        permissions=(permission,),
        get=None,
        data={"action": action, "_selected_action": [1]},
    )


ADMIN_RULES = {
    # Without Strava reachable the actions say so in a message; nothing breaks.
    "action:strava.stravaquota.subscription_show": _subscription_action(
        "subscription_show", "strava.view_stravaquota"
    ),
    "action:strava.stravaquota.subscription_create": _subscription_action(
        "subscription_create", "strava.change_stravaquota"
    ),
    "action:strava.stravaquota.subscription_delete": _subscription_action(
        "subscription_delete", "strava.change_stravaquota"
    ),
}
