from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PRIZE_IMAGE_MAX_BYTES = 2 * 1024 * 1024
# The file's first bytes, not its name, say what it is.
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def _is_image(head):
    return head.startswith(_IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def validate_prize_image(file):
    if file.size > PRIZE_IMAGE_MAX_BYTES:
        raise ValidationError(_("The image is larger than 2 MB."))
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(12)
    file.seek(position)
    if not _is_image(head):
        raise ValidationError(_("Upload a PNG, JPEG or WebP image."))


# Addresses under /draws/ that belong to pages, not to a draw.
RESERVED_DRAW_SLUGS = {"method"}


def validate_draw_slug(value):
    if value in RESERVED_DRAW_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of another page; choose another."), params={"slug": value}
        )
