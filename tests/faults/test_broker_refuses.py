"""The broker refuses the winners' email task at the moment the draw commits: the emails
go out anyway, once, through the sweep.

The draw's notices are the outbox: ``notice_emails_queue`` logs a refused enqueue instead
of failing, and ``send_stranded_notice_emails`` (beat) queues what is still owed. The test
stops the worker inside the draw's transaction (a lock it needs), stops the stack's Redis,
lets the draw commit, and starts Redis again once the refusal is logged.
"""

import pytest

from tests.faults.scenes import DRAW_READY, DRAW_RUN_ASKED, owed_and_emailed, winners
from tests.faults.servers import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.xdist_group("faults")]

REFUSED = "The broker refused 3 notice emails; the sweep will send them"


def test_a_refused_email_enqueue_still_sends_each_winner_one_email(stack):
    scene = stack.script(DRAW_READY)
    draw, k = scene["draw"], scene["winners"]
    assert k == 3
    stack.beat()
    worker = stack.worker()

    notices_table, _ = stack.hold("LOCK TABLE notifications_notice IN SHARE MODE")
    stack.script(DRAW_RUN_ASKED.format(**scene))
    stack.wait_for_blocked('INSERT INTO "notifications_notice"%')
    stack.redis.stop()
    notices_table.rollback()  # the draw commits; its email task finds no broker

    refused = wait_until(lambda: stack.check() or REFUSED in worker.output(), timeout=30)
    assert refused, stack.logs()
    assert stack.value("SELECT drawn_at IS NOT NULL FROM rewards_draw WHERE id = %s", (draw,))
    assert owed_and_emailed(stack, "draw-won:%") == (k, 0)
    assert stack.emails() == []

    stack.redis.start()  # the same port, empty: the refused task is nowhere

    def all_emailed():
        stack.check()
        return owed_and_emailed(stack, "draw-won:%") == (0, k) and len(stack.emails()) >= k

    assert wait_until(all_emailed, timeout=60), stack.logs()
    wait_until(lambda: stack.check(), timeout=3)  # three sweeps more: nothing sent twice
    assert stack.recipients() == sorted(winners(stack, draw))
    assert "send_stranded_notice_emails" in worker.output()
