from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(site_from_settings, sender=self)


def site_from_settings(**kwargs):
    """The Site row (allauth reads it where it has no request) says the real address: the
    host of SITE_URL and the brand's name, never Django's example.com."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={
            "domain": urlsplit(settings.SITE_URL).netloc,
            "name": settings.BRAND["name"],
        },
    )
