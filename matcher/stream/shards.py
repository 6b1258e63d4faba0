"""A register's shards: which files a folder or glob names, and each shard read as bounded batches.

Owns finding the shards (`find_shards`: a folder's `.parquet` / `.csv` / `.tsv` / `.txt` files, or a
glob, in name order — that order is the input order), and reading one shard as Arrow record batches
of at most `batch_rows` rows, each handed on as a `RawTable` with the same column mapping and row
numbers the whole-file reader (`matcher.ingest.read`) gives: Parquet through its row groups, CSV
through Arrow's streaming reader in the encoding detected from the file's start (UTF-8, UTF-8 with
BOM, UTF-16, else GB18030 ⊇ GBK), the header found where the whole-file reader finds it. A CSV
row's number is its record number as the whole-file reader counts it (header line = 1 when it is
the first line); a Parquet row's number is its position, the first row = 1.
"""

from __future__ import annotations

import csv
import glob
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..errors import InputFileError, MatcherError
from ..ingest.read import HEADER_SCAN_ROWS, _find_header, _unique_headers, map_columns
from ..ingest.table import RawTable

SHARD_SUFFIXES = {".parquet", ".csv", ".tsv", ".txt"}
SNIFF_BYTES = 1 << 20


@dataclass(frozen=True)
class Shard:
    path: str
    size: int
    mtime_ns: int

    @property
    def label(self) -> str:
        return Path(self.path).name


def is_register_input(inputs: list[str]) -> bool:
    """True when the inputs name a register to stream: a folder or a glob pattern."""
    return any(Path(p).is_dir() or any(ch in str(p) for ch in "*?[") for p in inputs)


def find_shards(inputs: list[str]) -> list[Shard]:
    """The shard files the inputs name, in input order (a folder's or glob's files by name)."""
    paths: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SHARD_SUFFIXES)
            if not found:
                raise InputFileError(p, "文件夹中没有 .parquet 或 .csv 分片文件")
            paths.extend(found)
        elif any(ch in item for ch in "*?["):
            found = sorted(Path(f) for f in glob.glob(item) if Path(f).is_file())
            found = [f for f in found if f.suffix.lower() in SHARD_SUFFIXES]
            if not found:
                raise InputFileError(item, "没有匹配的 .parquet 或 .csv 分片文件")
            paths.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in SHARD_SUFFIXES:
                raise InputFileError(p, "整库评分只读取 .parquet 或 .csv 分片文件")
            paths.append(p)
        else:
            raise InputFileError(p, "文件或文件夹不存在")
    labels: dict[str, Path] = {}
    for p in paths:
        if p.name in labels and labels[p.name].resolve() != p.resolve():
            raise MatcherError(f"{p}: 与 {labels[p.name]} 同名；整库评分的分片文件名须各不相同")
        labels[p.name] = p
    unique = list(dict.fromkeys(p.resolve() for p in paths))
    return [Shard(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in unique]


def _encoding(head: bytes, path) -> str:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    for cut in range(4):  # the sample may end inside a character
        try:
            head[: len(head) - cut].decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                break
    try:
        head.decode("gb18030", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            raise InputFileError(path, "无法识别文本编码（支持 UTF-8、UTF-16、GBK、GB18030）") from None
    return "gb18030"


def read_batches(
    shard: Shard, batch_rows: int, column_map: dict[str, str] | None = None
) -> Iterator[tuple[RawTable, int]]:
    """(RawTable of at most batch_rows rows, bytes of the shard read so far) for every batch, in order."""
    path = Path(shard.path)
    try:
        if path.stat().st_size == 0:
            raise InputFileError(path, "文件是空的")
        if path.suffix.lower() == ".parquet":
            yield from _parquet_batches(path, batch_rows, column_map, shard.size)
        else:
            yield from _csv_batches(path, batch_rows, column_map, shard.size)
    except MatcherError:
        raise
    except MemoryError:
        raise InputFileError(path, "内存不足，请减小批大小") from None
    except Exception as exc:  # never a traceback for a shard we cannot read
        raise InputFileError(path, f"无法读取（{type(exc).__name__}: {str(exc)[:120]}）") from None


def _table(path, frame: pd.DataFrame, mapping, first_row: int, header_row, fmt: str) -> RawTable:
    return RawTable(
        str(path), None, header_row, frame, mapping, list(range(first_row, first_row + len(frame))), format=fmt
    )


def _parquet_batches(path: Path, batch_rows: int, column_map, size: int):
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    headers = _unique_headers(list(f.schema_arrow.names))
    mapping = map_columns(headers, column_map)
    if "company_name" not in mapping.values():
        raise InputFileError(path, "没有找到可识别的表头（需要“企业名称”或“公司名称”等列）")
    total = max(f.metadata.num_rows, 1)
    done = 0
    for batch in f.iter_batches(batch_size=batch_rows):
        frame = batch.rename_columns(headers).to_pandas().astype(object)
        frame = frame.where(frame.notna(), None)
        yield _table(path, frame, mapping, done + 1, None, "parquet"), int(size * (done + len(frame)) / total)
        done += len(frame)


def _csv_setup(path: Path, column_map) -> tuple[str, str, int, list[str], dict]:
    """(encoding, delimiter, header row index, headers, mapping) of a CSV shard, from its first MB."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if b"\x00" in head[:4096] and head[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise InputFileError(path, "看起来不是文本文件（含二进制内容），请确认格式")
    encoding = _encoding(head, path)
    text = head.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="ignore")
    delimiter = "\t" if path.suffix.lower() == ".tsv" or text.count("\t") > text.count(",") else ","
    rows = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append(row)
        if len(rows) >= HEADER_SCAN_ROWS:
            break
    h = _find_header(rows, column_map)
    if h is None:
        raise InputFileError(path, "没有找到可识别的表头（需要“企业名称”或“公司名称”等列）")
    headers = _unique_headers(rows[h])
    return encoding, delimiter, h, headers, map_columns(headers, column_map)


def check_shard(shard: Shard, column_map: dict[str, str] | None = None) -> None:
    """Raise InputFileError now for a shard that cannot be read (before a run creates anything)."""
    path = Path(shard.path)
    try:
        if path.stat().st_size == 0:
            raise InputFileError(path, "文件是空的")
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            headers = _unique_headers(list(pq.ParquetFile(path).schema_arrow.names))
            if "company_name" not in map_columns(headers, column_map).values():
                raise InputFileError(path, "没有找到可识别的表头（需要“企业名称”或“公司名称”等列）")
        else:
            _csv_setup(path, column_map)
    except MatcherError:
        raise
    except Exception as exc:
        raise InputFileError(path, f"无法读取（{type(exc).__name__}: {str(exc)[:120]}）") from None


def _csv_batches(path: Path, batch_rows: int, column_map, size: int):
    import pyarrow.csv as pcsv

    encoding, delimiter, h, headers, mapping = _csv_setup(path, column_map)
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    reader = pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(
            column_names=headers, skip_rows=h + 1, encoding=encoding, block_size=8 << 20, use_threads=True
        ),
        parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(headers, pa.string())),
    )
    first = h + 2  # record number of the first data row (header record = h + 1)
    pending: list[pa.RecordBatch] = []
    have = 0

    def emit(batches):
        nonlocal first
        table = pa.Table.from_batches(batches)
        frame = table.to_pandas().astype(object)
        frame = frame.where(frame.notna() & (frame != ""), None)
        numbers = first
        first += len(frame)
        blank = frame.isna().all(axis=1).to_numpy()
        out = _table(path, frame, mapping, numbers, h + 1, f"csv ({encoding})")
        if blank.any():  # rows with nothing in them are not data rows (as the whole-file reader drops them)
            out.frame = frame[~blank].reset_index(drop=True)
            out.source_rows = [n for n, b in zip(out.source_rows, blank) if not b]
            out.blank_rows = int(blank.sum())
        return out

    per_record = len(head) / max(1, head.count(b"\n"))  # for progress only
    for batch in reader:
        pending.append(batch)
        have += batch.num_rows
        while have >= batch_rows:
            table = pa.Table.from_batches(pending)
            head_part, rest = table.slice(0, batch_rows), table.slice(batch_rows)
            out = emit(head_part.to_batches())
            yield out, int(min(size * 0.99, (first - 1) * per_record))
            pending = rest.to_batches()
            have = rest.num_rows
    if have:
        yield emit(pending), size
