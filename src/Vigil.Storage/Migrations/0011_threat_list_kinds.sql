-- A tenant list is a threat list or a trusted list; a trusted entry wins over every threat entry.

ALTER TABLE threat_lists ADD COLUMN kind text NOT NULL DEFAULT 'threat';
