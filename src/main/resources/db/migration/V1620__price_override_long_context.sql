-- An admin override may carry a long-context tier, as the catalog's prices do (pricing/catalog.yaml
-- longContext): rates that apply to every token of a request whose prompt (input + cache read + cache
-- write) is above the threshold. Nano-dollars per million tokens; either the whole tier or none of it.
ALTER TABLE price_override
    ADD COLUMN long_context_threshold_tokens BIGINT CHECK (long_context_threshold_tokens > 0),
    ADD COLUMN long_context_input_nanos_per_mtok BIGINT CHECK (long_context_input_nanos_per_mtok >= 0),
    ADD COLUMN long_context_output_nanos_per_mtok BIGINT CHECK (long_context_output_nanos_per_mtok >= 0),
    ADD COLUMN long_context_cache_read_nanos_per_mtok BIGINT CHECK (long_context_cache_read_nanos_per_mtok >= 0),
    ADD COLUMN long_context_cache_write_nanos_per_mtok BIGINT CHECK (long_context_cache_write_nanos_per_mtok >= 0),
    ADD COLUMN long_context_cache_write_1h_nanos_per_mtok BIGINT
        CHECK (long_context_cache_write_1h_nanos_per_mtok >= 0),
    ADD CONSTRAINT price_override_long_context_whole CHECK (
        num_nulls(long_context_threshold_tokens, long_context_input_nanos_per_mtok,
                  long_context_output_nanos_per_mtok, long_context_cache_read_nanos_per_mtok,
                  long_context_cache_write_nanos_per_mtok, long_context_cache_write_1h_nanos_per_mtok) IN (0, 6));
