-- A composite primary key under its default name, columns in key order.
CREATE TABLE membership (
    user_id integer NOT NULL,
    group_id integer NOT NULL,
    role text,
    PRIMARY KEY (group_id, user_id)
);
