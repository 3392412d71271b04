-- Columns are written in their position order, not by name; ADD COLUMN
-- FIRST and AFTER move them.
CREATE TABLE ordered (
    zeta INT,
    alpha VARCHAR(5),
    mid DATE,
    beta INT NOT NULL
);
ALTER TABLE ordered ADD COLUMN first_one INT FIRST;
ALTER TABLE ordered ADD COLUMN after_alpha CHAR(1) AFTER alpha;
