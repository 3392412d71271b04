-- Objects retort cannot represent are left out (and listed on stderr):
-- an exclusion constraint, a hash index, a view, a free-standing sequence,
-- a partitioned table and its partition, a domain, a trigger.  The rest is dumped.
CREATE TABLE booking (
    id integer PRIMARY KEY,
    room integer,
    during int4range,
    CONSTRAINT ex_booking EXCLUDE USING gist (during WITH &&)
);
CREATE INDEX ix_booking_room_hash ON booking USING hash (room);
CREATE VIEW v_booking AS SELECT id FROM booking;
CREATE SEQUENCE loose_seq;
CREATE TABLE measure (at date, v integer) PARTITION BY RANGE (at);
CREATE TABLE measure_2020 PARTITION OF measure FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER tr_booking BEFORE INSERT ON booking FOR EACH ROW EXECUTE FUNCTION touch();
