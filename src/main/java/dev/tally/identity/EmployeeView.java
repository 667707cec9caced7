package dev.tally.identity;

import java.time.Instant;
import java.util.UUID;

public record EmployeeView(UUID id, String email, String name, UUID teamId, String githubLogin, Instant createdAt) {

    static EmployeeView of(Employee e) {
        return new EmployeeView(e.id, e.email, e.name, e.teamId, e.githubLogin, e.createdAt);
    }
}
