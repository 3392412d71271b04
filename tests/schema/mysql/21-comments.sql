-- Table and column comments, with quotes, a backslash, a newline and UTF-8.
CREATE TABLE account (
    id INT NOT NULL PRIMARY KEY COMMENT 'the key',
    email VARCHAR(100) NOT NULL COMMENT 'it''s the "login"',
    note TEXT COMMENT 'line one\nline two',
    path VARCHAR(50) COMMENT 'C:\\temp',
    city VARCHAR(50) COMMENT 'Zürich – ünïcode'
) COMMENT = 'people who pay';
CREATE TABLE plain (
    x INT
) COMMENT 'it''s plain';
