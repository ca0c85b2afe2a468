"""A local Strava for the tests: OAuth, athlete, activities, streams, push subscriptions.

It answers on loopback as Strava's v3 API reference documents (paths, parameters, JSON
shapes, the ``X-RateLimit-*`` headers and HTTP 429), keeps its state in memory, and can be
told to refuse requests (a 429 storm) or to expire tokens. Nothing here reaches the internet.
The documented example payloads it starts from are in tests/fixtures/strava/.
"""

import copy
import json
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "strava"


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def run_streams(*, seconds=1800, metres=5000, step=10, lat=51.5, lon=-0.12):
    """Streams of a steady run along a meridian: time, latlng, distance, altitude."""
    count = seconds // step + 1
    times = [i * step for i in range(count)]
    distance = [round(metres * t / seconds, 1) for t in times]
    degrees_per_metre = 1 / 111_195
    latlng = [[round(lat + d * degrees_per_metre, 7), lon] for d in distance]
    altitude = [10.0 for _ in times]
    streams = {}
    for key, data in (
        ("time", times),
        ("latlng", latlng),
        ("distance", distance),
        ("altitude", altitude),
    ):
        streams[key] = {
            "data": data,
            "series_type": "distance",
            "original_size": count,
            "resolution": "high",
        }
    return streams


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        thread = threading.Thread(target=self._handle, args=(request, client_address))
        thread.daemon = True
        thread.start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


class FakeStrava:
    """Start with ``with FakeStrava() as strava:``; ``strava.url`` is its base address."""

    def __init__(self, *, client_id="12345", client_secret="test-secret"):  # noqa: S107
        self.client_id, self.client_secret = client_id, client_secret
        self.lock = threading.Lock()
        self.athletes = {}
        self.activities = {}  # id -> {"owner": athlete id, "detail": {...}, "streams": {...}}
        self.codes = {}  # code -> (athlete id, scope)
        self.tokens = {}  # access token -> {"athlete": id, "scope": str, "expires_at": int}
        self.refresh_tokens = {}  # refresh token -> (athlete id, scope)
        self.subscriptions = {}
        self.short_limit, self.daily_limit = 100, 1000
        self.short_usage = self.daily_usage = 0
        self.refuse_next = 0  # answer this many API requests with 429
        self.requests = []  # (method, path) of every request
        self._next_id = 9_000_000_000

    # Setting the scene ---------------------------------------------------------------------

    def athlete_add(self, athlete_id=134815, firstname="Marianne", lastname="Teutenberg"):
        athlete = fixture("athlete.json")
        athlete.update(id=athlete_id, firstname=firstname, lastname=lastname)
        self.athletes[athlete_id] = athlete
        return athlete

    def activity_add(
        self,
        owner,
        *,
        sport_type="Run",
        start=None,
        seconds=1800,
        metres=5000,
        visibility="everyone",
        manual=False,
    ):
        with self.lock:
            self._next_id += 1
            activity_id = self._next_id
        start = start or datetime.now(UTC) - timedelta(hours=2)
        detail = fixture("activity.json")
        detail.update(
            id=activity_id,
            athlete={"id": owner, "resource_state": 1},
            name=f"{sport_type} {activity_id}",
            distance=float(metres),
            moving_time=seconds,
            elapsed_time=seconds + 60,
            type=sport_type if sport_type in ("Run", "Walk", "Hike", "Ride") else "Workout",
            sport_type=sport_type,
            start_date=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            start_date_local=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            private=visibility == "only_me",
            visibility=visibility,
            manual=manual,
        )
        streams = {} if manual else run_streams(seconds=seconds, metres=metres)
        self.activities[activity_id] = {"owner": owner, "detail": detail, "streams": streams}
        return activity_id

    def token_for(self, athlete_id, *, scope="read,activity:read", expires_in=21600):
        """Issue tokens as a finished OAuth exchange would (for tests that skip the browser)."""
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        self.tokens[access] = {
            "athlete": athlete_id,
            "scope": scope,
            "expires_at": int(time.time()) + expires_in,
        }
        self.refresh_tokens[refresh] = (athlete_id, scope)
        return access, refresh, int(time.time()) + expires_in

    def expire_tokens(self):
        for token in self.tokens.values():
            token["expires_at"] = int(time.time()) - 1

    # Serving -------------------------------------------------------------------------------

    def __enter__(self):
        self.server = make_server(
            "127.0.0.1", 0, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def app(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ["PATH_INFO"]
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        form = {k: v[-1] for k, v in parse_qs(body).items()}
        self.requests.append((method, path))
        status, headers, payload = self.route(method, path, query, form, environ)
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload)
            headers = [("Content-Type", "application/json; charset=utf-8"), *headers]
        start_response(status, headers)
        return [payload.encode() if isinstance(payload, str) else payload]

    def _limits(self):
        return [
            ("X-RateLimit-Limit", f"{self.short_limit},{self.daily_limit}"),
            ("X-RateLimit-Usage", f"{self.short_usage},{self.daily_usage}"),
        ]

    def _count(self):
        """Count one API request; True if it is refused with 429."""
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return True
            if self.short_usage >= self.short_limit or self.daily_usage >= self.daily_limit:
                return True
            self.short_usage += 1
            self.daily_usage += 1
            return False

    def _bearer(self, environ):
        header = environ.get("HTTP_AUTHORIZATION", "")
        token = self.tokens.get(header.removeprefix("Bearer "))
        if token is None or token["expires_at"] < time.time():
            return None
        return token

    def route(self, method, path, query, form, environ):
        fault = {"message": "Authorization Error", "errors": [{"code": "invalid"}]}
        if path == "/favicon.ico":
            return "204 No Content", [], ""
        if path == "/oauth/authorize":
            return self._authorize_page(query)
        if path == "/oauth/approve":
            return self._approve(query)
        if path == "/oauth/token" and method == "POST":
            return self._token(form)
        if path == "/oauth/deauthorize" and method == "POST":
            token = self.tokens.pop(form.get("access_token", ""), None)
            if token is None:
                return "401 Unauthorized", [], fault
            for refresh, (athlete, _) in list(self.refresh_tokens.items()):
                if athlete == token["athlete"]:
                    del self.refresh_tokens[refresh]
            for access, other in list(self.tokens.items()):
                if other["athlete"] == token["athlete"]:
                    del self.tokens[access]
            return "200 OK", [], {"access_token": form["access_token"]}
        if path.startswith("/api/v3/push_subscriptions"):
            return self._subscriptions(method, path, query, form)
        if not path.startswith("/api/v3/"):
            return "404 Not Found", [], {"message": "Not Found"}
        if self._count():
            return "429 Too Many Requests", self._limits(), {"message": "Rate Limit Exceeded"}
        token = self._bearer(environ)
        if token is None:
            return "401 Unauthorized", self._limits(), fault
        return self._api(path.removeprefix("/api/v3/"), query, token)

    def _authorize_page(self, query):
        approve = "/oauth/approve?" + urlencode(query)
        page = (
            "<!doctype html><html lang='en'><head><title>Authorize | Strava</title></head>"
            f"<body><main><h1>Authorize {query.get('client_id')}</h1>"
            f"<p>Scope: {query.get('scope')}</p>"
            f"<a id='authorize' href='{approve}'>Authorize</a></main></body></html>"
        )
        return "200 OK", [("Content-Type", "text/html; charset=utf-8")], page

    def app_redirect(self, authorize_query):
        """Where Strava sends the browser once the athlete approves (for tests without one)."""
        status, headers, _ = self._approve(authorize_query)
        return dict(headers)["Location"]

    def _approve(self, query):
        athlete_id = next(iter(self.athletes))
        code = secrets.token_hex(10)
        scope = query.get("scope", "read")
        self.codes[code] = (athlete_id, scope)
        target = (
            query["redirect_uri"]
            + "?"
            + urlencode({"state": query.get("state", ""), "code": code, "scope": scope})
        )
        return "302 Found", [("Location", target)], ""

    def _token(self, form):
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return "401 Unauthorized", [], {"message": "Bad Request", "errors": []}
        grant = form.get("grant_type")
        if grant == "authorization_code" and form.get("code") in self.codes:
            athlete_id, scope = self.codes.pop(form["code"])
            access, refresh, expires_at = self.token_for(athlete_id, scope=scope)
            answer = fixture("token.json")
            answer.update(
                access_token=access,
                refresh_token=refresh,
                expires_at=expires_at,
                expires_in=expires_at - int(time.time()),
                athlete=self.athletes[athlete_id],
            )
            return "200 OK", [], answer
        if grant == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            athlete_id, scope = self.refresh_tokens.pop(form["refresh_token"])
            access, refresh, expires_at = self.token_for(athlete_id, scope=scope)
            return (
                "200 OK",
                [],
                {
                    "token_type": "Bearer",
                    "access_token": access,
                    "expires_at": expires_at,
                    "expires_in": expires_at - int(time.time()),
                    "refresh_token": refresh,
                },
            )
        return "400 Bad Request", [], {"message": "Bad Request", "errors": []}

    def _api(self, path, query, token):
        limits = self._limits()
        athlete_id = token["athlete"]
        reads_private = "activity:read_all" in token["scope"]
        if path == "athlete":
            return "200 OK", limits, self.athletes[athlete_id]
        if path == "athlete/activities":
            after, before = int(query.get("after", 0)), int(query.get("before", 2**40))
            page, per_page = int(query.get("page", 1)), min(200, int(query.get("per_page", 30)))
            mine = [
                a["detail"]
                for a in self.activities.values()
                if a["owner"] == athlete_id
                and (reads_private or a["detail"]["visibility"] != "only_me")
                and after < datetime.fromisoformat(a["detail"]["start_date"]).timestamp() < before
            ]
            mine.sort(key=lambda d: d["start_date"])
            return "200 OK", limits, mine[(page - 1) * per_page : page * per_page]
        parts = path.split("/")
        if parts[0] == "activities" and len(parts) in (2, 3):
            found = self.activities.get(int(parts[1])) if parts[1].isdigit() else None
            if (
                found is None
                or found["owner"] != athlete_id
                or (found["detail"]["visibility"] == "only_me" and not reads_private)
            ):
                return "404 Not Found", limits, {"message": "Record Not Found", "errors": []}
            if len(parts) == 2:
                return "200 OK", limits, copy.deepcopy(found["detail"])
            if parts[2] == "streams":
                return "200 OK", limits, copy.deepcopy(found["streams"])
        return "404 Not Found", limits, {"message": "Record Not Found", "errors": []}

    def _subscriptions(self, method, path, query, form):
        credentials = form if method == "POST" else query
        if (credentials.get("client_id"), credentials.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return "401 Unauthorized", [], {"message": "Authorization Error"}
        if method == "GET":
            return "200 OK", [], list(self.subscriptions.values())
        if method == "POST":
            if self.subscriptions:
                return (
                    "400 Bad Request",
                    [],
                    {
                        "message": "Bad Request",
                        "errors": [
                            {"resource": "PushSubscription", "field": "", "code": "already exists"}
                        ],
                    },
                )
            subscription_id = 120475 + len(self.requests)
            self.subscriptions[subscription_id] = {
                "id": subscription_id,
                "resource_state": 2,
                "application_id": int(self.client_id),
                "callback_url": form["callback_url"],
                "created_at": "2026-11-28T10:00:00Z",
                "updated_at": "2026-11-28T10:00:00Z",
            }
            return "201 Created", [], {"id": subscription_id}
        if method == "DELETE":
            subscription_id = int(path.rsplit("/", 1)[-1])
            if self.subscriptions.pop(subscription_id, None) is None:
                return "404 Not Found", [], {"message": "Record Not Found"}
            return "204 No Content", [], ""
        return "405 Method Not Allowed", [], ""
