"""python-calamine on an untrusted workbook, in a child process with its own resource limits.

Run by `spreadsheet.read_workbook` as `python -I _calamine_child.py MAX_ROWS MAX_CELLS
MEMORY_BYTES CPU_SECONDS`, the file on stdin, JSON on stdout. With a sheet name after those
(`spreadsheet.iter_sheet_rows`) only that sheet is read, and written a row per line (JSON
Lines) ending with a line {"end": true} or {"error": code}, so that the reader's parent holds
no more than a batch of its rows at a time. Why a child: a damaged or hostile
workbook can make the Rust reader allocate a dense range of billions of cells (one cell in
XFD1048576, a forged XLS DIMENSIONS record); the failed allocation aborts the process, which no
Python handler can catch — in a web or task worker that would be the worker. Here it costs the
child only. It imports nothing of Kabinet (it runs isolated, without the project on its path).
"""

import datetime
import io
import json
import sys

_MAX_EXACT_FLOAT = 2**53


def _float_cell(value):
    if value.is_integer() and abs(value) < _MAX_EXACT_FLOAT:
        return int(value)
    return value


def _datetime_cell(value):
    return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()


_CONVERTERS = {
    str: str,
    int: int,
    bool: bool,
    float: _float_cell,
    datetime.date: datetime.date.isoformat,
    datetime.datetime: _datetime_cell,
    datetime.time: datetime.time.isoformat,
    datetime.timedelta: str,
}


def cell(value):
    """A calamine value as a JSON-ready cell: whole floats as int, dates as ISO strings."""
    converter = _CONVERTERS.get(type(value))
    return converter(value) if converter else str(value)


def read(data: bytes, max_rows: int, max_cells: int) -> dict:
    """{"sheets": [{"name", "hidden", "rows"}]} or {"error": code[, "sheet": name]}."""
    from python_calamine import (
        CalamineError,
        CalamineWorkbook,
        PasswordError,
        SheetTypeEnum,
        SheetVisibleEnum,
    )

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        return {"error": "password"}
    except CalamineError:
        return {"error": "corrupt"}
    sheets = []
    with workbook:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_index(index)
            except PasswordError:
                return {"error": "password"}
            except CalamineError:
                return {"error": "corrupt"}
            end, rows = sheet.end, []
            if end is not None:
                if end[0] + 1 > max_rows:
                    return {"error": "too_many_rows", "sheet": meta.name}
                if (end[0] + 1) * (end[1] + 1) > max_cells:
                    return {"error": "too_large", "sheet": meta.name}
                rows = [
                    [value if type(value) is str else cell(value) for value in row]
                    for row in sheet.to_python(skip_empty_area=False)
                ]
            hidden = meta.visible != SheetVisibleEnum.Visible
            sheets.append({"name": meta.name, "hidden": hidden, "rows": rows})
    return {"sheets": sheets}


def stream(data: bytes, max_rows: int, max_cells: int, sheet_name: str, out) -> dict:
    """Write the rows of one sheet to `out`, a JSON array per line; the closing object."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        return {"error": "password"}
    except CalamineError:
        return {"error": "corrupt"}
    with workbook:
        if sheet_name not in workbook.sheet_names:
            return {"error": "no_sheet"}
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
        except PasswordError:
            return {"error": "password"}
        except CalamineError:
            return {"error": "corrupt"}
        end = sheet.end
        if end is not None:
            if end[0] + 1 > max_rows:
                return {"error": "too_many_rows", "sheet": sheet_name}
            if (end[0] + 1) * (end[1] + 1) > max_cells:
                return {"error": "too_large", "sheet": sheet_name}
            # iter_rows starts at row 1 but at the first used column: pad as to_python does.
            left = [""] * sheet.start[1]
            for row in sheet.iter_rows():
                line = left + [value if type(value) is str else cell(value) for value in row]
                out.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
    return {"end": True}


def _limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))


def main() -> None:
    max_rows, max_cells, memory_bytes, cpu_seconds = (int(arg) for arg in sys.argv[1:5])
    _limit_resources(memory_bytes, cpu_seconds)
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        if len(sys.argv) > 5:
            result = stream(data, max_rows, max_cells, sys.argv[5], out)
        else:
            result = read(data, max_rows, max_cells)
    except MemoryError:
        result = {"error": "too_large"}
    result["peak_rss_kb"] = _peak_rss_kb()
    out.write(json.dumps(result, ensure_ascii=False).encode())


def _peak_rss_kb() -> int:
    """This process's own peak (VmHWM; getrusage would count the parent it was forked from)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
