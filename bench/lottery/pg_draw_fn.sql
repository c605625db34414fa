-- pg_draw_fn.sql — the draw of pg_draw.sql as one call of the server-side
-- function draw() (pg_schema.sql): one round trip, one transaction (the
-- statement's own), the prize rows locked until its commit, which returns
-- after the WAL fsync. System "postgres-fn" of bench/lottery.sh.
\set member random(1, :members)
\set roll random(0, :total - 1)
SELECT draw(:campaign, :member, :roll);
