-- date, time, timestamp (retort writes TIMESTAMP for timestamptz too).
CREATE TABLE events (
    day DATE NOT NULL,
    at_time TIME,
    created TIMESTAMP NOT NULL,
    logged DATETIME
);
