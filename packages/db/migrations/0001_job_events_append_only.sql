-- job_events is an audit trail: rows are written once and never changed or removed.
CREATE FUNCTION job_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'job_events is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER job_events_append_only BEFORE UPDATE OR DELETE ON job_events
  FOR EACH ROW EXECUTE FUNCTION job_events_refuse_change();
--> statement-breakpoint
-- A job holds at most 12 customer photos, counted under a lock on the job row so that
-- concurrent uploads cannot both slip in as the 12th.
CREATE FUNCTION customer_uploads_limit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM dispatch_jobs WHERE id = NEW.job_id FOR UPDATE;
  IF (SELECT count(*) FROM customer_uploads WHERE job_id = NEW.job_id) >= 12 THEN
    RAISE EXCEPTION 'a job holds at most 12 photos' USING ERRCODE = 'check_violation',
      CONSTRAINT = 'customer_uploads_per_job_limit';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER customer_uploads_limit BEFORE INSERT ON customer_uploads
  FOR EACH ROW EXECUTE FUNCTION customer_uploads_limit();
