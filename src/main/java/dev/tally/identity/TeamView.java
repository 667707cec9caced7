package dev.tally.identity;

import java.time.Instant;
import java.util.UUID;

public record TeamView(UUID id, String name, String department, Instant createdAt) {

    static TeamView of(Team t) {
        return new TeamView(t.id, t.name, t.department, t.createdAt);
    }
}
