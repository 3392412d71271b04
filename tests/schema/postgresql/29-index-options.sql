-- Index keys with DESC, NULLS FIRST, COLLATE or an operator class are written
-- as the key list (expression), so that they are kept.
CREATE TABLE ranking (
    id integer PRIMARY KEY,
    score integer,
    name text,
    at timestamp
);
CREATE INDEX ix_ranking_score_desc ON ranking (score DESC);
CREATE INDEX ix_ranking_nulls ON ranking (at NULLS FIRST, id);
CREATE INDEX ix_ranking_name_c ON ranking (name COLLATE "C");
CREATE INDEX ix_ranking_pattern ON ranking (name text_pattern_ops);
CREATE INDEX ix_ranking_multi ON ranking (score, name);
