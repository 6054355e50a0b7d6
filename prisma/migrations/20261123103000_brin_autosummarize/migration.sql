-- Summarize new BRIN ranges of events.received_at as pages fill, rather than at the next vacuum:
-- the rollup refresh and the rollup queries read "what arrived since the watermark" through it,
-- and unsummarized ranges would be scanned in full after bulk loads.
DROP INDEX "events_received_at_idx";
CREATE INDEX "events_received_at_idx" ON "events" USING BRIN ("received_at") WITH (autosummarize = on);
