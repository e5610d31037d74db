-- Customer user roles' permissions, and back-office roles with their capabilities (issue #12).

-- A role's permission matrix, {entity: {action: level}} with only the grants above None,
-- and its storefront capabilities, [capability]; each syncs as one field.
ALTER TABLE customer_user_role ADD COLUMN permissions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE customer_user_role ADD COLUMN capabilities TEXT NOT NULL DEFAULT '[]';

-- The predefined roles' permissions as Oro ships them (frontend_roles.yml): the
-- Administrator everything at Corporate (All Levels); the Buyer the customer's records to
-- view and their own orders, quotes, requests, shopping lists and checkouts.
UPDATE customer_user_role SET
    permissions = '{"customer":{"view":"corporate","edit":"corporate"},"customer_address":{"view":"corporate","create":"corporate","edit":"corporate","delete":"corporate"},"customer_user":{"view":"corporate","create":"corporate","edit":"corporate","delete":"corporate","assign":"corporate"},"customer_user_address":{"view":"corporate","create":"corporate","edit":"corporate","delete":"corporate"},"customer_user_role":{"view":"corporate","create":"corporate","edit":"corporate","delete":"corporate"},"order":{"view":"corporate","create":"corporate","edit":"corporate"},"quote":{"view":"corporate","edit":"corporate"},"request_for_quote":{"view":"corporate","create":"corporate","edit":"corporate"},"shopping_list":{"view":"corporate","create":"corporate","edit":"corporate","delete":"corporate","assign":"corporate"},"checkout":{"view":"corporate","create":"corporate","edit":"corporate","delete":"corporate"}}',
    capabilities = '["update_own_profile","manage_customer_users","manage_customer_roles","view_login_attempts","publish_grid_views"]'
WHERE id = '0190a000-0000-7000-8000-000000000001' AND permissions = '{}';
UPDATE customer_user_role SET
    permissions = '{"customer":{"view":"department"},"customer_address":{"view":"department"},"customer_user":{"view":"department"},"customer_user_address":{"view":"user"},"order":{"view":"user","create":"user","edit":"user"},"quote":{"view":"user","edit":"user"},"request_for_quote":{"view":"user","create":"user","edit":"user"},"shopping_list":{"view":"user","create":"user","edit":"user","delete":"user","assign":"user"},"checkout":{"view":"user","create":"user","edit":"user","delete":"user"}}',
    capabilities = '["update_own_profile"]'
WHERE id = '0190a000-0000-7000-8000-000000000002' AND permissions = '{}';

-- Back-office roles: what each admin may do in this app. The built-in Administrator (a fixed
-- id in every store, of no one organization, as the predefined customer user roles began)
-- may do everything, whatever its list says.
CREATE TABLE app_role (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organization (id) ON DELETE SET NULL,
    label           TEXT NOT NULL,
    capabilities    TEXT NOT NULL DEFAULT '[]',
    field_hlc       TEXT NOT NULL DEFAULT '{}'
) STRICT;
INSERT INTO app_role (id, organization_id, label)
    VALUES ('0190a000-0000-7000-8000-000000000030', NULL, 'Administrator');

-- Every admin so far could do everything: they keep the Administrator role.
ALTER TABLE app_user ADD COLUMN role_id TEXT REFERENCES app_role (id);
UPDATE app_user SET role_id = '0190a000-0000-7000-8000-000000000030';

-- The grid sorts and filters users by their roles' labels, copied onto each user: a role's
-- new label (here or from another desktop) reaches its holders, as a customer's name does.
CREATE TRIGGER role_relabel AFTER UPDATE OF label ON customer_user_role BEGIN
    UPDATE customer_user SET roles_label = (
        SELECT group_concat(label, ', ') FROM (
            SELECT r.label FROM customer_user_role_link l
            JOIN customer_user_role r ON r.id = l.role_id
            WHERE l.customer_user_id = customer_user.id ORDER BY lower(r.label)))
    WHERE id IN (SELECT customer_user_id FROM customer_user_role_link WHERE role_id = new.id);
END;
