"""Ingest: officers' files in, one canonical row per input row out — reading every vendor layout
(`read`, `sheetparts`, `prefetch`, `table`), normalising values (`normalize`), rejecting and merging
rows (`dedupe`) and recognising candidates already in the zone (`local`). Builds on knowledge only.
"""
