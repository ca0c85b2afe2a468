import datetime
import logging
import re
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)

LINK = re.compile(r"https?://[^\s<>\"']+")


class OneFilePerEmailBackend(BaseEmailBackend):
    """``filemail://``: each email is one ``.eml`` file in a folder (Django's file backend
    writes one file per connection, i.e. a whole batch in one file)."""

    def __init__(self, *, file_path, **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(file_path)

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            path.write_bytes(message.message().as_bytes())
            self.written(message, path)
            sent += 1
        return sent

    def written(self, message, path):
        """Called after each email is written to ``path``."""


class DevelopmentEmailBackend(OneFilePerEmailBackend):
    """`make run`'s mail: each email a file, plus one log line with its subject and first
    link, whole and clickable (the console backend printed quoted-printable bodies, links
    split across lines behind honcho's prefixes, and through the worker's stdout)."""

    def written(self, message, path):
        link = LINK.search(message.body or "")
        logger.info(
            "Email to %s: %s%s (%s)",
            ", ".join(message.to),
            " ".join(str(message.subject).split()),
            f" {link.group(0)}" if link else "",
            path,
        )
