package dev.tally.alert.channel;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code PATCH /api/admin/alert-channels/{id}}: the fields to change, the others left out (or null)
 * and kept. {@code type} may be given only as the channel's own. Nothing is checked here:
 * {@link AlertChannelService#update} merges the change into the stored channel and checks the
 * result with the create's own rules ({@link NewChannel}'s constraints, then the service's).
 */
// an answer's own fields, sent back in a GET-change-PUT round trip, are read-only and ignored;
// any other field the record lacks is a 400 naming it (quarkus.jackson.fail-on-unknown-properties)
@JsonIgnoreProperties({"id", "urlHint", "hasSecret", "createdAt"})
public record ChannelChange(String type, String name, String url, String secret, List<String> to, Boolean digest) {}
