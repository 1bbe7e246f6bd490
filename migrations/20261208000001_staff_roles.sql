-- Staff roles for the built-in provider: a shopper, support (orders, customers, shipping, small
-- refunds) or an admin (everything). With Cognito the role is the user's group instead.
ALTER TABLE builtin_accounts
    ADD COLUMN role text NOT NULL DEFAULT 'shopper' CHECK (role IN ('shopper', 'support', 'admin'));
UPDATE builtin_accounts SET role = 'admin' WHERE is_admin;
ALTER TABLE builtin_accounts DROP COLUMN is_admin;

-- A product's history finds its deleted variants and photos by the product id their last audit
-- row keeps.
CREATE INDEX audit_log_product_idx ON audit_log ((before->>'product_id')) WHERE before ? 'product_id';
