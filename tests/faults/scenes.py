"""What the fault tests set up in their stack's database, through the app's own services.

Each is a script run in the app by ``Stack.script``; it prints what the test needs as JSON.
"""

# A programme with entrants and a draw whose entries are closed, ready to be run: k winners,
# m alternates. Every level is already announced, so no unlock email mixes in.
DRAW_READY = """
from django.utils import timezone
from rewards import services
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory
from tests.rewards.factories import DrawFactory, closed, complete

programme = ProgrammeFactory()
programme.levels.update(announced_at=timezone.now())
for index in range(12):
    complete(ParticipantFactory(programme=programme), index % 6 + 1)
staff = StaffFactory()
draw = DrawFactory(prize__programme=programme, winners=3, alternates=2)
closed(draw, staff=staff)  # committed to a real drand round, closed before its time
print(json.dumps({"draw": draw.pk, "staff": staff.pk, "winners": draw.winners}))
"""

# Staff press "Run the draw": what the admin's run view does (rewards/admin/steps.py).
DRAW_RUN_ASKED = """
from rewards import services, tasks
from rewards.models import Draw
from accounts.models import User
from tests.rewards.factories import BEACON_ROUND

draw = services.draw_request_run(
    draw=Draw.objects.get(pk={draw}),
    actor=User.objects.get(pk={staff}),
    signature=BEACON_ROUND["signature"],
    previous_signature=BEACON_ROUND.get("previous_signature", ""),
)
tasks.run_draw.apply_async_on_commit((draw.pk,), task_id=draw.run_task_id)
print(json.dumps({{"task_id": draw.run_task_id}}))
"""

# A programme whose participants all want emails, none of its levels due yet.
PROGRAMME_NOT_YET_DUE = """
import datetime as dt
from django.utils import timezone
from tests.factories import ParticipantFactory, ProgrammeFactory

programme = ProgrammeFactory()
programme.levels.update(unlocks_at=timezone.now() + dt.timedelta(days=1))
participants = ParticipantFactory.create_batch({count}, programme=programme, reminder_emails=True)
level = programme.levels.get(number=1)
print(json.dumps({{"level": level.pk, "emails": sorted(p.user.email for p in participants)}}))
"""


def winners(stack, draw_id):
    """The winners' addresses, by rank."""
    return [
        email
        for (email,) in stack.sql(
            "SELECT u.email FROM rewards_drawresult r"
            " JOIN programme_participant p ON p.id = r.participant_id"
            " JOIN accounts_user u ON u.id = p.user_id"
            " WHERE r.draw_id = %s AND r.role = 'winner' ORDER BY r.rank",
            (draw_id,),
        )
    ]


def owed_and_emailed(stack, key_like):
    """(notices still owing their email, notices emailed) among those whose key is like this."""
    return tuple(
        stack.sql(
            "SELECT count(*) FILTER (WHERE emailed_at IS NULL),"
            " count(*) FILTER (WHERE emailed_at IS NOT NULL)"
            " FROM notifications_notice WHERE key LIKE %s",
            (key_like,),
        )[0]
    )
