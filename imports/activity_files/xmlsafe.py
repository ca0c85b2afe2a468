"""Safe, streaming XML for GPX and TCX.

Parsing goes through defusedxml's SAX driver with DTDs forbidden outright: without a document
type declaration no entity can be declared, so billion-laughs, quadratic blow-up, external
entities and DTD retrieval are all refused at the ``<!DOCTYPE`` itself, without network access.

SAX rather than a tree: nothing of the document is kept but the values the handlers pick up,
so memory follows the number of track points, not the number of elements (an ElementTree of a
20 MB file of junk elements takes over 500 MB). Nesting is capped too, and so is what expat
itself holds: one piece of markup (a start tag with a million attributes took 400 MB) and the
table of distinct element and attribute names it keeps for the whole document (3 million
names took 270 MB).
"""

from __future__ import annotations

import io
import math
import re
from datetime import UTC, datetime
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler, ErrorHandler

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.expatreader import DefusedExpatParser

from .detect import _DTD_MESSAGE
from .errors import ActivityFileError

__all__ = ["StreamHandler", "local_name", "parse_float", "parse_time", "parse_xml"]

#: Deeper than this is not an activity file (GPX and TCX need fewer than 10 levels).
MAX_DEPTH = 64
#: Longest text kept from one element (a time, a number, a sport name).
MAX_TEXT = 256
#: Most distinct element and attribute names (with their prefix) in one file. GPX and TCX with
#: their device extensions use under a hundred; expat keeps every one it meets until the end.
MAX_NAMES = 2_000
#: Longest piece of markup expat may hold while waiting for its end (a start tag with its
#: attributes, a comment); an activity file's are under a kilobyte. Text is not held whole.
MAX_TOKEN_BYTES = 1024 * 1024

_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


def local_name(qname: str) -> str:
    """``prefix:name`` -> ``name``: matching is namespace-insensitive."""
    return qname.rpartition(":")[2]


class StreamHandler(ContentHandler):
    """Tracks depth and collects the text of the element asked for with ``capture()``.

    Subclasses implement ``start(name, attrs)`` and ``end(name)`` with local names;
    ``self.depth`` is the depth of the element concerned (the root is 1).
    """

    root_names: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self._text: list[str] | None = None
        self._text_length = 0
        self.capture_depth = 0
        self._local_names: dict[str, str] = {}

    def _local(self, qname: str) -> str:
        try:
            return self._local_names[qname]
        except KeyError:
            local = self._local_names[qname] = local_name(qname)
            self._check_names()
            return local

    def _check_names(self) -> None:
        if len(self._local_names) > MAX_NAMES:
            raise ActivityFileError(
                f"The file's XML uses more than {MAX_NAMES:,} different element and attribute "
                "names, far too many for an activity file.",
                code="damaged",
            )

    def _note_attribute_names(self, attrs) -> None:
        names = self._local_names
        for qname in attrs.getNames():
            if qname not in names:
                names[qname] = local_name(qname)
                self._check_names()

    def startElement(self, name, attrs):  # noqa: N802 - SAX API
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ActivityFileError(
                "The file's XML is nested too deeply to be an activity file.", code="damaged"
            )
        local = self._local(name)
        if attrs:
            self._note_attribute_names(attrs)
        if self.depth == 1 and self.root_names and local not in self.root_names:
            raise ActivityFileError(
                f"The file's root element is <{local[:40]}>, not <{self.root_names[0]}>.",
                code="wrong_format",
            )
        self.start(local, attrs)

    def endElement(self, name):  # noqa: N802 - SAX API
        self.end(self._local(name))
        self.depth -= 1

    def characters(self, content):
        if self._text is not None and self._text_length < MAX_TEXT:
            self._text.append(content)
            self._text_length += len(content)

    def capture(self) -> None:
        """Start collecting the text of the element just started."""
        self._text = []
        self._text_length = 0
        self.capture_depth = self.depth

    def captured(self) -> str | None:
        """The collected text, if the element ending now is the one being captured."""
        if self._text is None or self.depth != self.capture_depth:
            return None
        text = "".join(self._text)[:MAX_TEXT]
        self._text = None
        self.capture_depth = 0
        return text

    def start(self, name: str, attrs) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def end(self, name: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class _BoundedExpatParser(DefusedExpatParser):
    """defusedxml's parser, refusing a piece of markup that grows past ``MAX_TOKEN_BYTES``.

    Expat holds an unfinished token until its end arrives, then builds all its attributes at
    once; after each chunk fed, the bytes since the last complete token say how big the pending
    one is. (Checking also keeps expat 2.5 from rescanning one huge token at every chunk.)
    """

    def reset(self):
        super().reset()
        self._fed_bytes = 0

    def feed(self, data, isFinal=False):  # noqa: N803 - SAX API
        super().feed(data, isFinal)
        self._fed_bytes += len(data)
        if self._fed_bytes - max(self._parser.CurrentByteIndex, 0) > MAX_TOKEN_BYTES:
            raise ActivityFileError(
                f"The file's XML holds a tag longer than {MAX_TOKEN_BYTES // (1024 * 1024)} MB, "
                "far too long for an activity file.",
                code="damaged",
            )


class _RaisingErrorHandler(ErrorHandler):
    def warning(self, exception):
        pass


def _parse_error_message(exc: SAXParseException, data: bytes) -> ActivityFileError:
    line, column = exc.getLineNumber(), exc.getColumnNumber()
    where = f" (line {line}, column {column})" if line else ""
    reason = str(exc.getMessage())
    if reason.startswith("no element found") or reason.startswith("unclosed token"):
        return ActivityFileError(
            f"The file is incomplete: its XML ends too early{where}.", code="damaged"
        )
    if "invalid token" in reason or "encoding" in reason:
        declared = _XML_ENCODING.match(data[:512])
        if declared is None or declared.group(1).lower().replace(b"_", b"-") in (
            b"utf-8",
            b"utf8",
        ):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return ActivityFileError(
                    "The file is text that is not UTF-8 encoded, and it does not declare "
                    "another encoding.",
                    code="not_utf8",
                )
        if "unknown encoding" in reason:
            return ActivityFileError(
                "The file declares a text encoding that does not exist.", code="damaged"
            )
    if "undefined entity" in reason:
        return ActivityFileError(
            f"The file uses an XML entity that is not defined{where}.", code="damaged"
        )
    return ActivityFileError(
        f"The file is damaged: its XML is not well-formed{where}.", code="damaged"
    )


def parse_xml(data: bytes, handler: StreamHandler) -> None:
    """Run ``handler`` over ``data`` with defusedxml's SAX parser; every failure becomes an
    ActivityFileError."""
    parser = _BoundedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    parser.setErrorHandler(_RaisingErrorHandler())
    try:
        parser.parse(io.BytesIO(data))
    except ActivityFileError:
        raise
    except DTDForbidden as exc:
        raise ActivityFileError(_DTD_MESSAGE, code="xml_dtd") from exc
    except EntitiesForbidden as exc:
        raise ActivityFileError(
            "The file declares XML entities, which are not allowed.", code="xml_dtd"
        ) from exc
    except ExternalReferenceForbidden as exc:
        raise ActivityFileError(
            "The file refers to external XML resources, which is not allowed.", code="xml_dtd"
        ) from exc
    except DefusedXmlException as exc:
        raise ActivityFileError(
            "The file uses XML features that are not allowed.", code="xml_dtd"
        ) from exc
    except SAXParseException as exc:
        raise _parse_error_message(exc, data) from exc
    except SAXException as exc:
        raise ActivityFileError(
            "The file is damaged: its XML could not be read.", code="damaged"
        ) from exc
    except LookupError as exc:  # <?xml encoding="no-such-codec"?>
        raise ActivityFileError(
            "The file declares a text encoding that does not exist.", code="damaged"
        ) from exc
    except UnicodeError as exc:
        raise ActivityFileError(
            "The file's text does not match the encoding it declares.", code="damaged"
        ) from exc
    finally:
        # break the parser <-> handler reference cycle promptly
        parser.setContentHandler(ContentHandler())


def parse_time(text: str | None) -> float | None:
    """An ISO 8601 time as POSIX seconds; naive times are taken as UTC; ``None`` if unusable."""
    if not text:
        return None
    text = text.strip()
    try:
        # Since Python 3.11 this reads ISO 8601 as watches write it: "Z", offsets with or
        # without a colon, any number of decimals, a comma for the decimal point.
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        value = moment.timestamp()
    except (OverflowError, ValueError, OSError):
        return None
    return value


def parse_float(text: str | None) -> float | None:
    """A finite float, or ``None``."""
    if text is None:
        return None
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
