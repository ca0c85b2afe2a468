"""Two beats at once (a second one started by mistake): one announcement, one email each.

Each beat sends ``unlock_due_levels`` every second (shortened from a minute) and the
stranded-email sweep every second. The test holds the notices table while the level comes
due, so the first unlock waits inside its transaction and the other beat's unlock reaches
the level's row at the same time: the conditional claim must let only one announce it.
"""

import pytest

from tests.faults.scenes import PROGRAMME_NOT_YET_DUE, owed_and_emailed
from tests.faults.servers import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.xdist_group("faults")]

UNLOCK_SENT = "Sending due task unlock-due-levels"


def test_two_beats_announce_a_level_once_with_one_email_per_participant(stack):
    scene = stack.script(PROGRAMME_NOT_YET_DUE.format(count=6))
    level, addresses = scene["level"], scene["emails"]
    key = f"level-unlocked:{level}"
    beats = [stack.beat(), stack.beat()]
    stack.worker(concurrency=3)

    notices_table, _ = stack.hold("LOCK TABLE notifications_notice IN SHARE MODE")
    stack.sql("UPDATE programme_level SET unlocks_at = now() WHERE id = %s", (level,))
    # One unlock holds the level's claim and waits to write the notices; another waits for
    # the level's row.
    stack.wait_for_blocked("%INSERT INTO notifications_notice%")  # unlocks.py's own SQL
    stack.wait_for_blocked('UPDATE "programme_level"%')
    notices_table.rollback()

    def all_emailed():
        stack.check()
        return owed_and_emailed(stack, key) == (0, 6) and len(stack.emails()) >= 6

    assert wait_until(all_emailed, timeout=60), stack.logs()
    wait_until(lambda: stack.check(), timeout=3)  # more unlocks and sweeps from both beats

    assert all(process.output().count(UNLOCK_SENT) >= 3 for process in beats), stack.logs()
    assert stack.recipients() == addresses
    assert stack.value("SELECT count(*) FROM notifications_notice") == 6
    # One announcement: the level's moment is the notices' moment (a second claim would
    # have moved it), and no other level was touched.
    assert stack.sql(
        "SELECT l.id, l.announced_at = min(n.created_at), min(n.created_at) = max(n.created_at)"
        " FROM programme_level l JOIN notifications_notice n ON n.key = 'level-unlocked:' || l.id"
        " WHERE l.announced_at IS NOT NULL GROUP BY l.id"
    ) == [(level, True, True)]
