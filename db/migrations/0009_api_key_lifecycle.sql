-- API keys may expire (rotation sets the old key's end) and record when they were last used.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz, ADD COLUMN last_used_at timestamptz;
