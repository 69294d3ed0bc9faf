"""Text in a CSV file that a spreadsheet opens: never a formula.

A spreadsheet runs a cell that starts with one of FORMULA_START as a formula. Some text in
Tonus's files was written by others (a therapist's note or suggestion), so such text is written
after an apostrophe, which spreadsheets read as "this is text". Text that itself starts with an
apostrophe gets one more, so that reading a cell back is exact.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """The cell for a piece of text."""
    return f"'{value}" if value.startswith((*FORMULA_START, "'")) else value


def csv_text_read(cell: str) -> str:
    """The text a cell written by csv_text holds."""
    return cell[1:] if cell.startswith("'") else cell
