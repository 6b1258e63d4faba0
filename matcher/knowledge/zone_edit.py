"""The zone profile as two tables an officer can edit (chain priorities, segment statuses) and back.

`zone_tables` lays a `Zone` out as tables; `apply_zone_edits` applies edited tables to it, with the
rule that a status an officer changed becomes an officer's setting (it wins over a computed one).
`zone_to_yaml` (in `matcher.knowledge.chains`) writes the result as a zone file.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from ..errors import MatcherError
from .chains import STATUSES, Chain, SegmentStatus, Zone, ZoneChain, segment_table

PRIORITY_COLUMNS = ["chain_id", "chain_name", "priority_level", "leader"]
SEGMENT_COLUMNS = [
    "chain_id",
    "chain_name",
    "segment_id",
    "segment_name",
    "position",
    "status",
    "assumed",
    "computed",
    "target_count",
    "note",
]


def zone_tables(chains: dict[str, Chain], zone: Zone) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(chain priorities, segment statuses) of a zone as two tables an officer can edit."""
    prio = pd.DataFrame(
        [
            {
                "chain_id": cid,
                "chain_name": c.name,
                "priority_level": zone.chain_priority(cid)[0],
                "leader": zone.chains[cid].leader if cid in zone.chains else "",
            }
            for cid, c in chains.items()
        ],
        columns=PRIORITY_COLUMNS,
    )
    seg = segment_table(chains, zone)
    seg["note"] = [zone.segment_status(r.chain_id, r.segment_id).note for r in seg.itertuples()]
    return prio, seg[SEGMENT_COLUMNS].reset_index(drop=True)


def apply_zone_edits(
    zone: Zone, chains: dict[str, Chain], priorities: pd.DataFrame | None = None, segments: pd.DataFrame | None = None
) -> Zone:
    """The zone with the edited tables (as `zone_tables` makes them) applied.

    A segment whose status was changed becomes an officer's setting (neither assumed nor computed)
    unless its 待核实 flag was ticked in the same edit; an unchanged status keeps its flags. Raises
    MatcherError naming the chain or segment for a value that is not allowed."""
    zone_chains = dict(zone.chains)
    if priorities is not None:
        for r in priorities.itertuples(index=False):
            if r.chain_id not in chains:
                raise MatcherError(f"未知的产业链 {r.chain_id}")
            if r.priority_level not in zone.priority_levels:
                raise MatcherError(
                    f"产业链“{r.chain_name}”的优先级“{r.priority_level}”应为 {' / '.join(zone.priority_levels)} 之一"
                )
            leader = "" if r.leader is None or (isinstance(r.leader, float) and math.isnan(r.leader)) else str(r.leader)
            old = zone_chains.get(r.chain_id)
            zone_chains[r.chain_id] = (
                dataclasses.replace(old, priority=r.priority_level, leader=leader)
                if old
                else ZoneChain(priority=r.priority_level, leader=leader, segments={})
            )
    if segments is not None:
        for r in segments.itertuples(index=False):
            where = f"产业链 {r.chain_id} 环节 {r.segment_id}"
            if r.chain_id not in chains or r.segment_id not in {s.id for s in chains[r.chain_id].segments}:
                raise MatcherError(f"{where}：不存在")
            if r.status not in STATUSES:
                raise MatcherError(f"{where}（{r.segment_name}）：状态“{r.status}”应为 {' / '.join(STATUSES)} 之一")
            target = r.target_count
            if target is not None and not (isinstance(target, float) and math.isnan(target)):
                if float(target) < 1 or float(target) != int(target):
                    raise MatcherError(f"{where}（{r.segment_name}）：目标数应为正整数")
                target = int(target)
            else:
                target = None
            old = zone.segment_status(r.chain_id, r.segment_id)
            chain_default = chains[r.chain_id].segment(r.segment_id).target_count
            if old.target_count is None and target == chain_default:
                target = None  # the chain data's own target: no override needed
            assumed, computed = bool(r.assumed), bool(old.computed)
            if r.status != old.status:
                computed = False
                assumed = assumed and not old.assumed  # ticked in this edit: still to be checked
            note = "" if r.note is None or (isinstance(r.note, float) and math.isnan(r.note)) else str(r.note)
            new = SegmentStatus(r.status, assumed=assumed, note=note, target_count=target, computed=computed)
            zc = zone_chains.get(r.chain_id) or ZoneChain(priority=next(iter(zone.priority_levels)), segments={})
            zone_chains[r.chain_id] = dataclasses.replace(zc, segments={**zc.segments, r.segment_id: new})
    return dataclasses.replace(zone, chains=zone_chains)
