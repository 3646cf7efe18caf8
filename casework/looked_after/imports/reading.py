"""Reading one collection year's 903 files into checked rows, without touching the database.

Every problem is collected with its file, line, column and reason (see ``problems.py``); the rows
read without a problem are kept per table.
"""

import codecs
import csv
import io
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from django.conf import settings

from casework.core.uploads import size_words
from casework.looked_after import codes, rules
from casework.looked_after.export import COLUMNS, FILE_NAMES, fmt
from casework.looked_after.imports.cells import KEYS, READERS, ROW_CHECKS, Bad
from casework.looked_after.imports.problems import Problem

REQUIRED_TABLES = ("Header", "Episodes")
FIRST_YEAR_OF_TABLE = {"SWEpisodes": 2024, "DoLo": 2027}


# -- reading files ------------------------------------------------------------------------------------


@dataclass
class ParsedTable:
    name: str  # the 903 table, e.g. "Episodes"
    file: str  # the file it came from
    rows: list[dict] = field(default_factory=list)  # rows read without a problem, with "_line"
    children: set[str] = field(default_factory=set)  # every CHILD named, readable row or not
    refused: set[str] = field(default_factory=set)  # every CHILD with a row refused for a problem
    readable: bool = True  # the columns were right, so the rows were read


@dataclass
class ParsedYear:
    year: int
    tables: dict[str, ParsedTable]
    notes: list[str]

    def rows(self, table: str) -> list[dict]:
        return self.tables[table].rows if table in self.tables else []

    def file(self, table: str) -> str:
        return self.tables[table].file if table in self.tables else FILE_NAMES[table]

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


_TABLE_BY_NAME = {name.lower(): table for table, name in FILE_NAMES.items()} | {
    f"{table.lower()}.csv": table for table in COLUMNS
}
_SHARED_COLUMNS = {"CHILD", "DOB", "SEX"}


def _table_by_columns(columns: list[str]) -> str | None:
    """The table whose own columns (beyond CHILD, DOB and SEX) the file has most of, at least half."""
    present = set(columns)
    scores = {}
    for table, expected in COLUMNS.items():
        own = set(expected) - _SHARED_COLUMNS
        scores[table] = len(own & present) / len(own)
    best = max(scores.values())
    winners = [table for table, score in scores.items() if score == best]
    return winners[0] if best >= 0.5 and len(winners) == 1 else None


CHUNK = 1024 * 1024  # files are checked and decoded a megabyte at a time


def _text(name: str, data: bytes, problems: list[Problem]):
    """The file as text read line by line, decoded as it is read (never a whole decoded copy
    beside the bytes), or None with the problem: not UTF-8 (a byte-order mark is fine), or empty."""
    bad_at = _first_bad_byte(data)
    if bad_at is not None:
        line = data.count(b"\n", 0, bad_at) + 1
        problems.append(
            Problem(
                name,
                line,
                "",
                f"not UTF-8 text (save the file as UTF-8 CSV): byte 0x{data[bad_at]:02X} cannot be read",
            )
        )
        return None
    if _blank(data):
        problems.append(Problem(name, 0, "", "empty file: not even a header row"))
        return None
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def _first_bad_byte(data: bytes) -> int | None:
    """Where the bytes stop being UTF-8, if they do, checked a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), CHUNK):
        try:
            decoder.decode(view[start : start + CHUNK], final=start + CHUNK >= len(data))
        except UnicodeDecodeError as error:
            # the decoder may hold back the start of a character split by the chunk's end
            return start + error.start - len(decoder.getstate()[0])
    return None


def _blank(data: bytes) -> bool:
    view = memoryview(data)[len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0 :]
    return all(bytes(view[i : i + CHUNK]).isspace() for i in range(0, len(view), CHUNK))


def _read_file(name: str, data: bytes, year: int, claimed: dict[str, str], notes: list[str], problems: list[Problem]):
    """One file: its table, its columns, its rows read into values. Returns a ParsedTable or None."""
    table = _TABLE_BY_NAME.get(name.lower())
    if table is not None and not _claim(table, name, year, claimed, problems):
        return None
    text = _text(name, data, problems)
    if text is None:
        return None
    reader = csv.reader(text)
    try:
        columns = [c.strip().upper() for c in next(reader)]
    except csv.Error as error:
        problems.append(Problem(name, reader.line_num, "", f"not readable as CSV: {error}"))
        return None
    if table is None:
        table = _table_by_columns(columns)
        if table is None:
            problems.append(Problem(name, 0, "", "not a 903 table: its name and columns match none of the tables"))
            return None
        if not _claim(table, name, year, claimed, problems):
            return None
        notes.append(f"{name} read as the {table} table (by its columns)")
    result = ParsedTable(table, name)
    result.readable = _check_columns(result, columns, year, problems)
    _read_rows(result, reader, columns, year, problems)
    return result


def _claim(table: str, name: str, year: int, claimed: dict[str, str], problems: list[Problem]) -> bool:
    """The file is the year's ``table``: refused if another file is, or the year has no such table."""
    if table in claimed:
        problems.append(Problem(name, 0, "", f"a second {table} table: {claimed[table]} is one already"))
        return False
    claimed[table] = name
    if year < FIRST_YEAR_OF_TABLE.get(table, 0):
        problems.append(Problem(name, 0, "", f"there is no {table} table in {codes.year_label(year)}"))
        return False
    return True


def _check_columns(table: ParsedTable, columns: list[str], year: int, problems: list[Problem]) -> bool:
    expected = COLUMNS[table.name]
    found = []
    for column, count in Counter(columns).items():
        if count > 1:
            found.append(Problem(table.file, 1, column, "this column appears more than once"))
    for column in expected:
        if column not in columns:
            found.append(Problem(table.file, 1, column, f"missing column (the {table.name} table needs it)"))
    for column in columns:
        if column not in expected:
            shown = column or "(blank)"
            found.append(
                Problem(table.file, 1, shown, f"unknown column for the {table.name} table in {codes.year_label(year)}")
            )
    problems.extend(found)
    return not found


def _read_rows(table: ParsedTable, reader, columns: list[str], year: int, problems: list[Problem]) -> None:
    readers = READERS[table.name]
    check = ROW_CHECKS.get(table.name)
    child_at = columns.index("CHILD") if "CHILD" in columns else None
    max_rows, rows_read = settings.CASEWORK_UPLOAD_MAX_ROWS, 0
    ended = reader.line_num
    try:
        for cells in reader:
            # the line the row starts on (a quoted line break inside a cell spans two lines)
            line, ended = ended + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows_read += 1
            if rows_read > max_rows:
                problems.append(Problem(table.file, 0, "", _too_many_rows(table.file, max_rows)))
                table.readable = False
                break
            child = cells[child_at].strip().upper() if child_at is not None and child_at < len(cells) else ""
            table.children.add(child)
            if not table.readable:
                continue
            if len(cells) != len(columns):
                problems.append(Problem(table.file, line, "", f"{len(cells)} values for {len(columns)} columns"))
                table.refused.add(child)
                continue
            row = _read_row(table, line, dict(zip(columns, cells)), readers, year, problems)
            checked = check(row) if row is not None and check else []
            found = [Problem(table.file, line, column, reason) for column, reason in checked]
            problems.extend(found)
            if row is None or found:
                table.refused.add(child)
            else:
                table.rows.append(row)
    except csv.Error as error:
        problems.append(Problem(table.file, reader.line_num, "", f"not readable as CSV: {error}"))


def _too_many_rows(name: str, max_rows: int) -> str:
    return (
        f"{name} has more than {max_rows:,} rows, more than any authority's year holds: it was not read "
        "further (check it is the right file)"
    )


def _read_row(table: ParsedTable, line: int, cells: dict[str, str], readers, year: int, problems) -> dict | None:
    row, ok = {"_line": line}, True
    for column, read in readers.items():
        try:
            row[column] = read(cells[column].strip().upper(), year)
        except Bad as bad:
            problems.append(Problem(table.file, line, column, str(bad)))
            ok = False
    return row if ok else None


# -- checks across rows and tables ---------------------------------------------------------------------


def _check_duplicates(table: ParsedTable, problems: list[Problem]) -> None:
    key_columns = KEYS[table.name]
    first_seen: dict[tuple, int] = {}
    kept = []
    for row in table.rows:
        key = tuple(row[c] for c in key_columns)
        if key in first_seen:
            what = "the same row" if len(key_columns) > 2 else f"the same {' and '.join(key_columns)}"
            problems.append(
                Problem(table.file, row["_line"], key_columns[-1], f"duplicate: line {first_seen[key]} has {what}")
            )
        else:
            first_seen[key] = row["_line"]
            kept.append(row)
    table.rows = kept


def _check_against_header(parsed: ParsedYear, problems: list[Problem]) -> None:
    """Every child is in the Header table; a child-level DOB (and SEX in UASC) matches it."""
    header = parsed.tables.get("Header")
    if header is None or not header.readable:
        return  # the Header's own problems are reported; comparing with it would only repeat them
    named = header.children
    by_child = {row["CHILD"]: row for row in header.rows}
    for name, table in parsed.tables.items():
        if name == "Header":
            continue
        for row in table.rows:
            if row["CHILD"] not in named:
                problems.append(
                    Problem(table.file, row["_line"], "CHILD", f"child {row['CHILD']} is not in {header.file}")
                )
                continue
            known = by_child.get(row["CHILD"])
            if known is None:
                continue
            for column in ("DOB", "SEX"):
                if column in row and row[column] != known[column]:
                    problems.append(
                        Problem(
                            table.file, row["_line"], column, f"does not match the child's {column} in {header.file}"
                        )
                    )


def _check_episodes(parsed: ParsedYear, problems: list[Problem]) -> None:
    """At most one open episode per child (the database holds one open episode at a time)."""
    by_child = defaultdict(list)
    for row in parsed.rows("Episodes"):
        by_child[row["CHILD"]].append(row)
    for rows in by_child.values():
        open_rows = sorted((r for r in rows if r["DEC"] is None), key=lambda r: r["DECOM"])
        for row in open_rows[:-1]:
            problems.append(
                Problem(
                    parsed.file("Episodes"),
                    row["_line"],
                    "DEC",
                    f"blank, but the child's episode from {fmt(open_rows[-1]['DECOM'])} is open too",
                )
            )


def _check_social_workers(parsed: ParsedYear, problems: list[Problem]) -> None:
    """One social worker at a time: each episode ends on or before the next one starts."""
    by_child = defaultdict(list)
    for row in parsed.rows("SWEpisodes"):
        by_child[row["CHILD"]].append(row)
    for rows in by_child.values():
        rows.sort(key=lambda r: r["SW_DECOM"])
        for row, following in zip(rows, rows[1:]):
            if row["SW_DEC"] is None or row["SW_DEC"] > following["SW_DECOM"]:
                problems.append(
                    Problem(
                        parsed.file("SWEpisodes"),
                        row["_line"],
                        "SW_DEC",
                        f"overlaps the social worker episode starting {fmt(following['SW_DECOM'])}",
                    )
                )


def _care_leaver_age(date_of_birth: date, year: int) -> int | None:
    start, end = codes.collection_start(year), codes.collection_end(year)
    for age in range(17, 22):
        if start <= rules.birthday(date_of_birth, age) <= end:
            return age
    return None


def _check_care_leavers(parsed: ParsedYear, problems: list[Problem]) -> None:
    for row in parsed.rows("OC3"):
        row["_age"] = _care_leaver_age(row["DOB"], parsed.year)
        if row["_age"] is None:
            problems.append(
                Problem(
                    parsed.file("OC3"),
                    row["_line"],
                    "DOB",
                    f"no 17th to 21st birthday falls in {codes.year_label(parsed.year)}",
                )
            )


def _check_previous_permanence(parsed: ParsedYear, problems: list[Problem]) -> None:
    """Each PrevPerm row belongs to a period of care starting (RNE S) in the year: the n-th row of a
    child to its n-th such start, which becomes the row's ``_period_start``."""
    start, end = codes.collection_start(parsed.year), codes.collection_end(parsed.year)
    starts = defaultdict(list)
    for row in parsed.rows("Episodes"):
        if row["RNE"] == "S" and start <= row["DECOM"] <= end:
            starts[row["CHILD"]].append(row["DECOM"])
    episodes = parsed.tables.get("Episodes")
    if episodes is None or not episodes.readable:
        return  # the Episodes table's own problems are reported
    seen = Counter()
    for row in parsed.rows("PrevPerm"):
        if row["CHILD"] in episodes.refused:
            continue  # the child's episodes have problems of their own, reported already
        child_starts = sorted(starts[row["CHILD"]])
        n = seen[row["CHILD"]]
        seen[row["CHILD"]] += 1
        if n < len(child_starts):
            row["_period_start"] = child_starts[n]
        else:
            problems.append(
                Problem(
                    parsed.file("PrevPerm"),
                    row["_line"],
                    "CHILD",
                    f"no period of care (an episode with RNE S) starting in {codes.year_label(parsed.year)} "
                    "for this row in the Episodes table",
                )
            )


def unzip(files: dict[str, bytes], problems: list[Problem]) -> dict[str, bytes]:
    """The files, with each zip (as commissioners download the return) replaced by the CSV files in
    it. A zip whose CSV files hold more than ``CASEWORK_UPLOAD_MAX_BYTES`` is refused: by the sizes
    it declares before anything is unzipped, and by the bytes counted as they are unzipped (never
    more than the limit is held)."""
    limit = settings.CASEWORK_UPLOAD_MAX_BYTES
    too_large = (
        f"too large once unzipped: more than {size_words(limit)} of CSV files (the most a year's files may hold)"
    )
    found = {}
    for name, data in files.items():
        if not name.lower().endswith(".zip"):
            found[name] = data
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")]
                members = [m for m in members if not PurePath(m.filename).name.startswith(".")]
                if sum(m.file_size for m in members) > limit:
                    problems.append(Problem(name, 0, "", too_large))
                    continue
                if not members:
                    problems.append(Problem(name, 0, "", "holds no CSV files"))
                unzipped, budget = {}, limit
                for member in members:
                    content = _unzip_member(archive, member, budget)
                    if content is None:
                        problems.append(Problem(name, 0, "", too_large))
                        break
                    unzipped[PurePath(member.filename).name] = content
                    budget -= len(content)
                else:
                    found.update(unzipped)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError):
            problems.append(Problem(name, 0, "", "not a zip file that can be opened (save it again, or send the CSVs)"))
    return found


def _unzip_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes | None:
    """The member's bytes, read a chunk at a time; None as soon as they pass ``budget``."""
    chunks, size = [], 0
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > budget:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _too_large(files: dict[str, bytes]) -> Problem | None:
    """The year's files, as given (a zip as it is), larger together than the limit."""
    limit = settings.CASEWORK_UPLOAD_MAX_BYTES
    if sum(len(data) for data in files.values()) <= limit:
        return None
    largest = max(files, key=lambda name: len(files[name]))
    return Problem(largest, 0, "", f"too large: the year's files must be smaller than {size_words(limit)} in total")


def read_return(year: int, files: dict[str, bytes]) -> tuple[ParsedYear, list[Problem]]:
    """Read and check one year's files (CSV files, or zips of them) without touching the database."""
    problems: list[Problem] = []
    notes: list[str] = []
    claimed: dict[str, str] = {}
    tables: dict[str, ParsedTable] = {}
    too_large = _too_large(files)
    if too_large is not None:  # the command's path: the page's form refuses them first
        return ParsedYear(year, tables, notes), [too_large]
    for name, data in unzip(files, problems).items():
        table = _read_file(PurePath(name).name, data, year, claimed, notes, problems)
        if table is not None:
            tables[table.name] = table
    for required in REQUIRED_TABLES:
        if required not in claimed:
            article = "an" if required[0] in "AEIOU" else "a"
            missing = f"missing: every return has {article} {required} table"
            problems.append(Problem(FILE_NAMES[required], 0, "", missing))
    for table in COLUMNS:
        if table not in claimed and table not in REQUIRED_TABLES and year >= FIRST_YEAR_OF_TABLE.get(table, 0):
            notes.append(f"no {table} table ({FILE_NAMES[table]}): nothing of it imported")
    parsed = ParsedYear(year, tables, notes)
    for table in tables.values():
        _check_duplicates(table, problems)
    _check_against_header(parsed, problems)
    _check_episodes(parsed, problems)
    _check_social_workers(parsed, problems)
    _check_care_leavers(parsed, problems)
    _check_previous_permanence(parsed, problems)
    return parsed, problems
