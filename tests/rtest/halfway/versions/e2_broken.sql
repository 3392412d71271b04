-- retort:revision e2
-- retort:down_revision e1
-- retort:message create tag, then fill it from a table that does not exist

-- retort:upgrade
CREATE TABLE tag (id integer PRIMARY KEY);
INSERT INTO tag (id) SELECT id FROM no_such_table;

-- retort:downgrade
DROP TABLE tag;
