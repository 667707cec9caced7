package dev.tally.identity;

import java.util.List;

/**
 * Fired by {@link IdentityService} inside its transaction and observed after a successful commit,
 * so that this instance's cache sees a new or revoked key at once; other instances see it at their
 * next poll of the table.
 */
record KeysChanged(List<KeyEntry> entries) {}
