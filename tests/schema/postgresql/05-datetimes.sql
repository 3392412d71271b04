-- Dates, times and timestamps, with and without a precision or a time zone.
CREATE TABLE events (
    day date,
    at_time time,
    at_time3 time(3),
    at_timetz timetz,
    at timestamp,
    at3 timestamp(3),
    at_tz timestamptz,
    at_tz6 timestamp(6) with time zone,
    span interval
);
