package dev.tally.access.token;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.tally.access.Scope;

/** The answer to a token creation: {@code token} is shown this once and never again. */
public record CreatedToken(
        UUID id, String token, String prefix, String name, List<Scope> scopes, Instant expiresAt, Instant createdAt) {}
