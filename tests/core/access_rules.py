from tests.access import public

# Every page here is @require_safe: a POST is 405 for everyone.
RULES = {
    "landing": public("/"),
    "rules": public("/rules/"),
    "healthz": public("/healthz"),
    "readyz": public("/readyz"),
}
