"""The Fotografia (seed 003: counts of the referrals received in a period) as tables, chart bars
and CSV. Intake counts; this module only arranges the counts for people and spreadsheets.

Two CSVs: the API's (``/api/v1/fotografia.csv``) is for programs, with codes, ``,`` and ``.``;
the page's download (``/fotografia.csv``) is for people opening it in an Italian spreadsheet:
``;`` between cells, decimal comma, UTF-8 with a BOM (so accents survive a double click) and
Italian labels in headers and cells; beside it the same rows as an Excel workbook
(``/fotografia.xlsx``)."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from .i18n import N_

# dimension key in intake's answer -> (CSV name, Italian title, label table)
DIMENSIONS = (
    ("by_comune", "comune", N_("Schede per comune"), None),
    ("by_referring_body", "referring_body", N_("Ente segnalante"), "referring_body"),
    ("by_problem_reported", "problem_reported", N_("Problematica segnalata"), "problem_reported"),
    (
        "by_housing_situation",
        "housing_situation",
        N_("Situazioni abitative riscontrate"),
        "housing_situation",
    ),
    (
        "by_household_composition",
        "household_composition",
        N_("Composizione dei nuclei familiari"),
        "household_composition",
    ),
    ("by_grade", "grade", N_("Grado di disagio abitativo"), "grade"),
    ("by_outcome", "outcome", N_("Esito della presa in carico"), "closure_outcome"),
)
CSV_HEADER = ("dimension", "value", "count")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _sorted(counts: dict | None) -> list[tuple[str, int]]:
    return sorted((counts or {}).items(), key=lambda item: (-int(item[1]), str(item[0])))


def _label(label, table: str | None, code) -> str:
    """The label of a row: the dimension's table, then the rows counting a missing value."""
    if table is None:
        return code
    text = label(table, code)
    return label("fotografia_gap", code) if text == str(code) else text


def tables(fotografia: dict, label) -> list[dict]:
    """``[{key, name, title, rows: [(code, label, count, percent_of_max)], total}]``"""
    result = []
    for key, name, title, table in DIMENSIONS:
        rows = _sorted(fotografia.get(key))
        top = max((count for _, count in rows), default=0)
        result.append(
            {
                "key": key,
                "name": name,
                "title": title,
                "total": sum(c for _, c in rows),
                "rows": [
                    (
                        code,
                        _label(label, table, code),
                        count,
                        round(100 * count / top, 1) if top else 0,
                    )
                    for code, count in rows
                ],
            }
        )
    return result


def csv_rows(fotografia: dict) -> list[tuple[str, str, int]]:
    rows = [("total", "", int(fotografia.get("total") or 0))]
    for key, name, _title, _table in DIMENSIONS:
        rows.extend((name, str(code), int(count)) for code, count in _sorted(fotografia.get(key)))
    return rows


def _cell(value):
    """No spreadsheet formulas from data (CSV injection)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def to_csv(fotografia: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in csv_rows(fotografia):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


SPREADSHEET_HEADER = ("Sezione", "Voce", "Schede", "Percentuale sul totale")


def _share(count: int, total: int) -> Decimal:
    """``12`` of ``44`` -> ``Decimal("27.3")``: a percentage with one decimal, half up."""
    if not total:
        return Decimal("0.0")
    return (Decimal(100 * count) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def spreadsheet_rows(fotografia: dict, label) -> list[tuple[str, str, int, Decimal]]:
    """The rows of the people's files: the total, then each section's rows as the page shows
    them (Italian labels, the share of the section's total)."""
    total = int(fotografia.get("total") or 0)
    rows = [("Totale schede ricevute", "", total, _share(total, total))]
    for table in tables(fotografia, label):
        rows.extend(
            (table["title"], text, int(count), _share(int(count), table["total"]))
            for _code, text, count, _bar in table["rows"]
        )
    return rows


def to_spreadsheet_csv(fotografia: dict, label) -> bytes:
    """The page's download, in the Italian convention (see the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(SPREADSHEET_HEADER)
    for section, item, count, share in spreadsheet_rows(fotografia, label):
        writer.writerow([_cell(section), _cell(item), count, str(share).replace(".", ",")])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(fotografia: dict, label, period: str) -> bytes:
    """The same rows as an Excel workbook: numbers stay numbers (the spreadsheet shows them in
    its own locale), text stays text (never a formula)."""
    from openpyxl import Workbook  # only this export needs it

    book = Workbook()
    sheet = book.active
    sheet.title = "Fotografia"
    sheet.append([f"Fotografia delle schede {period}"])
    sheet.append(list(SPREADSHEET_HEADER))
    for row in spreadsheet_rows(fotografia, label):
        section, item, count, share = row
        sheet.append([section, item, count, float(share)])
        for cell in sheet[sheet.max_row][:2]:
            cell.data_type = "s"  # a label starting with "=" is text
        sheet.cell(sheet.max_row, 4).number_format = "0.0"
    for column, width in zip("ABCD", (36, 60, 10, 22), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_filename(date_from, date_to, comune: str | None, extension: str = "csv") -> str:
    return f"fotografia_{date_from}_{date_to}{'_' + comune if comune else ''}.{extension}"
