-- Personal access tokens for the JSON API. Only a SHA-256 of the secret is kept.
CREATE TABLE api_tokens (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    last_used_at {{time}}
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
