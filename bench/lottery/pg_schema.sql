-- pg_schema.sql — the PostgreSQL baseline of bench/lottery.sh: the same
-- tables a lottery needs in Huohua (src/store/schema.c, migration 8), reduced
-- to what a draw touches: the prize rows with their stock, and the draws.
-- psql variables: campaign, stock, w1, w2, w3 (weights of the three prizes).
CREATE TABLE prizes (
  id integer PRIMARY KEY,
  campaign_id integer NOT NULL,
  name text NOT NULL,
  stock integer NOT NULL,
  remaining integer NOT NULL CHECK (remaining >= 0),
  weight integer NOT NULL CHECK (weight >= 0)
);
CREATE INDEX prizes_campaign ON prizes (campaign_id, id);
CREATE TABLE draws (
  id bigserial PRIMARY KEY,
  campaign_id integer NOT NULL,
  member_id bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  roll integer NOT NULL,
  prize_id integer REFERENCES prizes (id)
);
CREATE INDEX draws_campaign ON draws (campaign_id, id);
CREATE INDEX draws_member ON draws (member_id, campaign_id, at);
INSERT INTO prizes (id, campaign_id, name, stock, remaining, weight) VALUES
  (1, :campaign, 'first prize',  :stock, :stock, :w1),
  (2, :campaign, 'second prize', :stock, :stock, :w2),
  (3, :campaign, 'third prize',  :stock, :stock, :w3);

-- The same draw as pg_draw.sql in one server-side function, so a draw is one
-- round trip (pgbench script pg_draw_fn.sql, system "postgres-fn" of
-- bench/lottery.sh): the prize rows are still locked until the commit.
CREATE FUNCTION draw(p_campaign integer, p_member bigint, p_roll integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_prize integer;
BEGIN
  WITH locked AS MATERIALIZED (
    SELECT id, weight, remaining FROM prizes WHERE campaign_id = p_campaign ORDER BY id FOR UPDATE
  ), cum AS (
    SELECT id, remaining, sum(weight) OVER (ORDER BY id) AS upto FROM locked
  )
  SELECT CASE WHEN remaining > 0 THEN id END INTO v_prize FROM cum
   WHERE p_roll < upto ORDER BY id LIMIT 1;
  IF v_prize IS NOT NULL THEN
    UPDATE prizes SET remaining = remaining - 1 WHERE id = v_prize AND remaining > 0;
  END IF;
  INSERT INTO draws (campaign_id, member_id, roll, prize_id) VALUES (p_campaign, p_member, p_roll, v_prize);
  RETURN coalesce(v_prize, 0);
END
$$;
