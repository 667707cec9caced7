package dev.tally.access.audit;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.qute.TemplateData;

/**
 * One audited change as read back.
 *
 * @param actor  who: {@code user:<login>}, {@code sso:<e-mail>}, {@code token:<name> (<id>)}, {@code admin-token} or {@code system}
 * @param source from where: the client address (the forwarded one behind a trusted proxy), or {@code system}
 * @param action {@code <target>.<change>}, e.g. {@code key.revoke}
 */
@TemplateData
public record AuditEntry(
        long id,
        Instant at,
        String actor,
        String actorRole,
        String source,
        String action,
        String targetKind,
        String targetId,
        JsonNode before,
        JsonNode after) {}
