"""What every draw step shares: the draw's row lock and its audit trail."""

from ..models import Draw, DrawEvent

Action = DrawEvent.Action


def event_record(*, draw, action, now, actor=None, result=None, note=""):
    return DrawEvent.objects.create(
        draw=draw, action=action, actor=actor, result=result, note=note[:300], at=now
    )


def draw_lock(draw_id):
    return Draw.objects.select_for_update().select_related("prize", "programme").get(pk=draw_id)
