"""The 招商台账 (lead store): every scoring run, the companies it scored, the leads officers follow
and every change to them, in SQLite (default) or PostgreSQL, with the same code.

- db.py       open_store (CHAINMATCH_DB / default file, migrations to head), backup
- schema.py   the tables (SQLAlchemy Core); migrations/ the Alembic history from the first schema
- runs.py     save_run, list_runs, run_results, run_gaps, company_results
- leads.py    add_leads, create_lead, update_lead (version check), list_leads with flags, lead_history
- diff.py     diff_runs: what changed between two runs or two ranked files
- workbook.py import_workbook: the officer workbook's 跟进状态 / 负责人 / 备注 back into leads
- bulk.py     the bulk-insert paths (COPY / executemany) with the plain insert as fallback

A layer above `matcher.gaps` and below `matcher.session`: it reads ScoreResults, never the UI.
Every read of runs and leads goes through the query functions of runs.py and leads.py.
"""
