from tests.access import AS_GET, NOT_ALLOWED, Access

RULES = {
    # Participants only: anonymous → login, signed in but not joined (staff too) → join.
    # An empty POST is an invalid form: nothing is uploaded.
    "imports:run_import": Access("/runs/import/", post=AS_GET),
    # Each participant's own uploads only (see test_import_views: B never sees A's).
    # @require_GET comes before the sign-in check.
    "imports:run_import_status": Access("/runs/import/status/", post=NOT_ALLOWED),
}
