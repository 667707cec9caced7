package dev.tally.platform;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The parts of Tally an instance can run; {@code TALLY_ROLES} picks them (default: all). */
public enum Role {
    GATEWAY,
    AGGREGATOR,
    DASHBOARD;

    /** Parses a comma list; an unknown value stops start-up with a line that lists the valid ones. */
    public static Set<Role> parse(String value) {
        if (value == null || value.isBlank()) {
            return EnumSet.allOf(Role.class);
        }
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                roles.add(Role.valueOf(p.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new StartupException("TALLY_ROLES contains unknown role '" + p
                        + "': use a comma list of gateway, aggregator, dashboard (or leave it unset for all)");
            }
        }
        if (roles.isEmpty()) {
            throw new StartupException("TALLY_ROLES is empty: use a comma list of gateway, aggregator, dashboard");
        }
        return roles;
    }

    /**
     * Whether start-up waits for Kafka (and readiness needs it): the aggregator and the dashboards
     * cannot do their work without it, while a gateway-only instance serves calls and spools their
     * events until Kafka answers, so that a rolling restart during a Kafka outage keeps the gateways.
     */
    public static boolean waitForKafka(Set<Role> roles) {
        return !roles.equals(EnumSet.of(GATEWAY));
    }
}
