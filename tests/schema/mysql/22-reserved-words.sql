-- Reserved words as table, column, index and constraint names.
CREATE TABLE `order` (
    `select` INT NOT NULL PRIMARY KEY,
    `key` VARCHAR(10),
    `group` INT DEFAULT 1,
    `desc` TEXT,
    KEY `index` (`key`),
    CONSTRAINT `check` CHECK (`group` > 0)
);
CREATE TABLE `table` (
    `from` INT,
    `where` INT,
    CONSTRAINT `foreign` FOREIGN KEY (`from`) REFERENCES `order` (`select`) ON DELETE CASCADE,
    CONSTRAINT `unique` UNIQUE (`where`)
);
