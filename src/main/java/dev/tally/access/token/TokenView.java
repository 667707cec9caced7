package dev.tally.access.token;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.tally.access.Scope;

/** A token as listed and audited: never the token, only its prefix. {@code status}: active, revoked or expired. */
public record TokenView(
        UUID id,
        String name,
        String prefix,
        List<Scope> scopes,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt,
        String createdBy,
        Instant createdAt,
        String status) {}
