-- Columns in position order, not name order; a dropped column leaves no gap.
CREATE TABLE zoo (
    zebra integer,
    aardvark text,
    mole boolean,
    beaver numeric(3,1)
);
ALTER TABLE zoo DROP COLUMN mole;
ALTER TABLE zoo ADD COLUMN cat date;
