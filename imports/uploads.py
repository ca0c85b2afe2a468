"""Limits on activity-file uploads, and the upload handler that enforces the byte limits.

Django sets no limit on the size of an uploaded file. ``SizeLimitedUploadHandler`` runs first
in ``FILE_UPLOAD_HANDLERS`` (it has to: the CSRF check reads the request body before any view
runs), counts each file's bytes as they arrive and drops a file the moment it passes the
per-file limit, or the request's total. A dropped file's remaining bytes are read and thrown
away, never stored; the view finds what was dropped, and why, in ``request.upload_refusals``.
"""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .activity_files import MAX_FILE_BYTES

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_FILES_PER_REQUEST",
    "MAX_REQUEST_BYTES",
    "UPLOADS_MAX",
    "UPLOADS_PER_DAY",
    "SizeLimitedUploadHandler",
]

MEGABYTE = 1024 * 1024
#: Files in one request (the same number as DATA_UPLOAD_MAX_NUMBER_FILES, Django's backstop).
MAX_FILES_PER_REQUEST = 10
#: All the files of one request together.
MAX_REQUEST_BYTES = 60 * MEGABYTE
#: Uploads one participant may make in 24 hours, and in all.
UPLOADS_PER_DAY = 30
UPLOADS_MAX = 200

TOO_LARGE = "too_large"
REQUEST_TOO_LARGE = "request_too_large"


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.kept_bytes = 0
        self.file_bytes = 0
        if request is not None:
            request.upload_refusals = []

    def _refuse(self, reason):
        if self.request is not None:
            self.request.upload_refusals.append((self.file_name, reason))
        self.kept_bytes -= self.file_bytes
        raise SkipFile

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file_bytes = 0
        # Browsers send no per-part length, but a client that does is believed at once. The
        # refusal waits for the first chunk: skipping here, before the next handlers opened
        # this file, would make Django close the previous file instead.
        self.declared_too_large = (
            self.content_length is not None and self.content_length > MAX_FILE_BYTES
        )

    def receive_data_chunk(self, raw_data, start):
        if self.declared_too_large:
            self._refuse(TOO_LARGE)
        self.file_bytes += len(raw_data)
        self.kept_bytes += len(raw_data)
        if self.file_bytes > MAX_FILE_BYTES:
            self._refuse(TOO_LARGE)
        if self.kept_bytes > MAX_REQUEST_BYTES:
            self._refuse(REQUEST_TOO_LARGE)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file
