-- varchar(n) and text; blanks inside and before the parentheses go.
CREATE TABLE texts (
    a VARCHAR(20),
    b TEXT,
    c VARCHAR ( 255 ),
    d CHAR(5),
    e NVARCHAR(10),
    f CLOB,
    g varchar
);
