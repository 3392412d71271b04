-- DEFAULT NULL is no default at all.
CREATE TABLE maybe (
    t text DEFAULT NULL,
    v varchar(10) DEFAULT NULL,
    i integer DEFAULT NULL,
    n numeric(4,2) DEFAULT NULL::numeric
);
