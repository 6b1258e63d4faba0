"""Outputs: results out as files an officer or a script uses — what a cell may hold (`cells`), the
machine table (`table`), the officer workbook (`workbook`), the gap report (`gap_report`) and the maps
(`maps`). Builds on knowledge, ingest and engine; never on the pipeline or a UI.
"""
