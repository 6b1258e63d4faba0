"""ChainMatch: score and rank candidate companies against a development zone's industrial-chain gaps.

The public API — everything the CLI and the app use:

    import matcher
    result = matcher.score_files(["candidates.xlsx"])            # default zone: 南京经开区
    result.ranked.head()                                         # contract columns, best first
    result.counts                                                # read / scored / merged / rejected
    matcher.write_output(result, "ranked.xlsx")                  # officer workbook + rejected rows
    reranked = matcher.rank(result.components, matcher.DEFAULTS.replace(w_fit=0.9))

Settings and errors load with the package; every other name loads its module on first use, so
`import matcher` is quick and a command can start reading its input before pandas is loaded.
"""

from importlib import import_module

from .errors import DataFileError, InputFileError, MatcherError
from .ingest.prefetch import prefetch_inputs
from .knowledge.settings import (
    CHAIN_IDS,
    DB_ENV,
    DB_HELP,
    DEFAULT_JOBS,
    DEFAULT_RADIUS_KM,
    DEFAULT_ZONE,
    DEFAULTS,
    JOBS_HELP,
    SAMPLE_FILE,
    TRACK_DEFAULTS,
    Settings,
    TrackSettings,
    settings_help,
    track_settings_help,
)

_LAZY = {
    "contract": [
        "CHAIN_LEVEL_SEGMENT",
        "CONTRACT_COLUMNS",
        "EXTRA_COLUMNS",
        "GAP_COLUMNS",
        "LOCAL_TIER",
        "NO_TARGET_TIER",
        "TIER_COLOURS",
        "TIERS",
        "UNMATCHED_TIER",
        "empty_ranking",
        "select",
        "tier_labels",
    ],
    "knowledge.chains": [
        "STATUS_COLOURS",
        "Chain",
        "Segment",
        "Zone",
        "load_chain",
        "load_chains",
        "load_zone",
        "segment_table",
        "zone_to_yaml",
    ],
    "knowledge.zone_edit": ["apply_zone_edits", "zone_tables"],
    "ingest.read": ["inspect_file", "read_file"],
    "ingest.names": ["parse_name"],
    "ingest.normalize": ["STATUS_LABELS"],
    "engine.geo": ["distance_km", "locate"],
    "engine.match": ["SegmentMatcher"],
    "engine.explain": ["reason_parts"],
    "engine.filing": ["chain_view"],
    "outputs.brief": ["brief_bytes", "brief_html", "find_companies"],
    "engine.score": ["Scorer", "rank"],
    "outputs.table": ["write_output", "write_table"],
    "outputs.workbook": ["write_workbook"],
    "outputs.gap_report": ["gap_zone_yaml", "write_gaps"],
    "outputs.track_files": ["diff_tables", "lead_table", "run_table", "write_tables"],
    "outputs.maps": ["chain_map_option", "geo_map_option", "geo_maps", "map_html", "segment_summary", "write_map"],
    "pipeline": ["ScoreResult", "input_accounting", "mark_local", "read_companies", "score_files", "score_frame"],
    "stream.local": ["RESTART_ROWS", "RestartRun", "read_ranking", "register_counts"],
    "stream.run": ["score_register"],
    "stream.shards": ["is_register_input"],
    "stream.memory": ["restart_process"],
    "gaps": ["GapProfile", "compute_gaps", "gaps_files"],
    "knowledge.stages": ["CHANGE_LABELS", "COLOUR_LABELS", "Stage", "Stages", "load_stages"],
    "store.db": ["Store", "StoreError", "backup", "open_store"],
    "store.runs": [
        "UnknownRunError",
        "company_results",
        "get_run",
        "list_runs",
        "resolve_run",
        "run_gaps",
        "run_results",
        "save_run",
    ],
    "store.leads": [
        "FIELD_LABELS",
        "HISTORY_COLUMNS",
        "LEAD_COLUMNS",
        "StaleLeadError",
        "UnknownLeadError",
        "add_leads",
        "count_leads",
        "create_lead",
        "get_lead",
        "lead_history",
        "list_leads",
        "update_lead",
    ],
    "store.diff": ["RunDiff", "diff_runs"],
    "store.activity": [
        "SOURCE_LABELS",
        "last_changes",
        "lead_chains",
        "lead_owners",
        "stage_counts",
        "store_today",
    ],
    "reports.write": ["quarterly_report", "report_bytes", "weekly_report", "write_report"],
    "reports.page": ["quarterly_html"],
    "store.workbook": ["WorkbookImport", "import_workbook"],
    "knowledge.roles": ["Role", "Roles", "load_roles"],
    "accounts.users": [
        "AccountError",
        "PermissionDenied",
        "Principal",
        "add_user",
        "authenticate",
        "count_users",
        "disable_user",
        "list_users",
        "principal_of",
        "reset_password",
    ],
    "accounts.access": [
        "company_results_for",
        "count_leads_for",
        "create_lead_as",
        "desktop_principal",
        "diff_runs_for",
        "export_leads_for",
        "get_lead_for",
        "lead_chains_for",
        "lead_history_for",
        "lead_owners_for",
        "list_leads_for",
        "list_runs_for",
        "report_done",
        "require",
        "run_results_for",
        "update_lead_as",
        "visible_chains",
    ],
    "accounts.audit": ["ACTION_LABELS", "audit_table", "export_audit", "list_audit", "record_audit"],
    "session": [
        "RANK_SETTINGS",
        "ResultStore",
        "code_digest",
        "field_labels",
        "file_digest",
        "filter_ranked",
        "mapping_overrides",
        "mapping_table",
        "match_key",
        "rank_key",
        "rerank",
        "result_store",
        "score_inputs",
        "score_parts",
        "state_key",
        "stored_result_key",
        "table_csv_bytes",
        "workbook_bytes",
    ],
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "CHAIN_IDS",
    "DEFAULT_JOBS",
    "DB_ENV",
    "DB_HELP",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_ZONE",
    "DEFAULTS",
    "JOBS_HELP",
    "SAMPLE_FILE",
    "TRACK_DEFAULTS",
    "Settings",
    "TrackSettings",
    "settings_help",
    "track_settings_help",
    "DataFileError",
    "InputFileError",
    "MatcherError",
    "prefetch_inputs",
    *_MODULE_OF,
]
__version__ = "0.1.0"


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # next time a plain attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
