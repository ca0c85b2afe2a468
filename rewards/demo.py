"""The demo prizes and draws that ``seed_demo`` adds: safe to run again."""

from .models import Draw, Prize

DEMO_PRIZES = {
    "shoes": {
        "name": "A pair of running shoes",
        "sponsor": "Stride & Co.",
        "description": "Road or trail, in your size. 300 pairs are drawn among the finishers.",
        "quantity": 300,
        "needs_shoe_size": True,
    },
    "kit": {
        "name": "Foot-strength kit",
        "sponsor": "Arch Lab",
        "description": "A small roller, a massage ball and a resistance band: the kit of the routine.",
        "quantity": 100,
        "needs_shoe_size": False,
    },
}

DEMO_DRAWS = [
    {
        "slug": "demo-shoes",
        "title": "The big shoe draw",
        "prize": "shoes",
        "winners": 300,
        "alternates": 100,
        "level_number": None,
        "claim_window_days": 14,
    },
    {
        "slug": "demo-kit-week-3",
        "title": "Halfway kit draw",
        "prize": "kit",
        "winners": 100,
        "alternates": 20,
        "level_number": 3,
        "claim_window_days": 10,
    },
]


def ensure_prizes(*, programme):
    """The demo's prizes, and its draws as drafts (a draw staff already moved on is left alone)."""
    prizes = {}
    for key, fields in DEMO_PRIZES.items():
        prizes[key], _ = Prize.objects.update_or_create(
            programme=programme, name=fields["name"], defaults=fields
        )
    for spec in DEMO_DRAWS:
        level = (
            programme.levels.filter(number=spec["level_number"]).first()
            if spec["level_number"]
            else None
        )
        Draw.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "programme": programme,
                "prize": prizes[spec["prize"]],
                "title": spec["title"],
                "winners": spec["winners"],
                "alternates": spec["alternates"],
                "level": level,
                "claim_window_days": spec["claim_window_days"],
            },
        )
    return prizes
