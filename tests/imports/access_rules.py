from tests.access import Access

RULES = {
    # Participants only: anonymous → login, signed in but not joined (staff too) → join.
    "imports:run_import": Access("/runs/import/"),
    # Each participant's own uploads only (see test_import_views: B never sees A's).
    "imports:run_import_status": Access("/runs/import/status/"),
}
