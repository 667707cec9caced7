-- Admin overrides of the price catalog (src/main/resources/pricing/catalog.yaml), per model name.
-- Prices are nano-dollars per million tokens, so that a list price like $0.075 / MTok is exact.
CREATE TABLE price_override (
    model                   TEXT        PRIMARY KEY,
    input_nanos_per_mtok    BIGINT      NOT NULL CHECK (input_nanos_per_mtok >= 0),
    output_nanos_per_mtok   BIGINT      NOT NULL CHECK (output_nanos_per_mtok >= 0),
    cache_read_nanos_per_mtok  BIGINT   NOT NULL CHECK (cache_read_nanos_per_mtok >= 0),
    cache_write_nanos_per_mtok BIGINT   NOT NULL CHECK (cache_write_nanos_per_mtok >= 0),
    cache_write_1h_nanos_per_mtok BIGINT CHECK (cache_write_1h_nanos_per_mtok >= 0),
    note                    TEXT,
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
