package dev.tally.pricing;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An admin's price for a model, replacing the catalog's (V100). Nano-dollars per million tokens. */
@Entity
@Table(name = "price_override")
public class PriceOverride extends PanacheEntityBase {

    @Id
    public String model;

    @Column(name = "input_nanos_per_mtok", nullable = false)
    public long input;

    @Column(name = "output_nanos_per_mtok", nullable = false)
    public long output;

    @Column(name = "cache_read_nanos_per_mtok", nullable = false)
    public long cacheRead;

    @Column(name = "cache_write_nanos_per_mtok", nullable = false)
    public long cacheWrite;

    @Column(name = "cache_write_1h_nanos_per_mtok")
    public Long cacheWrite1h;

    /** The long-context tier (V1620): all of these are set, or none. */
    @Column(name = "long_context_threshold_tokens")
    public Long longContextThreshold;

    @Column(name = "long_context_input_nanos_per_mtok")
    public Long longContextInput;

    @Column(name = "long_context_output_nanos_per_mtok")
    public Long longContextOutput;

    @Column(name = "long_context_cache_read_nanos_per_mtok")
    public Long longContextCacheRead;

    @Column(name = "long_context_cache_write_nanos_per_mtok")
    public Long longContextCacheWrite;

    @Column(name = "long_context_cache_write_1h_nanos_per_mtok")
    public Long longContextCacheWrite1h;

    public String note;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    void longContext(Price.LongContext tier) {
        longContextThreshold = tier == null ? null : tier.thresholdTokens();
        longContextInput = tier == null ? null : tier.rates().input();
        longContextOutput = tier == null ? null : tier.rates().output();
        longContextCacheRead = tier == null ? null : tier.rates().cacheRead();
        longContextCacheWrite = tier == null ? null : tier.rates().cacheWrite();
        longContextCacheWrite1h = tier == null ? null : tier.rates().cacheWrite1h();
    }

    Price toPrice() {
        return new Price(
                new Price.Rates(input, output, cacheRead, cacheWrite, cacheWrite1h == null ? cacheWrite : cacheWrite1h),
                longContextThreshold == null
                        ? null
                        : new Price.LongContext(
                                longContextThreshold,
                                new Price.Rates(
                                        longContextInput,
                                        longContextOutput,
                                        longContextCacheRead,
                                        longContextCacheWrite,
                                        longContextCacheWrite1h)),
                updatedAt.toString().substring(0, 10),
                "admin override" + (note == null ? "" : ": " + note),
                true);
    }
}
