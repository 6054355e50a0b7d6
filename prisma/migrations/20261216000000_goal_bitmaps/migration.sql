-- Who completed each goal per local day, as bitmaps over actor numbers (project_actors) in chunks
-- of 32,768 bits: a goal's visitors are an OR of days and, under drill-downs, an AND with the
-- filtered visitors, whatever the goal's kind (conditions on properties, a page's path that other
-- events carry too). Kept by the rollup refresh (lib/query/goal-bitmaps-refresh.ts) and a person's
-- deletion; a goal's go with it.
CREATE TABLE "goal_actor_bitmaps" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "goal_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "chunk" INTEGER NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "goal_actor_bitmaps_pkey" PRIMARY KEY ("goal_id","timezone","day","chunk")
);

-- The definition and time zone a goal's bitmaps are complete for, up to the rollup watermark: a
-- query reads them only while both are the goal's and its own (lib/query/converted-actors.ts).
CREATE TABLE "goal_bitmap_state" (
    "goal_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "definition" JSONB NOT NULL,
    "timezone" TEXT NOT NULL,

    CONSTRAINT "goal_bitmap_state_pkey" PRIMARY KEY ("goal_id")
);

ALTER TABLE "goal_actor_bitmaps" ADD CONSTRAINT "goal_actor_bitmaps_goal_id_fkey" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "goal_bitmap_state" ADD CONSTRAINT "goal_bitmap_state_goal_id_fkey" FOREIGN KEY ("goal_id") REFERENCES "goals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
