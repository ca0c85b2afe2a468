from tests.access import AS_GET, Access, public

RULES = {
    # @require_safe: a POST is 405 for everyone.
    "web:landing": public("/"),
    "web:rules": public("/rules/"),
    "web:brand_css": public("/brand.css"),
    "web:healthz": public("/healthz"),
    "web:readyz": public("/readyz"),
    # Participants only: anonymous → login, signed in but not joined (staff too) → join.
    # The dashboard only shows something, so a POST is answered as a GET.
    "web:dashboard": Access("/dashboard/", post=AS_GET),
    # An empty POST is an invalid form: nothing changes.
    "web:profile": Access("/profile/", post=AS_GET),
}
