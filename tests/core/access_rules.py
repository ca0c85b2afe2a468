from tests.access import public

RULES = {
    "landing": public("/"),
    "rules": public("/rules/"),
    "healthz": public("/healthz"),
    "readyz": public("/readyz"),
}
