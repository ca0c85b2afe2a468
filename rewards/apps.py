from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Prizes and draws")

    def ready(self):
        from programme.activities import page_part_register

        from .selectors import prizes_to_claim_part

        # A prize won stays on the dashboard, with its deadline, until it is claimed.
        page_part_register("dashboard", "rewards.prizes_to_claim", prizes_to_claim_part)
