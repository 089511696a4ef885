-- Trigram indexes back contact search (partial words, any position).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
