-- A pulled order is written back with every column, so "UPDATE OF customer_user_id,
-- created_at" fires for each one: count again only when the owner or the time did change.
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
