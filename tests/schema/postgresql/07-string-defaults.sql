-- String defaults: the cast the catalog adds ('x'::text) is not part of the default.
CREATE TABLE greetings (
    id integer NOT NULL,
    t text DEFAULT 'hello',
    v varchar(20) DEFAULT 'it''s' NOT NULL,
    c char(3) DEFAULT 'ab',
    e text DEFAULT '',
    b text DEFAULT 'back\slash "q"',
    j json DEFAULT '{"a": 1}',
    u uuid DEFAULT '00000000-0000-0000-0000-000000000000',
    span interval DEFAULT '1 day'
);
