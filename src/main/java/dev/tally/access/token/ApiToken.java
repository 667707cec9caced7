package dev.tally.access.token;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A scoped API token; only its SHA-256 and display prefix are stored. */
@Entity
@Table(name = "api_token")
public class ApiToken extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(name = "token_hash", nullable = false, unique = true, updatable = false)
    public String tokenHash;

    @Column(nullable = false, updatable = false)
    public String prefix;

    /** {@link dev.tally.access.Scope} keys. */
    @Column(nullable = false)
    public String[] scopes;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "created_by", nullable = false, updatable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "last_used_at", insertable = false, updatable = false)
    public Instant lastUsedAt;
}
