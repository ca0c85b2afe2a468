"""Signing a browser in without the sign-in form, for tests about other pages."""

from django.test import Client


def sign_in(page, live_server, user):
    """Give the browser a session for ``user``, as the sign-in form would."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
