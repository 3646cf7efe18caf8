"""Every file the product hands out (CSV, XLSX, the 903 zip) is written through this module.

* **Cells.** A spreadsheet runs a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return as a formula (CSV injection). ``neutralise`` puts a single quote ``'`` in front
  of such a cell (OWASP's advice), so the spreadsheet shows the text instead of running it. A
  number is never touched: one written as a number (an ``int``, a ``Decimal``) is not text, and a
  text that is only a plain decimal number (``-3.5``) is read by a spreadsheet as that number,
  never as a formula. ``csv_writer`` wraps ``csv.writer``; ``xlsx_set`` writes one XLSX cell
  (openpyxl).
* **File names.** ``attachment`` sets Content-Disposition from a name that may hold what a user
  typed (a contract reference): control characters are dropped, path separators and characters
  that are not allowed in file names become ``-``, and the header carries a plain ASCII
  ``filename`` (always quotable) and, when the name has other letters, RFC 6266's ``filename*``.

``tests/core/test_downloads_safe.py`` walks the URLconf, seeds hostile text behind every download
and fails on any cell or file name that did not come through here.
"""

import csv
import re
import unicodedata
from urllib.parse import quote

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(cell):
    """The cell as it may be written: a text a spreadsheet would run as a formula gets a leading
    ``'``; anything else (numbers, dates, None, other text) is returned as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options) -> _SafeWriter:
    """``csv.writer(file, **options)`` whose every cell goes through ``neutralise``. Its
    ``writerow`` returns what the file's ``write`` returned (for streaming, see ``Echo``)."""
    return _SafeWriter(csv.writer(file, **options))


class Echo:
    """A file for ``csv_writer`` that hands each line back (Django's streaming CSV pattern)."""

    def write(self, value):
        return value


def xlsx_set(cell, value) -> None:
    """Write ``value`` into an openpyxl cell: text neutralised and stored as text (openpyxl would
    otherwise store a text starting with ``=`` as a formula), numbers as numbers."""
    value = neutralise(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


# -- file names ------------------------------------------------------------------------------------

_NOT_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|;,]+')
_ASCII_FILE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, default: str = "download") -> str:
    """``name`` as a file name: no control characters, no path separators, no leading dots."""
    name = unicodedata.normalize("NFKC", str(name))
    name = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in name)
    name = _NOT_IN_FILE_NAMES.sub("-", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    return name[:150] or default


def ascii_filename(name: str) -> str:
    """The plain ASCII fallback of a safe file name (letters folded, anything else ``_``)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _ASCII_FILE_NAME.sub("_", folded).strip(" .-") or "download"


def content_disposition(filename: str) -> str:
    """A Content-Disposition value that saves as ``filename`` (made safe first)."""
    name = safe_filename(filename)
    fallback = ascii_filename(name)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def attachment(response, filename: str):
    """Mark ``response`` as a download saved as ``filename``; returns the response."""
    response["Content-Disposition"] = content_disposition(filename)
    return response
