-- An empty schema: retort's own version and history tables are never reported.
CREATE TABLE retort_version (version_num varchar(32) NOT NULL PRIMARY KEY);
CREATE TABLE retort_history (id serial PRIMARY KEY, revision varchar(32), note text DEFAULT 'x');
