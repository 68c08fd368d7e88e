-- ASP.NET Core Data Protection keys (the keys that encrypt console sign-in cookies and antiforgery
-- tokens), shared by every silo so a sign-in is valid on all of them.

CREATE TABLE data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
