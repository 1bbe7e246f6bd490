-- Accounts: the shop's own user rows (whatever the identity provider), the built-in provider's
-- credentials, per-key rate-limit windows and the development mailbox.
CREATE EXTENSION IF NOT EXISTS citext;

-- One row per person the shop knows, keyed by the identity provider's stable subject.
-- Orders and libraries point here, so switching providers never rewrites them.
CREATE TABLE users (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    provider    text NOT NULL CHECK (provider IN ('builtin', 'cognito')),
    subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    email       citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz,
    UNIQUE (provider, subject)
);

-- The built-in identity provider (the default when no Cognito pool is configured).
CREATE TABLE builtin_accounts (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email               citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    password_hash       text NOT NULL,           -- argon2id PHC string
    email_verified      boolean NOT NULL DEFAULT false,
    is_admin            boolean NOT NULL DEFAULT false,
    disabled            boolean NOT NULL DEFAULT false,
    totp_secret         text,                    -- base32; set while associating, kept once enabled
    totp_enabled        boolean NOT NULL DEFAULT false,
    totp_last_step      bigint,                  -- the last accepted 30-second step: a code works once
    -- Sessions issued before this instant are void (global sign-out, password change or reset).
    sessions_valid_after timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT totp_enabled OR totp_secret IS NOT NULL)
);

-- One outstanding code per account and purpose; only its hash is stored.
CREATE TABLE builtin_codes (
    account_id  uuid NOT NULL REFERENCES builtin_accounts (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('confirm', 'reset')),
    code_hash   text NOT NULL,
    expires_at  timestamptz NOT NULL,
    attempts    int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    PRIMARY KEY (account_id, purpose)
);

-- Fixed-window counters shared by every server process. UNLOGGED: losing them in a crash only
-- resets the windows.
CREATE UNLOGGED TABLE rate_limits (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    hits         int NOT NULL CHECK (hits >= 0)
);

-- Mail "sent" in development and tests, shown at /dev/mailbox (never in production).
CREATE TABLE dev_mailbox (
    id          bigserial PRIMARY KEY,
    to_address  text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dev_mailbox_to ON dev_mailbox (to_address, id DESC);
