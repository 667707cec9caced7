package dev.tally.platform;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

/** Which roles this instance runs; beans of a role check it before they start work. */
@ApplicationScoped
public class Roles {

    private final Set<Role> roles;

    public Roles(TallyConfig config) {
        this.roles = Role.parse(config.roles());
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public Set<Role> all() {
        return Set.copyOf(roles);
    }

    /** See {@link Role#waitForKafka}. */
    public boolean waitForKafka() {
        return Role.waitForKafka(roles);
    }
}
