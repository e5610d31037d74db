-- Every record the admin edits carries its fields' clocks, as customer_user does (issue #9):
-- {"field": "hlc"} for the create and every field written since, so sync can merge a
-- customer, a setting, a template or a back-office user field by field.
ALTER TABLE customer ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE setting ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE email_template ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE app_user ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
