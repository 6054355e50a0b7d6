-- Ingestion caches write keys in each server process and skips the lookup; its write transaction
-- calls this first, so a key revoked (or moved to another project) stops writing on its next
-- request in every process. SQLSTATE LUKEY tells the server to answer 401 and forget the key.
CREATE FUNCTION lumen_assert_write_key(key_hash text, project uuid) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM api_keys WHERE hash = key_hash AND kind = 'write' AND project_id = project AND revoked_at IS NULL) THEN
    RAISE EXCEPTION 'This API key has been revoked' USING ERRCODE = 'LUKEY';
  END IF;
END
$$;
