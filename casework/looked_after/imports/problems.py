"""What is wrong with a 903 file, and the error that refuses the files having written nothing."""

from dataclasses import dataclass

MAX_PROBLEMS = 200


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int  # line in the file, the header row being line 1; 0 for the file as a whole
    column: str  # the column's name, or "" for the whole row or file
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:"
        return f"{where} {self.column}: {self.reason}" if self.column else f"{where} {self.reason}"


class ReturnImportError(Exception):
    """The files cannot be imported; ``problems`` says where and why (nothing was written)."""

    def __init__(self, problems: list[Problem]):
        self.total = len(problems)
        self.problems = sorted(problems)[:MAX_PROBLEMS]
        shown = "" if self.total <= MAX_PROBLEMS else f" (the first {MAX_PROBLEMS} are listed)"
        super().__init__(f"{self.total} problem(s) in the 903 files{shown}: nothing was imported")
