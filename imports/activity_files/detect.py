"""Reading an upload within the size limit, and telling its format from its content.

The file name is never consulted: people rename files, phones add extensions, and a
``run.gpx`` may well be a ZIP archive or a screenshot.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from .errors import ActivityFileError

__all__ = ["HEAD_BYTES", "MAX_FILE_BYTES", "detect_format", "read_limited"]

MAX_FILE_BYTES = 20 * 1024 * 1024
#: How much of the start of a file ``detect_format`` is given.
HEAD_BYTES = 64 * 1024
_READ_CHUNK = 1024 * 1024

_NOT_OURS = "not a GPX, TCX or FIT file."

# (magic prefix, what it is) for the things people most often upload by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an XZ-compressed file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
)

_DTD_MESSAGE = "The file contains an XML document type declaration, which is not allowed."

_XML_NAME = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def _too_large() -> ActivityFileError:
    return ActivityFileError(
        f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the most we accept.",
        code="too_large",
    )


def read_limited(data: bytes | bytearray | memoryview | BinaryIO) -> bytes:
    """Return the upload's bytes, refusing anything over ``MAX_FILE_BYTES``.

    A stream is read in chunks and abandoned as soon as it passes the limit, so a huge upload
    never sits in memory as a whole.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > MAX_FILE_BYTES:
            raise _too_large()
        return bytes(data)
    read = getattr(data, "read", None)
    if not callable(read):
        raise ActivityFileError("The upload could not be read.", code="unreadable")
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = read(min(_READ_CHUNK, MAX_FILE_BYTES + 1 - total))
        except Exception as exc:  # an interrupted upload, a closed file, ...
            raise ActivityFileError("The upload could not be read.", code="unreadable") from exc
        if not chunk:
            break
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise ActivityFileError("The upload could not be read.", code="unreadable")
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise _too_large()
        chunks.append(bytes(chunk))
    return b"".join(chunks)


def _decode_head(head: bytes) -> str | None:
    """Decode the start of a text file for sniffing; ``None`` when it is not UTF-8 text.

    Byte-order marks (UTF-8/16/32) are honoured, and so is an XML declaration naming another
    encoding (only ASCII-compatible ones matter for finding the root element's name).
    """
    boms = (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    )
    for bom, encoding in boms:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    if head.startswith(b"<\x00?\x00") or head.startswith(b"<\x00\x00\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<\x00?"):
        return head.decode("utf-16-be", errors="replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) >= HEAD_BYTES:
            # the head was cut in the middle of a multi-byte character
            return head[: exc.start].decode("utf-8", errors="replace")
        if head.lstrip(b" \t\r\n").startswith(b"<"):
            # Looks like XML in another encoding (declared or not): sniff the root element's
            # name from its ASCII bytes; the XML parser then judges the encoding.
            return head.decode("latin-1")
        return None


def _looks_binary(head: bytes) -> bool:
    sample = head[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(sample) // 20


def _text_looks_binary(sample: str) -> bool:
    controls = sum(1 for char in sample if char < " " and char not in "\t\n\f\r")
    return "\x00" in sample or controls > len(sample) // 20


def _xml_root_name(text: str) -> str | None:
    """The local name of the root element, skipping the prolog; ``None`` if not found."""
    pos = 0
    length = len(text)
    while pos < length:
        while pos < length and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                return None
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return None
            pos = end + 3
        elif text.startswith("<!", pos):
            if text[pos : pos + 14].lower().startswith("<!doctype html"):
                raise ActivityFileError(
                    f"This is a web page (HTML), {_NOT_OURS}", code="wrong_format"
                )
            # <!DOCTYPE ...>: the gateway to billion-laughs and external entities. Refused
            # outright, before any XML parser sees it.
            raise ActivityFileError(_DTD_MESSAGE, code="xml_dtd")
        else:
            match = _XML_NAME.match(text, pos)
            return match.group(1) if match else None
    return None


def detect_format(head: bytes) -> str:
    """Return ``"gpx"``, ``"tcx"`` or ``"fit"`` for the first bytes of a file.

    Give it at least the first few kilobytes (``HEAD_BYTES`` is plenty). Anything else raises
    ``ActivityFileError`` saying what the file seems to be instead.
    """
    if not head:
        raise ActivityFileError("The file is empty.", code="empty")
    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ActivityFileError(f"This is {what}, {_NOT_OURS}", code="wrong_format")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise ActivityFileError(f"This is a WebP image, {_NOT_OURS}", code="wrong_format")
    if head[4:8] == b"ftyp":
        raise ActivityFileError(
            f"This is a photo or video (HEIC/MP4), {_NOT_OURS}", code="wrong_format"
        )

    text = _decode_head(head)
    if text is None:
        if _looks_binary(head):
            raise ActivityFileError(
                f"The file holds binary data of an unknown kind, {_NOT_OURS}", code="wrong_format"
            )
        raise ActivityFileError(
            f"The file is text that is not UTF-8 encoded, {_NOT_OURS}", code="not_utf8"
        )
    stripped = text.lstrip(" \t\r\n\ufeff")
    if not stripped:
        raise ActivityFileError("The file is empty.", code="empty")
    if _text_looks_binary(stripped[:4096]):
        raise ActivityFileError(
            f"The file holds binary data of an unknown kind, {_NOT_OURS}", code="wrong_format"
        )
    if not stripped.startswith("<"):
        if stripped[0] in "{[":
            raise ActivityFileError(f"This is a JSON file, {_NOT_OURS}", code="wrong_format")
        raise ActivityFileError(f"This is a plain text file, {_NOT_OURS}", code="wrong_format")

    root = _xml_root_name(stripped)
    if root is None:
        raise ActivityFileError(
            f"The file starts like XML but has no recognisable root element, so it is {_NOT_OURS}",
            code="wrong_format",
        )
    if root.lower() == "gpx":
        return "gpx"
    if root.lower() == "trainingcenterdatabase":
        return "tcx"
    if root.lower() == "html":
        raise ActivityFileError(f"This is a web page (HTML), {_NOT_OURS}", code="wrong_format")
    if root.lower() == "kml":
        raise ActivityFileError(
            "This is a KML map file, not a GPX, TCX or FIT file. Export the activity itself "
            "instead.",
            code="wrong_format",
        )
    raise ActivityFileError(
        f"This is an XML file of another kind (<{root[:40]}>), {_NOT_OURS}", code="wrong_format"
    )
