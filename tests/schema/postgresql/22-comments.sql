-- Table and column comments, with quotes, a newline, a tab and UTF-8.
CREATE TABLE invoice (
    id integer PRIMARY KEY,
    total numeric(10,2),
    note text
);
COMMENT ON TABLE invoice IS 'bills we send';
COMMENT ON COLUMN invoice.total IS 'in euros, "gross"';
COMMENT ON COLUMN invoice.note IS 'line one
line two	tab';
CREATE TABLE plain (id integer);
COMMENT ON COLUMN plain.id IS 'café';
