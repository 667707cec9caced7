package dev.tally.identity;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A gateway key of one employee, or a service key of one team ({@code teamId} set, no employee,
 * a required {@code workload}: a review bot, a loop, an internal tool). The key itself is never stored: {@code keyHash} is its SHA-256
 * (hex) and {@code prefix} the part shown in lists. A revoked key stays as a row so that the
 * gateway can say "revoked" rather than "unknown", and so that past usage events still resolve.
 */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Null for a service key. */
    @Column(name = "employee_id")
    public UUID employeeId;

    /** The owning team of a service key; null for an employee's key (whose team is the employee's). */
    @Column(name = "team_id")
    public UUID teamId;

    /** A service key's workload (required for one); null for an employee's key: {@code interactive}. */
    public String workload;

    /** Whether calls may name their workload in {@code x-tally-workload}. */
    @Column(name = "workload_header", nullable = false)
    public boolean workloadHeader;

    public String name;

    @Column(name = "key_hash", nullable = false, unique = true, updatable = false)
    public String keyHash;

    @Column(nullable = false, updatable = false)
    public String prefix;

    /** Null or empty: every model. */
    @Column(name = "allowed_models")
    public String[] allowedModels;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "requests_per_minute")
    public Integer requestsPerMinute;

    @Column(name = "tokens_per_minute")
    public Integer tokensPerMinute;

    /** Calls in flight at once; null: the gateway's default. */
    @Column(name = "max_in_flight")
    public Integer maxInFlight;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    /** Set by the database (default and trigger); the key caches poll on it. */
    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    public Instant updatedAt;
}
