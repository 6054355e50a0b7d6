-- Raw retention groups every event of a range by actor. One hash table of a million actors misses
-- the CPU caches on every row; the same work done a 64th of the actors at a time stays in cache,
-- and two connections can each take half the buckets with nothing to merge afterwards. So the
-- (project, name, timestamp) index leads with a bucket of the actor hash after the name: a bucket's
-- events in a range are one contiguous index range, read in time order. Queries without a bucket
-- condition (funnels, raw trends) skip over the 64 buckets (PostgreSQL 18's skip scan).
-- Prisma cannot express an expression index: the schema leaves this one out (see schema.prisma).
DROP INDEX "events_organization_id_project_id_name_timestamp_idx";
CREATE INDEX "events_name_actor_bucket_timestamp_idx" ON "events"("organization_id", "project_id", "name", (("actor" & 63)::smallint), "timestamp") INCLUDE ("actor");
