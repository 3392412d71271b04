-- Names with a space, a double quote, a single quote and a backtick,
-- in tables, columns, keys, indexes, checks and references.
CREATE TABLE `my t` (
    `a"b` INT NOT NULL,
    `it's` VARCHAR(10),
    `back``tick` INT,
    `j``son` JSON,
    PRIMARY KEY (`a"b`),
    KEY `ix 1` (`it's`),
    CONSTRAINT `ck'q` CHECK (`back``tick` > 0)
);
CREATE TABLE `ref "x"` (
    `c d` INT,
    CONSTRAINT `fk "my t"` FOREIGN KEY (`c d`) REFERENCES `my t` (`a"b`) ON UPDATE CASCADE
);
