"""Parsing one large xlsx worksheet in parts, on several threads at once.

Owns one thing: `parse_in_parts(path, sheet)` for a worksheet whose XML is large. It inflates the
worksheet's XML as a stream and, every few tens of megabytes, cuts it at a row boundary and hands
that slice (wrapped as a small workbook with the original styles and shared strings) to calamine on
its own thread. Calamine releases the interpreter lock while it parses, so the parts parse on all
cores while the rest of the file is still inflating; each thread then turns its part into Python
rows. The returned `PartsSheet` gives the same rows and merged ranges as calamine's own sheet for
the whole file. Anything unusual (rows without a row number, namespace prefixes, an unknown
compression, a part that does not line up) returns None and the caller parses the sheet whole.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import struct
import tempfile
import threading
import xml.etree.ElementTree as ET
import zipfile
import zlib

MIN_PART_BYTES = 16 << 20  # a part of less XML than this is not worth its own thread
_CHUNK = 1 << 20  # compressed bytes inflated at a time (at most)
_MIN_CHUNK = 4096
_DATA_OPEN, _DATA_CLOSE, _ROW = b"<sheetData>", b"</sheetData>", b"<row "
_ROW_NUMBER = re.compile(rb'<row [^>]*?\br="(\d+)"')
_SMALL_ENTRY = 1 << 20  # workbook parts copied into every slice (styles, rels …); sharedStrings always
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class PartsSheet:
    """The parsed parts of one worksheet, read like a calamine sheet (only what the reader uses)."""

    def __init__(self, parts: list[tuple[tuple[int, int] | None, list[list]]], merged):
        self._parts = parts  # (range start (row, col) or None when empty, rows), in sheet order
        self.merged_cell_ranges = merged

    def to_python(self, skip_empty_area: bool = False) -> list[list]:
        """Every row from A1, each as wide as the widest part (like calamine with skip_empty_area=False)."""
        if skip_empty_area:
            raise ValueError("PartsSheet gives rows from A1 only")
        rows: list[list] = []
        for i, (start, part) in enumerate(self._parts):
            if i == 0 or start is None:
                rows.extend(part)
                continue
            row0, col0 = start
            rows.extend([] for _ in range(row0 - len(rows)))  # empty rows between two parts
            rows.extend([[""] * col0 + r for r in part] if col0 else part)
        width = max((len(r) for r in rows), default=0)
        for i, r in enumerate(rows):
            if len(r) != width:
                rows[i] = r + [""] * (width - len(r))
        return rows


def parse_sheet(wb, path, sheet: str):
    """One worksheet of an xlsx workbook opened by calamine: in parts when it is large (see
    parse_in_parts), else calamine's own sheet."""
    return parse_in_parts(path, sheet) or wb.get_sheet_by_name(sheet)


def _sheet_entries(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> its XML entry in the archive (from the workbook part and its relationships)."""
    rels = ET.fromstring(z.read("_rels/.rels"))
    book = next(r.get("Target") for r in rels if r.get("Type", "").endswith("/officeDocument"))
    book = book.lstrip("/")
    folder = posixpath.dirname(book)
    targets = {
        r.get("Id"): r.get("Target")
        for r in ET.fromstring(z.read(posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")))
    }
    out = {}
    for el in ET.fromstring(z.read(book)).iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            target = targets.get(el.get(f"{{{_REL_NS}}}id"), "")
            out[el.get("name")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
    return out


def _raw_stream(path: str, info: zipfile.ZipInfo, chunk_size: int):
    """The entry's bytes, chunk by chunk (chunk_size compressed bytes at a time), inflated or as stored."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        head = fh.read(30)
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        left = info.compress_size
        inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0:
            chunk = fh.read(min(chunk_size, left))
            if not chunk:
                raise ValueError("truncated entry")
            left -= len(chunk)
            yield inflate.decompress(chunk) if inflate else chunk
        if inflate:
            yield inflate.flush()


def parse_in_parts(
    path, sheet: str, min_part_bytes: int = MIN_PART_BYTES, max_parts: int | None = None
) -> PartsSheet | None:
    """The worksheet parsed in parts on several threads, or None when it is small, not an xlsx
    worksheet this can cut safely, or anything fails (the caller then parses it whole)."""
    path = str(path)
    try:
        with zipfile.ZipFile(path) as z:
            entry = _sheet_entries(z).get(sheet)
            info = z.getinfo(entry) if entry else None
            if info is None or info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
                return None
            n_parts = min(info.file_size // max(min_part_bytes, 1), max_parts or (os.cpu_count() or 1) + 1)
            if n_parts < 2:
                return None
            sheets_dir = posixpath.dirname(entry) + "/"
            shared = {
                i.filename: z.read(i)
                for i in z.infolist()
                if i.filename != entry
                and not i.filename.startswith(sheets_dir)
                and (i.file_size < _SMALL_ENTRY or i.filename.endswith(("sharedStrings.xml", "styles.xml")))
            }
        with tempfile.TemporaryDirectory(prefix="sheetparts-") as folder:
            return _parse_stream(path, sheet, info, entry, shared, info.file_size // n_parts + 1, folder)
    except Exception:  # anything unexpected: the caller parses the sheet whole and reports errors
        return None


def _parse_stream(
    path: str, sheet: str, info: zipfile.ZipInfo, entry: str, shared: dict, part_bytes: int, folder: str
) -> PartsSheet | None:
    from python_calamine import CalamineWorkbook

    results: dict[int, tuple] = {}
    threads: list[threading.Thread] = []

    def parse(i: int, part: str, whole_area: bool) -> None:
        try:
            wb = CalamineWorkbook.from_path(part)  # calamine streams a stored entry from the file
            if os.name == "posix":  # the open handle keeps the data: nothing is left behind if the process is killed
                os.remove(part)
            s = wb.get_sheet_by_name(sheet)  # the slice's workbook lists every sheet; only this one has XML
            rows = s.to_python(skip_empty_area=not whole_area)
            results[i] = (s.start if rows else None, rows, s.merged_cell_ranges)
        except Exception as exc:  # reported as a failed split; the caller parses the sheet whole
            results[i] = exc
        finally:
            with contextlib.suppress(OSError):
                os.remove(part)

    def start(body: list[bytes], first_row: int | None) -> None:
        # each slice is a small workbook in a temporary file, its XML written piece by piece (no copy)
        i = len(threads)
        row_numbers[i] = first_row
        part = os.path.join(folder, f"part{i}.xlsx")
        with zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as out:
            for name, data in shared.items():
                out.writestr(name, data)
            with out.open(entry, "w", force_zip64=sum(map(len, body)) > (1 << 31) - (1 << 20)) as fh:
                for piece in body:
                    fh.write(piece)
        th = threading.Thread(target=parse, args=(i, part, i == 0), name=f"sheet-part-{i}", daemon=True)
        th.start()
        threads.append(th)

    row_numbers: dict[int, int | None] = {}  # the number of each part's first row element (1-based)
    next_row = None
    head = None
    pending: list[bytes] = []
    size = 0
    # several chunks per part, so each cut falls close to its share
    chunk_size = max(_MIN_CHUNK, min(_CHUNK, info.compress_size * part_bytes // max(info.file_size, 1) // 8))
    try:  # whatever happens, no slice is still parsing when this returns
        for chunk in _raw_stream(path, info, chunk_size):
            pending.append(chunk)
            size += len(chunk)
            if head is None:
                data = b"".join(pending)
                k = data.find(_DATA_OPEN)
                if k < 0:
                    if size > (4 << 20):  # no plain <sheetData> early on (a prefix, or none): do not cut
                        return None
                    continue
                head, pending = data[: k + len(_DATA_OPEN)], [data[k + len(_DATA_OPEN) :]]
                size = len(pending[0])
                continue
            if size < part_bytes or _DATA_CLOSE in pending[-1]:
                continue
            # the last whole row tag in the last two chunks (a tag may straddle two chunks)
            window = b"".join(pending[-2:])
            cut = window.rfind(_ROW)
            while cut >= 0 and window.find(b">", cut) < 0:
                cut = window.rfind(_ROW, 0, cut)
            if cut < 0 or (cut == 0 and len(pending) <= 2):
                continue  # no whole row tag to cut before (or only the first one)
            number = _ROW_NUMBER.match(window, cut)
            if not number:  # rows numbered by position: a slice would renumber them
                return None
            start([head, *pending[:-2], window[:cut], _DATA_CLOSE, b"</worksheet>"], next_row)
            next_row = int(number.group(1))
            pending, size = [window[cut:]], len(window) - cut
        if head is None:
            return None
        start([head, *pending], next_row)
    finally:
        for th in threads:
            th.join()
    parts = []
    for i in range(len(threads)):
        got = results.get(i)
        if not isinstance(got, tuple):
            return None
        first, rows, merged = got
        if i and first is not None and first[0] < row_numbers[i] - 1:
            return None  # a part must start at or after its first row element
        parts.append((first, rows))
    # every part ends before the next one starts (rows ascending, as the format requires)
    end = len(parts[0][1])
    for first, rows in parts[1:]:
        if first is None:
            continue
        if first[0] < end:
            return None
        end = first[0] + len(rows)
    return PartsSheet(parts, merged)
