-- The findings list can be sorted by region too.

CREATE INDEX findings_by_region ON findings (tenant_id, region, id);
