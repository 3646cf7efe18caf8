"""The tables a commissioner takes away (monitoring report, payment statement, outcomes per child)
as CSV text or as an XLSX workbook whose numbers are numbers.

A row's cells are plain Python values: ``str`` is text (a suppressed count is the text "[c]"),
``int`` a count, ``Decimal`` pounds or a target, ``float`` a figure to one decimal place, and
``Percent`` a proportion (0.5 is 50 %), written to a spreadsheet as 0.5 formatted '0.0%' and to
CSV as 50.0, so both say what the page says."""

import io
from dataclasses import dataclass
from decimal import Decimal

from casework.core import downloads


@dataclass(frozen=True)
class Percent:
    fraction: float

    @classmethod
    def of(cls, points) -> "Percent | None":
        """A percentage given in points (50.0 for 50 %); None stays empty."""
        return None if points is None else cls(float(points) / 100)


@dataclass(frozen=True)
class Money:
    pounds: Decimal


FORMATS = {Percent: "0.0%", Money: "#,##0.00", Decimal: "0.00", float: "0.0", int: "0"}


def as_text(cell) -> str:
    """A cell as CSV text."""
    if cell is None:
        return ""
    if isinstance(cell, Percent):
        return f"{100 * cell.fraction:.1f}"
    if isinstance(cell, Money):
        return f"{cell.pounds:.2f}"
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


def csv_text(columns: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = downloads.csv_writer(buffer)
    writer.writerow(columns)
    writer.writerows([as_text(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def xlsx_bytes(columns: list[str], rows: list[list], title: str) -> bytes:
    """One sheet: a bold header row, then each cell as a number with its format or as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for column, heading in enumerate(columns, start=1):
        downloads.xlsx_set(sheet.cell(row=1, column=column), heading)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=n, column=column)
            if isinstance(value, Percent):
                cell.value = value.fraction
            elif isinstance(value, Money):
                cell.value = value.pounds
            else:
                downloads.xlsx_set(cell, value)
            if type(value) in FORMATS:
                cell.number_format = FORMATS[type(value)]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
