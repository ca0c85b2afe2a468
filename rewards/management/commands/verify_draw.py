from django.core.management.base import BaseCommand, CommandError

from rewards.verification import VerificationFailed, verify_stored_draw


class Command(BaseCommand):
    help = (
        "Re-check a stored draw from its published data: commitment, entries digest, "
        "canonical entries file and the ranked result (prize-draw.md, 'Verifying')."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the draw's public address, as in /draws/<slug>/")

    def handle(self, *args, slug, **options):
        try:
            lines = verify_stored_draw(slug)
        except VerificationFailed as failure:
            raise CommandError(str(failure)) from None
        for line in lines:
            self.stdout.write(line)
