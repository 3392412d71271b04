-- Enum types (values in their sort order, including one added BEFORE another)
-- and the columns that use them, one with a default, one an array.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE "Size" AS ENUM ('S', 'M', 'XL');
CREATE TYPE status AS ENUM ('b', 'a');
ALTER TYPE status ADD VALUE 'c' BEFORE 'b';
CREATE TABLE shirt (
    id integer PRIMARY KEY,
    feeling mood NOT NULL DEFAULT 'ok',
    size "Size",
    moods mood[],
    st status DEFAULT 'a'
);
