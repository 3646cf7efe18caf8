"""Uploads are bounded: how big a file may be, said in words, and refused before it is read.

``CASEWORK_UPLOAD_MAX_BYTES`` (setting, from the environment) is the most the files of one upload
field may hold together. Django writes an uploaded file to a temporary file once it passes
``FILE_UPLOAD_MAX_MEMORY_SIZE``, so an upload never sits in memory whole; ``UploadLimitHandler``,
first of ``FILE_UPLOAD_HANDLERS``, also stops keeping a file once it passes the limit (the rest of
it is read from the connection and dropped), so even a huge upload costs neither memory nor disk,
and the form refuses it by its size (``check_total_size``) before anything reads it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

MB = 1024 * 1024


def max_bytes() -> int:
    return settings.CASEWORK_UPLOAD_MAX_BYTES


def size_words(size: int) -> str:
    """A size as GOV.UK writes it: "50MB", "1.5MB", "800KB"."""
    if size >= MB:
        return f"{round(size / MB, 1):g}MB"
    return f"{max(1, round(size / 1024))}KB"


def check_total_size(files, *, name: str) -> None:
    """Refuse files that together pass the limit, by the sizes the upload recorded (nothing read).
    ``name`` is the field, as the subject of the sentence ("The year's 903 files")."""
    total = sum(f.size or 0 for f in files)
    if total > max_bytes():
        raise ValidationError(
            f"{name} must be smaller than {size_words(max_bytes())} in total",
            code="file_too_large",
        )


class TooLargeUpload(UploadedFile):
    """What is kept of a file past the limit: its name and the size it reached, no content."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def open(self, mode=None):
        raise ValueError("a file refused for its size has no content")

    def read(self, *args, **kwargs):
        raise ValueError("a file refused for its size has no content")


class UploadLimitHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive; past the limit, the handlers after it are given no
    more of the file, and the form receives a ``TooLargeUpload`` carrying the size reached."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return None if self.received > max_bytes() else raw_data

    def file_complete(self, file_size):
        if self.received > max_bytes():
            return TooLargeUpload(self.file_name, self.content_type, self.received)
        return None  # the next handler (memory, or a temporary file) hands over the file
