"""ChainMatch: score and rank candidate companies against a development zone's industrial-chain gaps.

The public API — everything the CLI and the app use:

    import matcher
    result = matcher.score_files(["candidates.xlsx"])            # default zone: 南京经开区
    result.ranked.head()                                         # contract columns, best first
    result.counts                                                # read / scored / merged / rejected
    matcher.write_output(result, "ranked.xlsx")                  # officer workbook + rejected rows
    reranked = matcher.rank(result.components, matcher.DEFAULTS.replace(w_fit=0.9))
"""

from .chains import CHAIN_IDS, Chain, Segment, Zone, load_chain, load_chains, load_zone, segment_table, zone_to_yaml
from .config import DEFAULT_JOBS, DEFAULT_ZONE, DEFAULTS, JOBS_HELP, SAMPLE_FILE, Settings, settings_help
from .errors import DataFileError, InputFileError, MatcherError
from .export import write_output, write_table
from .normalize import STATUS_LABELS
from .gaps import GAP_COLUMNS, GapProfile, compute_gaps, gap_zone_yaml, gaps_files, mark_local, write_gaps
from .geo import distance_km, locate
from .maps import (DEFAULT_RADIUS_KM, chain_map_option, geo_map_option, geo_maps, map_html, segment_summary,
                   write_map)
from .match import SegmentMatcher
from .pipeline import CONTRACT_COLUMNS, ScoreResult, empty_ranking, read_companies, score_files, score_frame, select
from .read import inspect_file, read_file
from .score import Scorer, rank
from .workbook import write_workbook
from .session import (NO_TARGET_TIER, RANK_SETTINGS, UNMATCHED_TIER, apply_zone_edits, field_labels,
                      file_digest, filter_ranked, input_accounting, mapping_overrides, mapping_table, match_key,
                      rank_key, rerank, score_inputs, score_parts, state_key, table_csv_bytes, tier_labels,
                      workbook_bytes, zone_tables)

__all__ = [
    "CHAIN_IDS", "CONTRACT_COLUMNS", "Chain", "DEFAULTS", "DEFAULT_ZONE", "DataFileError", "InputFileError",
    "MatcherError", "SAMPLE_FILE", "ScoreResult", "Scorer", "Segment", "SegmentMatcher", "Settings", "Zone",
    "load_chain", "load_chains", "load_zone", "rank", "read_companies", "read_file", "score_files",
    "score_frame", "segment_table", "select", "settings_help", "write_output",
    "write_table",
]
__all__ += ["GAP_COLUMNS", "GapProfile", "compute_gaps", "gap_zone_yaml", "gaps_files", "mark_local",
            "write_gaps"]
__all__ += ["write_workbook"]
__all__ += ["DEFAULT_RADIUS_KM", "chain_map_option", "distance_km", "geo_map_option", "geo_maps", "locate",
            "map_html", "segment_summary", "write_map"]
__all__ += ["inspect_file"]
__all__ += ["NO_TARGET_TIER", "RANK_SETTINGS", "UNMATCHED_TIER", "apply_zone_edits", "field_labels", "file_digest",
            "filter_ranked", "input_accounting", "mapping_overrides", "mapping_table", "match_key", "rank_key",
            "rerank", "score_inputs", "score_parts", "state_key", "table_csv_bytes", "tier_labels",
            "workbook_bytes", "zone_tables", "zone_to_yaml"]
__all__ += ["empty_ranking", "STATUS_LABELS", "DEFAULT_JOBS", "JOBS_HELP"]
__version__ = "0.1.0"
