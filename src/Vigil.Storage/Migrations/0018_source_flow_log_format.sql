-- Firehose sources carry VPC flow log lines without a header line, so each source keeps the flow
-- log format (the field names in delivery order) its lines use. NULL means AWS's default version 2 format.

ALTER TABLE sources ADD COLUMN flow_log_format text;
