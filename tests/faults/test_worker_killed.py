"""A worker SIGKILLed in the middle of a draw, or of an unlock's emails, loses nothing.

Celery acknowledges late, but a message a killed worker held comes back only after the
broker's visibility timeout (20 minutes): the beat sweeps are what finish the work in
minutes (here seconds, their settings shortened). The test stops the worker at a chosen
statement by holding a lock it needs, kills it there, starts a new one and checks the end:
the draw drawn once, each email sent once.
"""

import pytest
from celery import Celery

from tests.faults.scenes import (
    DRAW_READY,
    DRAW_RUN_ASKED,
    PROGRAMME_NOT_YET_DUE,
    owed_and_emailed,
    winners,
)
from tests.faults.servers import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.xdist_group("faults")]

# Seconds to watch, once all is done, for anything sent twice (three sweeps at least).
SETTLE = 3


def test_a_worker_killed_mid_draw_leaves_nothing_and_the_sweep_draws_it_once(stack):
    scene = stack.script(DRAW_READY)
    draw, k = scene["draw"], scene["winners"]
    stack.beat()
    first = stack.worker()

    # The draw's transaction will wait to write the winners' notices: ranked, results
    # written, state set, nothing committed.
    notices_table, _ = stack.hold("LOCK TABLE notifications_notice IN SHARE MODE")
    asked = stack.script(DRAW_RUN_ASKED.format(**scene))
    stack.wait_for_blocked('INSERT INTO "notifications_notice"%')
    stack.kill(first)
    notices_table.rollback()

    assert stack.value("SELECT state FROM rewards_draw WHERE id = %s", (draw,)) == (
        "entries_closed"
    )
    assert stack.value("SELECT count(*) FROM rewards_drawresult") == 0
    assert stack.value("SELECT count(*) FROM notifications_notice") == 0

    second = stack.worker()

    def drawn_and_emailed():
        stack.check()
        return owed_and_emailed(stack, "draw-won:%") == (0, k) and len(stack.emails()) >= k

    assert wait_until(drawn_and_emailed, timeout=60), stack.logs()
    # The sweep queued it again (its audit entry has no actor): not the broker handing the
    # killed worker's message out again, which takes the visibility timeout.
    assert stack.value(
        "SELECT count(*) FROM rewards_drawevent"
        " WHERE draw_id = %s AND action = 'run_requeued' AND actor_id IS NULL",
        (draw,),
    )

    # The killed worker's message, delivered again after all, changes nothing.
    client = Celery("faults-client", broker=stack.redis.url)
    try:
        client.send_task("rewards.tasks.run_draw", args=[draw], task_id=asked["task_id"])
    finally:
        client.close()
    done_again = f"rewards.tasks.run_draw[{asked['task_id']}] succeeded in"
    assert wait_until(lambda: stack.check() or done_again in second.output(), timeout=30), (
        stack.logs()
    )
    assert second.output().split(done_again)[1].split("\n")[0].endswith(": 0")

    wait_until(lambda: stack.check(), timeout=SETTLE)
    assert stack.value("SELECT state FROM rewards_draw WHERE id = %s", (draw,)) in {
        "drawn",
        "finished",
    }
    assert stack.value("SELECT count(*) FROM rewards_drawevent WHERE action = 'drawn'") == 1
    winner_emails = winners(stack, draw)
    assert len(winner_emails) == k
    assert stack.recipients() == sorted(winner_emails)  # each winner once, nobody else
    assert owed_and_emailed(stack, "draw-won:%") == (0, k)


def test_a_worker_killed_mid_unlock_emails_sends_each_email_once_after_the_sweep(stack):
    scene = stack.script(PROGRAMME_NOT_YET_DUE.format(count=30))
    level, addresses = scene["level"], scene["emails"]
    key = f"level-unlocked:{level}"
    stack.beat()
    first = stack.worker()

    # The announcement commits; its email batch waits (it reads the recipients' users).
    users_table, _ = stack.hold("LOCK TABLE accounts_user IN ACCESS EXCLUSIVE MODE")
    stack.sql("UPDATE programme_level SET unlocks_at = now() WHERE id = %s", (level,))
    stack.wait_for_blocked('SELECT "notifications_notice"."id"%')
    assert owed_and_emailed(stack, key) == (30, 0)
    announced_at = stack.value("SELECT announced_at FROM programme_level WHERE id = %s", (level,))
    # The batch will stop at the 13th notice: twelve sent, the rest owed.
    # (Not FOR UPDATE with OFFSET: that locks the rows it skips too.)
    thirteenth = stack.value(
        "SELECT id FROM notifications_notice WHERE key = %s ORDER BY id OFFSET 12 LIMIT 1", (key,)
    )
    notice_row, _ = stack.hold(
        "SELECT id FROM notifications_notice WHERE id = %s FOR UPDATE", (thirteenth,)
    )
    users_table.rollback()

    def stopped_at_the_13th():
        stack.check()
        return owed_and_emailed(stack, key) == (18, 12) and stack.waiting(
            'UPDATE "notifications_notice"%'
        )

    assert wait_until(stopped_at_the_13th, timeout=30), stack.logs()
    stack.kill(first)
    # PostgreSQL notices the client is gone (client_connection_check_interval) and cancels
    # its waiting claims, which would otherwise commit once the row is free.
    gone = wait_until(lambda: not stack.waiting('UPDATE "notifications_notice"%'), timeout=10)
    assert gone, "the killed worker's claim still waits for the row"
    notice_row.rollback()

    assert owed_and_emailed(stack, key) == (18, 12)
    assert len(stack.emails()) == 12

    stack.worker()

    def all_emailed():
        stack.check()
        return owed_and_emailed(stack, key) == (0, 30) and len(stack.emails()) >= 30

    assert wait_until(all_emailed, timeout=60), stack.logs()
    wait_until(lambda: stack.check(), timeout=SETTLE)

    assert stack.recipients() == addresses  # each participant once
    assert owed_and_emailed(stack, key) == (0, 30)
    # One announcement: beat asked every second, nothing claimed the level again.
    assert stack.sql(
        "SELECT id, announced_at FROM programme_level WHERE announced_at IS NOT NULL"
    ) == [(level, announced_at)]
    assert stack.value("SELECT count(*) FROM notifications_notice") == 30
