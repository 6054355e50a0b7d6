// Which projects a rollup refresh step rebuilds the daily bitmaps of (rollup-refresh.ts decides it
// once per step, into the temporary table refresh_eligible). The tables derived from those bitmaps
// (mixed actors, pairs, count slices, first-seen bitmaps) are rebuilt with them: a project whose
// bitmaps were forgotten (moved to a zone without whole-hour days, then back) had arrivals folded
// into none of them, nor numbered.

/** SQL true when this step rebuilds the daily bitmaps of the project of `alias`.project_id. */
export const bitmapsRebuiltSql = (alias: string) =>
  `EXISTS (SELECT 1 FROM refresh_eligible r WHERE r.project_id = ${alias}.project_id AND r.rebuild)`;
