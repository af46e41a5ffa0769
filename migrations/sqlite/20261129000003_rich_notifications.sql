-- Rich notifications: the resource data encrypted with the subscriber's certificate.
ALTER TABLE subscriptions ADD COLUMN include_resource_data INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN encryption_certificate TEXT;
ALTER TABLE subscriptions ADD COLUMN encryption_certificate_id TEXT;
