-- "AFTER UPDATE OF column" runs whenever a write names the column, and the writers write
-- whole rows (a pulled record, a role's new permissions, a customer's new parent). Each
-- trigger that copies a column elsewhere now runs only when the column's value changes: a
-- role held by 1,000,000 users no longer rewrites every holder when its permissions change.
DROP TRIGGER customer_user_search_au;
CREATE TRIGGER customer_user_search_au AFTER UPDATE OF first_name, last_name, email, customer_name ON customer_user
WHEN old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name
    OR old.email IS NOT new.email OR old.customer_name IS NOT new.customer_name
BEGIN
    INSERT INTO customer_user_search (customer_user_search, rowid, first_name, last_name, email, customer_name)
    VALUES ('delete', old.seq, old.first_name, old.last_name, old.email, old.customer_name);
    INSERT INTO customer_user_search (rowid, first_name, last_name, email, customer_name)
    VALUES (new.seq, new.first_name, new.last_name, new.email, new.customer_name);
END;

DROP TRIGGER customer_rename;
CREATE TRIGGER customer_rename AFTER UPDATE OF name ON customer
WHEN old.name IS NOT new.name
BEGIN
    UPDATE customer_user SET customer_name = new.name WHERE customer_id = new.id;
END;

DROP TRIGGER website_rename;
CREATE TRIGGER website_rename AFTER UPDATE OF name ON website
WHEN old.name IS NOT new.name
BEGIN
    UPDATE customer_user SET website_name = new.name WHERE website_id = new.id;
END;

DROP TRIGGER role_relabel;
CREATE TRIGGER role_relabel AFTER UPDATE OF label ON customer_user_role
WHEN old.label IS NOT new.label
BEGIN
    UPDATE customer_user SET roles_label = (
        SELECT group_concat(label, ', ') FROM (
            SELECT r.label FROM customer_user_role_link l
            JOIN customer_user_role r ON r.id = l.role_id
            WHERE l.customer_user_id = customer_user.id ORDER BY lower(r.label)))
    WHERE id IN (SELECT customer_user_id FROM customer_user_role_link WHERE role_id = new.id);
END;

DROP TRIGGER order_counted_au;
CREATE TRIGGER order_counted_au AFTER UPDATE OF customer_user_id, created_at ON sales_order
WHEN old.customer_user_id IS NOT new.customer_user_id OR old.created_at IS NOT new.created_at
BEGIN
    UPDATE customer_user SET
        order_count = (SELECT count(*) FROM sales_order o WHERE o.customer_user_id = customer_user.id),
        last_order_at = coalesce((SELECT max(created_at) FROM sales_order o
                                  WHERE o.customer_user_id = customer_user.id), '')
    WHERE id IN (old.customer_user_id, new.customer_user_id);
END;
