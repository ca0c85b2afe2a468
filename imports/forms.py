from django import forms
from django.utils.translation import gettext_lazy as _

from .uploads import MAX_FILE_BYTES, MAX_FILES_PER_REQUEST, MAX_REQUEST_BYTES, MEGABYTE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each may be empty (the importer says why it is refused)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else [data]
        if not items:
            items = [None]  # lets the field say it is required
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ActivityUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("GPX, TCX or FIT files"),
        help_text=_(
            "Up to %(files)s files at once, %(file_mb)s MB each and %(total_mb)s MB together."
        )
        % {
            "files": MAX_FILES_PER_REQUEST,
            "file_mb": MAX_FILE_BYTES // MEGABYTE,
            "total_mb": MAX_REQUEST_BYTES // MEGABYTE,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs.update(
            {
                "accept": ".gpx,.tcx,.fit,application/gpx+xml,application/vnd.garmin.tcx+xml",
                "data-max-files": MAX_FILES_PER_REQUEST,
                "data-max-file-bytes": MAX_FILE_BYTES,
                "data-max-request-bytes": MAX_REQUEST_BYTES,
            }
        )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES_PER_REQUEST:
            raise forms.ValidationError(
                _("Send at most %(limit)s files at once.") % {"limit": MAX_FILES_PER_REQUEST}
            )
        # The upload handler already dropped larger files; this is the backstop.
        if any(f.size > MAX_FILE_BYTES for f in files):
            raise forms.ValidationError(
                _("Each file may be at most %(limit)s MB.") % {"limit": MAX_FILE_BYTES // MEGABYTE}
            )
        if sum(f.size for f in files) > MAX_REQUEST_BYTES:
            raise forms.ValidationError(
                _("The files may be at most %(limit)s MB together.")
                % {"limit": MAX_REQUEST_BYTES // MEGABYTE}
            )
        return files
