"""What the draw admin pages share."""

SHIPPING_PERMISSION = "rewards.view_shipping_address"
CONFIG_FIELDS = [
    "programme",
    "prize",
    "title",
    "slug",
    "winners",
    "alternates",
    "level",
    "one_prize_per_person",
    "eligible_countries",
    "claim_window_days",
]
