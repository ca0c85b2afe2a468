"""Everything that changes prizes and draws, by concern. The admin, views and tasks call these."""

from .claims import claim_notice_key, claim_submit, fulfilment_export_record, result_mark_shipped
from .draws import (
    draw_close_entries,
    draw_configuration_problems,
    draw_request_run,
    draw_run,
    draw_run_again,
    draw_schedule,
    draws_requeue_stalled,
)
from .results import (
    claim_reminders_due,
    result_disqualify,
    result_forfeit,
    results_forfeit_due,
    results_release_for_deleted_account,
)

__all__ = [
    "claim_notice_key",
    "claim_reminders_due",
    "claim_submit",
    "draw_close_entries",
    "draw_configuration_problems",
    "draw_request_run",
    "draw_run",
    "draw_run_again",
    "draw_schedule",
    "draws_requeue_stalled",
    "fulfilment_export_record",
    "result_disqualify",
    "result_forfeit",
    "result_mark_shipped",
    "results_forfeit_due",
    "results_release_for_deleted_account",
]
