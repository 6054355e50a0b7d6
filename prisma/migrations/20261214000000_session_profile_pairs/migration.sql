-- Whole sessions counted by each pair of profile values as well (lib/query/session-selectors.ts):
-- session measures filtered on two of country, device, browser and os (an embed locking a country
-- while its viewer picks a device) read session_counts instead of raw events. A pair's
-- profile_dimension is its two names joined by "+", in the order country, device, browser, os; its
-- profile_value the JSON array of the two values, a session mixed in either counted under none.
-- Filled here from the fragments the session rollups hold, as the refresh counts a session it
-- touches (lib/query/session-refresh.ts), so the rollups need no rebuild.
INSERT INTO "session_counts" ("organization_id", "project_id", "part", "key_id", "profile_dimension", "profile_value",
                              "first_hour", "last_hour", "sessions", "pageview_sessions", "bounces", "duration_us", "pageviews")
SELECT s."organization_id", s."project_id", 0, 0, q.dimension, q.value, s.first_hour, s.last_hour,
       count(*), count(*) FILTER (WHERE s.pageviews > 0), count(*) FILTER (WHERE s.pageviews = 1 AND s.interactions = 0),
       sum(s.duration_us), sum(s.pageviews)
FROM (
  SELECT "organization_id", "project_id", "session_id", min("hour") AS first_hour, max("hour") AS last_hour,
         (extract(epoch FROM max("last_at") - min("first_at")) * 1000000)::bigint AS duration_us,
         sum("pageviews") AS pageviews, sum("interactions") AS interactions,
         CASE WHEN min("country") = max("country") THEN min("country") END AS country,
         CASE WHEN min("device") = max("device") THEN min("device") END AS device,
         CASE WHEN min("browser") = max("browser") THEN min("browser") END AS browser,
         CASE WHEN min("os") = max("os") THEN min("os") END AS os
  FROM "session_fragments"
  GROUP BY 1, 2, 3
) s
CROSS JOIN LATERAL (VALUES
  ('country+device', jsonb_build_array(s.country, s.device)::text, s.country IS NOT NULL AND s.device IS NOT NULL),
  ('country+browser', jsonb_build_array(s.country, s.browser)::text, s.country IS NOT NULL AND s.browser IS NOT NULL),
  ('country+os', jsonb_build_array(s.country, s.os)::text, s.country IS NOT NULL AND s.os IS NOT NULL),
  ('device+browser', jsonb_build_array(s.device, s.browser)::text, s.device IS NOT NULL AND s.browser IS NOT NULL),
  ('device+os', jsonb_build_array(s.device, s.os)::text, s.device IS NOT NULL AND s.os IS NOT NULL),
  ('browser+os', jsonb_build_array(s.browser, s.os)::text, s.browser IS NOT NULL AND s.os IS NOT NULL)
) q(dimension, value, pure)
WHERE q.pure
GROUP BY 1, 2, 5, 6, 7, 8;
