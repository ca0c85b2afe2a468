from tests.access import Access, public

RULES = {
    "web:landing": public("/"),
    "web:rules": public("/rules/"),
    "web:healthz": public("/healthz"),
    "web:readyz": public("/readyz"),
    # Participants only: anonymous → login, signed in but not joined (staff too) → join.
    "web:dashboard": Access("/dashboard/"),
    "web:profile": Access("/profile/"),
}
