"""Reports generated from the 招商台账, never typed: the weekly 台账 (Excel) and the quarterly 链长调度会
report per chain (a formatted workbook, and a printable one-page-per-chain HTML / PDF).

- data.py      what the reports say, read through the store's query functions (as of a day)
- sections.py  the same content as officer-facing tables (Chinese headers, display values)
- xlsx.py      the workbooks (xlsxwriter, A4 print setup, formula-safe cells)
- page.py      the printable page (HTML with print CSS; PDF through WeasyPrint)
- write.py     write_report: one entry point for the CLI and the app

A layer above `matcher.store` and below `matcher.session`: it reads the store, never the UI.
"""
