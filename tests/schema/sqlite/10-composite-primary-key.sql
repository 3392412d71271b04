-- A composite primary key, unnamed, in key order (not column order); its
-- columns are NOT NULL.
CREATE TABLE membership (
    user_id INTEGER,
    group_id INTEGER,
    since DATE,
    PRIMARY KEY (group_id, user_id)
);
