-- An empty schema: a table created and dropped, so the file exists.
CREATE TABLE scratch (a INTEGER);
DROP TABLE scratch;
