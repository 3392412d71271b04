-- Expression defaults: now() and CURRENT_TIMESTAMP read back as CURRENT_TIMESTAMP,
-- other expressions as PostgreSQL deparses them.
CREATE TABLE audit (
    id uuid DEFAULT gen_random_uuid(),
    created_at timestamptz DEFAULT now(),
    updated_at timestamp DEFAULT CURRENT_TIMESTAMP,
    day date DEFAULT CURRENT_DATE,
    label text DEFAULT lower('ABC'),
    total integer DEFAULT (1 + 2),
    tags text[] DEFAULT '{}',
    expires timestamptz DEFAULT now() + interval '1 day',
    doc jsonb DEFAULT '{}'::jsonb
);
