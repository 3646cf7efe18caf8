"""Counts under 5 cannot be worked back from anything a contract's report or payment statement shows.

Each output (the report page and its printable page, its CSV and XLSX, the outcomes_report command,
the API's report, the payment statement page, CSV and XLSX) is read as a reader would read it, and
every way we know of working a hidden count back is tried on what it shows: a count shown as a
number, a percentage times its denominator, a percentage whose denominator is under 5, inverting the
Wilson interval, a total less the age groups shown, the payment workings ("for each of N children",
"N cases", "(N children)", a value in the workings), a payment divided by the amount per child, a
trend point, and the caption ("N children under the contract"). The true counts come from how the
children were built here, not from the code under test.

A last test walks the URLconf: every report or download URL of contracts and the API must be read
here (or be listed, with the reason, as showing no counts), so a new one cannot slip past."""

import csv
import html
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from casework.accounts.models import Role
from casework.contracts import services
from casework.contracts.models import Contract, ContractYear
from casework.core.statistics import wilson_interval
from casework.outcomes.indicators import INDICATORS
from tests.api.conftest import token_client
from tests.conftest import TODAY
from tests.contracts.builders import children_in_care

pytestmark = pytest.mark.django_db

HEALTH = INDICATORS["health_assessment"].title
DENTAL = INDICATORS["dental_check"].title


PER_CHILD = {"payment_rule": "threshold", "payment_basis": "per_child"}


def _measure(year, indicator, **terms):
    services.contract_measure_set(actor=None, contract_year=year, indicator=indicator, **terms)


def _year(world):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.filter(end_date__lt=TODAY).order_by("-start_date").first()
    ContractYear.objects.filter(pk=year.pk).update(price_model="block", price=Decimal("50000"))
    year.refresh_from_db()
    return contract, year


@pytest.fixture
def mixed(world):
    """30 children: 4 under 5 (1 assessed), 6 aged 5 to 10 (3 assessed), 20 aged 11 to 15 (16
    assessed, 4 with a dental check). Measures: health assessment for all ages and for each of the
    three age groups (all ages and under 5s paid the same amount per child), dental check (sliding
    scale)."""
    contract, year = _year(world)
    children_in_care(world, year, [(4, 3, 1, 0), (6, 8, 3, 0), (20, 13, 16, 4)], given="Small", prefix="S")
    _measure(year, "health_assessment", target=Decimal("90"), amount_at_stake=Decimal("100"), **PER_CHILD)
    _measure(
        year, "health_assessment", age_band="0-4", target=Decimal("90"), amount_at_stake=Decimal("100"), **PER_CHILD
    )
    _measure(year, "health_assessment", age_band="5-10", target=Decimal("90"))
    _measure(year, "health_assessment", age_band="11-15", target=Decimal("90"))
    _measure(
        year,
        "dental_check",
        target=Decimal("50"),
        floor=Decimal("0"),
        payment_rule="sliding",
        payment_basis="cohort",
        amount_at_stake=Decimal("1000"),
    )
    truth = {
        ("children",): 30,
        (HEALTH, "numerator"): 20,
        (HEALTH, "denominator"): 30,
        (f"{HEALTH} (Under 5)", "numerator"): 1,
        (f"{HEALTH} (Under 5)", "denominator"): 4,
        (f"{HEALTH} (5 to 10)", "numerator"): 3,
        (f"{HEALTH} (5 to 10)", "denominator"): 6,
        (f"{HEALTH} (11 to 15)", "numerator"): 16,
        (f"{HEALTH} (11 to 15)", "denominator"): 20,
        (DENTAL, "numerator"): 4,
        (DENTAL, "denominator"): 30,
    }
    # the money: the block sum, 20 x 100 and 1 x 100 per child, and 4/30 = 13.3% of the way to 50%
    money = Decimal("50000") + Decimal("2000") + Decimal("100") + Decimal("266.67")
    return contract, year, truth, money


@pytest.fixture
def small(world):
    """3 children under the contract, 1 assessed: every figure of the report is small."""
    contract, year = _year(world)
    children_in_care(world, year, [(3, 10, 1, 0)], given="Small", prefix="S")
    _measure(year, "health_assessment", target=Decimal("90"), amount_at_stake=Decimal("400"), **PER_CHILD)
    truth = {("children",): 3, (HEALTH, "numerator"): 1, (HEALTH, "denominator"): 3}
    return contract, year, truth, Decimal("50400")


# --- reading each output as a reader would ------------------------------------------------------------


@dataclass
class Row:
    """One measure as an output shows it: text as shown, numbers where a number is shown."""

    title: str
    numerator: str = ""
    denominator: str = ""
    value: float | None = None
    interval: tuple[float, float] | None = None
    interval_step: float = 0.0  # how finely the interval is printed, in percentage points
    workings: str = ""
    stake: Decimal | None = None
    amount: Decimal | None = None
    trend: list[float] = field(default_factory=list)


@dataclass
class Output:
    rows: list[Row]
    text: str  # everything else it says (captions, totals)
    total: Decimal | None = None


def _number(text) -> float | None:
    text = str(text).strip().replace("£", "").replace(",", "").rstrip("%")
    try:
        return float(text)
    except ValueError:
        return None


def _money(text) -> Decimal | None:
    number = _number(text)
    return None if number is None else Decimal(str(number)).quantize(Decimal("0.01"))


def _cells(row_html: str) -> list[str]:
    return re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)


def _text(cell_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", cell_html)).strip()


def _table(page: str, table_id: str) -> tuple[str, list[list[str]]]:
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1]
    caption = _text(table.split("</caption>", 1)[0]) if "</caption>" in table else ""
    return caption, [_cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _title(cell_text: str, titles) -> str | None:
    return next((t for t in sorted(titles, key=len, reverse=True) if cell_text.startswith(t)), None)


def _trend(cell_html: str) -> list[float]:
    label = re.search(r'aria-label="([^"]*)"', cell_html)
    return [float(v) for v in re.findall(r": (\d+(?:\.\d+)?)", html.unescape(label.group(1)))] if label else []


def _report_page(body: str, titles) -> Output:
    caption, table = _table(body, "report")
    rows = []
    for cells in table:
        title = _title(_text(cells[0]), titles)
        if title is None:
            continue
        of = _text(cells[2]).split("/")
        interval = re.findall(r"(\d+(?:\.\d+)?)%", _text(cells[3]))
        rows.append(
            Row(
                title=title,
                numerator=of[0].strip(),
                denominator=of[1].strip() if len(of) > 1 else "",
                value=_number(_text(cells[1])),
                interval=(float(interval[0]), float(interval[1])) if len(interval) == 2 else None,
                interval_step=1.0,  # whole percentages
                trend=_trend(cells[7]),
            )
        )
    return Output(rows=rows, text=caption + " " + _text(body))


def _csv_rows(content: str) -> list[dict]:
    table = list(csv.reader(io.StringIO(content)))
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def _xlsx_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]


def _report_table(records: list[dict], *, fraction: bool) -> Output:
    """The report as CSV (percentages in points, to 0.1) or XLSX (percentages as fractions, exact)."""
    scale = 100 if fraction else 1

    def percent(cell):
        number = _number(cell) if cell not in (None, "") else None
        return None if number is None else number * scale

    rows = []
    for r in records:
        low, high = percent(r["95% interval low"]), percent(r["95% interval high"])
        rows.append(
            Row(
                title=r["Measure"],
                numerator=str(r["Numerator"] if r["Numerator"] is not None else ""),
                denominator=str(r["Denominator"] if r["Denominator"] is not None else ""),
                value=percent(r["Value"]),
                interval=None if low is None or high is None else (low, high),
                interval_step=0.0 if fraction else 0.1,
                workings=str(r["Workings"] or ""),
                amount=_money(r["Payment earned (£)"]),
            )
        )
    return Output(rows=rows, text=str(records))


def _api(body: dict) -> Output:
    rows = [
        Row(
            title=r["title"],
            numerator="" if r["numerator"] is None else str(int(r["numerator"])),
            denominator="" if r["denominator"] is None else str(r["denominator"]),
            value=r["value"],
            interval=None if r["interval_low"] is None else (r["interval_low"], r["interval_high"]),
            workings=r["workings"],
            amount=_money(r["earned"]),
            trend=[p["value"] for p in r["trend"] if p["value"] is not None],
        )
        for r in body["rows"]
    ]
    children = "" if body["children"] is None else f"{body['children']} children under the contract"
    return Output(rows=rows, text=children)


def _statement_page(body: str, titles) -> Output:
    _, table = _table(body, "payments")
    rows = []
    for cells in table:
        title = _title(_text(cells[0]), titles)
        if title is None or len(cells) < 5:
            continue
        rows.append(
            Row(title=title, workings=_text(cells[4]), stake=_money(_text(cells[2])), amount=_money(_text(cells[3])))
        )
    total = _money(_text(body.split('id="total"', 1)[1].split("</td>", 1)[0].split(">", 1)[1]))
    return Output(rows=rows, text=_text(body), total=total)


def _statement_table(records: list[dict]) -> Output:
    rows = [
        Row(
            title=r["Item"],
            workings=str(r["Workings"] or ""),
            stake=_money(r["At stake (£)"] or ""),
            amount=_money(r["Amount (£)"]),
        )
        for r in records
        if r["Item"] not in ("Total",)
    ]
    return Output(rows=rows, text=str(records), total=_money(records[-1]["Amount (£)"]))


def _outputs(world, client, contract, year, tmp_path) -> dict[str, Output]:
    from casework.contracts.reporting import contract_report

    titles = {r.indicator.title for r in contract_report(contract=contract, year=year).rows}
    outputs = {}
    report = reverse("contract_report", args=[contract.pk])
    payments = reverse("contract_payments", args=[contract.pk])
    for who, user in (
        ("commissioner", world.commissioner_users[Role.COMMISSIONER_OFFICER]),
        ("practice", world.a.users[Role.PRACTICE_MANAGER]),
    ):
        client.force_login(user)
        outputs[f"report page ({who})"] = _report_page(client.get(report, {"year": year.pk}).content.decode(), titles)
        outputs[f"printable report ({who})"] = _report_page(
            client.get(report, {"year": year.pk, "print": "1"}).content.decode(), titles
        )
        outputs[f"report CSV ({who})"] = _report_table(
            _csv_rows(client.get(report, {"year": year.pk, "format": "csv"}).content.decode()), fraction=False
        )
        outputs[f"report XLSX ({who})"] = _report_table(
            _xlsx_rows(client.get(report, {"year": year.pk, "format": "xlsx"}).content), fraction=True
        )
        outputs[f"payment statement ({who})"] = _statement_page(
            client.get(payments, {"year": year.pk}).content.decode(), titles | {"Contract price"}
        )
        outputs[f"payment statement CSV ({who})"] = _statement_table(
            _csv_rows(client.get(payments, {"year": year.pk, "format": "csv"}).content.decode())
        )
        outputs[f"payment statement XLSX ({who})"] = _statement_table(
            _xlsx_rows(client.get(payments, {"year": year.pk, "format": "xlsx"}).content)
        )
        api = token_client(user).get(f"/api/contracts/{contract.pk}/report/?year={year.pk}")
        assert api.status_code == 200
        outputs[f"API report ({who})"] = _api(api.json())
    out = tmp_path / "report.csv"
    command = io.StringIO()
    call_command(
        "outcomes_report", contract=contract.reference, year=year.start_date.year, out=str(out), stdout=command
    )
    outputs["outcomes_report command"] = _report_table(_csv_rows(out.read_text(encoding="utf-8")), fraction=False)
    outputs["outcomes_report command"].text += " " + command.getvalue()
    return outputs


# --- working the counts back -----------------------------------------------------------------------


def _int(text) -> int | None:
    number = _number(text)
    return None if number is None or number != int(number) else int(number)


def _fractions_matching(percent: float, step: float, largest: int = 4) -> set[tuple[int, int]]:
    """The (count, cohort) pairs with a cohort up to ``largest`` shown as this percentage."""
    tolerance = max(step, 0.05) / 2 + 1e-9
    return {(k, n) for n in range(1, largest + 1) for k in range(n + 1) if abs(100 * k / n - percent) <= tolerance}


def _interval_inverse(interval, step: float) -> set[tuple[int, int]]:
    """The (count, cohort) pairs up to a cohort of 60 whose Wilson interval prints as shown."""
    tolerance = max(step, 0.0001) / 2 + 1e-9
    found = set()
    for n in range(1, 61):
        for k in range(n + 1):
            low, high = wilson_interval(k, n)
            if abs(100 * low - interval[0]) <= tolerance and abs(100 * high - interval[1]) <= tolerance:
                found.add((k, n))
    return found


def _worked_back(output: Output) -> set[tuple[tuple, int]]:
    """Every (cell, count) a reader can work out from the output."""
    found = set()
    for m in re.finditer(r"(\d[\d,]*) children under the contract", output.text):
        found.add((("children",), int(m.group(1).replace(",", ""))))
    for m in re.finditer(r"for \d[\d,]* measures? for (\d[\d,]*) children", output.text):
        found.add((("children",), int(m.group(1).replace(",", ""))))
    by_title = {r.title: r for r in output.rows}
    # a reader guesses that every measure paid per child pays the same for each child
    rates = {r.stake for r in output.rows if r.stake} | {
        Decimal(m.group(1).replace(",", ""))
        for r in output.rows
        for m in re.finditer(r"£([\d,.]+) for each of", r.workings)
    }
    for row in output.rows:
        num, den = (row.title, "numerator"), (row.title, "denominator")
        shown_num, shown_den = _int(row.numerator), _int(row.denominator)
        if shown_num is not None:
            found.add((num, shown_num))
        if shown_den is not None:
            found.add((den, shown_den))
        values = [v for v in (row.value, *row.trend) if v is not None]
        for value in values:
            if shown_den is not None:
                found.add((num, round(value * shown_den / 100)))
            pairs = _fractions_matching(value, 0.1)
            if len({k for k, _ in pairs}) == 1:
                found.add((num, next(iter(pairs))[0]))
            if len({n for _, n in pairs}) == 1:
                found.add((den, next(iter(pairs))[1]))
        if row.interval is not None:
            pairs = _interval_inverse(row.interval, row.interval_step)
            if shown_den is not None:
                pairs = {(k, n) for k, n in pairs if n == shown_den}
            if len({k for k, _ in pairs}) == 1:
                found.add((num, next(iter(pairs))[0]))
            if len({n for _, n in pairs}) == 1:
                found.add((den, next(iter(pairs))[1]))
        for pattern in (r"each of (\d[\d,]*)", r"\((\d[\d,]*) children\)", r"(\d[\d,]*) cases"):
            for m in re.finditer(pattern, row.workings):
                found.add((num, int(m.group(1).replace(",", ""))))
        m = re.match(r"(\d+(?:\.\d+)?) (?:is|meets|does not meet)", row.workings)
        if m and shown_den is not None:
            found.add((num, round(float(m.group(1)) * shown_den / 100)))
        for rate in rates:
            if row.amount:
                found.add((num, int(row.amount / rate)))
        if row.stake and row.amount is not None:
            found.add((num, int(row.amount / row.stake)))
            if shown_den is not None:  # per child, a measure where fewer is better pays for the rest
                found.add((num, shown_den - int(row.amount / row.stake)))
            m = re.search(r"floor of (\d+(?:\.\d+)?) to the target of (\d+(?:\.\d+)?)", row.workings)
            if m and shown_den is not None:  # sliding scale: the share of the way gives the value
                floor, target = float(m.group(1)), float(m.group(2))
                value = floor + float(row.amount / row.stake) * (target - floor)
                found.add((num, round(value * shown_den / 100)))
    # all ages less the age groups shown (a reader guesses that a group left out is empty)
    for title, whole in by_title.items():
        bands = [r for t, r in by_title.items() if t.startswith(f"{title} (")]
        for part in ("numerator", "denominator"):
            total = _int(getattr(whole, part))
            shown = [_int(getattr(r, part)) for r in bands]
            hidden = [r for r, s in zip(bands, shown, strict=True) if s is None]
            if total is not None and len(hidden) == 1:
                found.add(((hidden[0].title, part), total - sum(s for s in shown if s is not None)))
    return found


def _leaks(outputs: dict[str, Output], truth: dict) -> list[str]:
    small = {cell: count for cell, count in truth.items() if 0 < count < 5}
    leaks = []
    for name, output in outputs.items():
        for cell, count in sorted(_worked_back(output) & set(small.items()), key=repr):
            leaks.append(f"{name}: {cell} = {count}")
    return leaks


@pytest.mark.parametrize("scenario", ["mixed", "small"])
def test_no_output_gives_a_count_under_5_back(world, client, request, tmp_path, scenario):
    contract, year, truth, money = request.getfixturevalue(scenario)
    outputs = _outputs(world, client, contract, year, tmp_path)
    assert _leaks(outputs, truth) == []
    # and the money is still there to be paid: each statement shows the total
    for name, output in outputs.items():
        if name.startswith("payment statement"):
            assert output.total == money, name


def test_what_is_safe_to_show_is_still_shown(world, client, mixed, tmp_path):
    """Suppression withholds only what gives a small count away: 20 of 30 and 16 of 20 still show."""
    contract, year, truth, _ = mixed
    outputs = _outputs(world, client, contract, year, tmp_path)
    for name in ("report CSV (commissioner)", "API report (commissioner)", "report page (practice)"):
        by_title = {r.title: r for r in outputs[name].rows}
        assert (by_title[HEALTH].numerator, by_title[HEALTH].denominator) == ("20", "30"), name
        assert by_title[HEALTH].value == pytest.approx(100 * 20 / 30, abs=0.05), name
        eleven = by_title[f"{HEALTH} (11 to 15)"]
        assert (eleven.numerator, eleven.denominator) == ("16", "20"), name
    assert "30 children under the contract" in outputs["API report (commissioner)"].text
    # the trend chart still draws the year's value where it shows
    assert outputs["report page (commissioner)"].rows[0].trend[-1] == pytest.approx(66.7)
    # and a withheld figure is the text '[c]' in the spreadsheet, never a number
    under_5 = {r.title: r for r in outputs["report XLSX (commissioner)"].rows}[f"{HEALTH} (Under 5)"]
    assert (under_5.numerator, under_5.denominator, under_5.workings[:3]) == ("[c]", "[c]", "[c]")


# --- every report and download is read here ---------------------------------------------------------------

# Each URL name of the contracts app and of the API, as a report or download read above, or why it shows
# no count of children to work back.
READ_ABOVE = {"contract_report", "contract_payments", "api_contract_report"}
NO_COUNTS = {
    "contract_list": "the contracts, their parties and dates",
    "contract_detail": "the contract's terms, years and change history",
    "contract_let": "a form",
    "contract_change": "a form",
    "contract_renew": "a form",
    "contract_measures": "the year's measures and their terms",
    "contract_measure_add": "a form",
    "contract_measure_change": "a form",
    "contract_measure_remove": "a form",
    "contract_year_recalculate": "a form: the figures it works out again show on the report page, read above",
    "contract_children": (
        "each child's own status, by the authority's child identifier, for the authority responsible for "
        "them and the practice holding their cases: child-level data they are entitled to, no counts"
    ),
}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _names(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), p.name, p.callback


def test_every_report_and_download_url_is_read_here():
    found = {}
    for route, name, callback in _names(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "")
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        module = getattr(view, "__module__", module)
        if module.startswith(("casework.contracts", "casework.outcomes")) or (
            name.startswith("api_") and re.search(r"report|export|download|statement|payment|outcome", route)
        ):
            found[name] = route
    unread = {n: r for n, r in found.items() if n not in READ_ABOVE and n not in NO_COUNTS}
    assert unread == {}, "a report or download no test above reads: add it to _outputs or to NO_COUNTS"
    assert READ_ABOVE <= set(found)


# --- a measure's categories (care leavers in touch) ---------------------------------------------------


def test_a_category_cannot_be_worked_back_from_the_numerator_or_the_cohort():
    """The DfE's in-touch categories add up to the cohort, and in touch plus third party is the
    numerator: with 2 (third party) and 1 (refused) withheld alone, 22 - 20 would give the 2 back and
    29 - 20 - 6 - 2 the 1; so in touch and not in touch are withheld too (the next smallest)."""
    from casework.contracts import rules
    from casework.contracts.models import ContractMeasure
    from casework.contracts.reporting import MeasureRow, _withhold
    from casework.outcomes.compute import IN_TOUCH_CATEGORIES

    counts = {"in_touch": 20, "third_party": 2, "not_in_touch": 6, "refused": 1}
    breakdown = [(label, counts.get(category, 0)) for category, label in IN_TOUCH_CATEGORIES.items()]
    row = MeasureRow(
        measure=ContractMeasure(indicator="care_leavers_in_touch", target=Decimal("90")),
        indicator=INDICATORS["care_leavers_in_touch"],
        numerator=22,
        denominator=29,
        value=100 * 22 / 29,
        interval=wilson_interval(22, 29),
        rag="red",
        earned=rules.Earned(Decimal("0.00"), "No payment attached to this measure"),
        breakdown=breakdown,
    )
    _withhold([row], 29)
    shown = {label: _int(count) for label, count in row.shown_breakdown}
    numerator, cohort = _int(row.shown_numerator), _int(row.shown_denominator)
    assert (numerator, cohort) == (22, 29)  # the measure itself still shows
    label = IN_TOUCH_CATEGORIES
    met = [shown[label["in_touch"]], shown[label["third_party"]]]
    worked_back = set()
    if met.count(None) == 1:
        worked_back.add(numerator - sum(m for m in met if m is not None))
    if list(shown.values()).count(None) == 1:
        worked_back.add(cohort - sum(v for v in shown.values() if v is not None))
    assert worked_back.isdisjoint({1, 2, 3, 4}), shown
    assert [c for c in shown.values() if c is not None and 0 < c < 5] == []
