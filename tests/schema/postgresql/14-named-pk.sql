-- Named primary keys, one of them composite; a primary key makes its columns NOT NULL.
CREATE TABLE orders (
    id bigint,
    CONSTRAINT pk_orders PRIMARY KEY (id)
);
CREATE TABLE lines (
    order_id bigint,
    line_no integer,
    qty integer,
    CONSTRAINT lines_pk PRIMARY KEY (order_id, line_no)
);
