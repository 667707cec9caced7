package dev.tally.outcomes.attribution;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Gateway requests made with an employee's keys in a window before a moment, read from the
 * {@code usage_daily} rollup. The rollup is per UTC day, so the window is widened to whole days:
 * from the day of {@code before - window} through the day of {@code before}.
 */
@ApplicationScoped
public class GatewayUse {

    private final EntityManager em;

    public GatewayUse(EntityManager em) {
        this.em = em;
    }

    @Transactional
    public long requests(UUID employeeId, Instant before, Duration window) {
        LocalDate to = before.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate from = before.minus(window).atZone(ZoneOffset.UTC).toLocalDate();
        Number n = (Number) em.createNativeQuery(
                "SELECT coalesce(sum(requests), 0) FROM usage_daily WHERE employee_id = ?1 AND day BETWEEN ?2 AND ?3")
                .setParameter(1, employeeId)
                .setParameter(2, from)
                .setParameter(3, to)
                .getSingleResult();
        return n.longValue();
    }
}
