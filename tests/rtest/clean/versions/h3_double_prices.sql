-- retort:revision h3
-- retort:down_revision h2
-- retort:message double the prices (a data migration)

-- retort:upgrade
UPDATE item SET price = price * 2;

-- retort:downgrade
UPDATE item SET price = price / 2;

-- retort:test_data
INSERT INTO item (id, name, price) VALUES (3, 'pan', 8);

-- retort:test_check
SELECT COUNT(*) = 3 FROM item;
