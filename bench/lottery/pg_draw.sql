-- pg_draw.sql — one durable lottery draw, the PostgreSQL baseline of
-- bench/lottery.sh, run by pgbench with many clients. One transaction:
--   1. lock every prize row of the campaign (SELECT … FOR UPDATE, in id order:
--      no deadlocks) and pick by weight with the draw's random roll in
--      [0, total weight): prizes by cumulative weight, the rest is "no prize";
--      a prize picked with no stock left is "no prize";
--   2. decrement the picked prize's stock (never below 0: the CHECK and the
--      WHERE both guard it);
--   3. insert the draw row;
--   4. COMMIT, which returns only after the WAL is fsynced (fsync = on,
--      synchronous_commit = on).
-- pgbench -D variables: campaign, members, total (sum of all weights,
-- the no-prize weight included).
\set member random(1, :members)
\set roll random(0, :total - 1)
BEGIN;
WITH locked AS MATERIALIZED (
  SELECT id, weight, remaining FROM prizes WHERE campaign_id = :campaign ORDER BY id FOR UPDATE
), cum AS (
  SELECT id, remaining, sum(weight) OVER (ORDER BY id) AS upto FROM locked
)
SELECT coalesce((SELECT CASE WHEN remaining > 0 THEN id END FROM cum
                 WHERE :roll < upto ORDER BY id LIMIT 1), 0) AS prize \gset
UPDATE prizes SET remaining = remaining - 1 WHERE id = :prize AND remaining > 0;
INSERT INTO draws (campaign_id, member_id, roll, prize_id) VALUES (:campaign, :member, :roll, nullif(:prize, 0));
COMMIT;
