package dev.tally.outcomes.github;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The {@code github_delivery} table: each {@code X-GitHub-Delivery} once, and where its processing
 * stands. A delivery is claimed (status {@code processing}) by one worker at a time; one left in
 * {@code processing} longer than the processing timeout (a crash) can be claimed again.
 */
@ApplicationScoped
public class DeliveryStore {

    public static final String RECEIVED = "received";
    public static final String PROCESSING = "processing";
    public static final String PROCESSED = "processed";
    public static final String IGNORED = "ignored";
    /** Kept for later deliveries' use (a review, for its PR's facts); nothing to process. */
    public static final String RECORDED = "recorded";

    public static final String FAILED = "failed";

    /** A claimed delivery, ready to process. */
    public record Claimed(String deliveryId, String event, String payload, int attempt) {}

    /** A delivery's state, for tests and operators. */
    public record State(String status, int attempts, String lastError, String outcomeIds) {}

    private final EntityManager em;

    public DeliveryStore(EntityManager em) {
        this.em = em;
    }

    /** Records a delivery; false when this delivery id was seen before (a redelivery or replay). */
    @Transactional
    public boolean insert(String deliveryId, String event, String action, String status, String payload) {
        return em.createNativeQuery("INSERT INTO github_delivery (delivery_id, event, action, status, payload) "
                                + "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (delivery_id) DO NOTHING")
                        .setParameter(1, deliveryId)
                        .setParameter(2, event)
                        .setParameter(3, action)
                        .setParameter(4, status)
                        .setParameter(5, payload)
                        .executeUpdate()
                == 1;
    }

    /** Takes the delivery for processing unless another worker has it, it is done, or it ran out of attempts. */
    @Transactional
    public Optional<Claimed> claim(String deliveryId, int maxAttempts, Duration processingTimeout) {
        int n = em.createNativeQuery("UPDATE github_delivery SET status = 'processing', attempts = attempts + 1, "
                        + "last_attempt_at = now() WHERE delivery_id = ?1 AND attempts < ?2 AND (status IN ('received', 'failed') "
                        + "OR (status = 'processing' AND last_attempt_at < ?3))")
                .setParameter(1, deliveryId)
                .setParameter(2, maxAttempts)
                .setParameter(3, Instant.now().minus(processingTimeout))
                .executeUpdate();
        if (n == 0) {
            return Optional.empty();
        }
        Object[] row = (Object[])
                em.createNativeQuery("SELECT event, payload, attempts FROM github_delivery WHERE delivery_id = ?1")
                        .setParameter(1, deliveryId)
                        .getSingleResult();
        return Optional.of(new Claimed(deliveryId, (String) row[0], (String) row[1], ((Number) row[2]).intValue()));
    }

    /** Done: the payload is no longer needed and is dropped. */
    @Transactional
    public void processed(String deliveryId, List<String> outcomeIds) {
        em.createNativeQuery("UPDATE github_delivery SET status = 'processed', payload = NULL, last_error = NULL, "
                        + "outcome_ids = ?2, processed_at = now() WHERE delivery_id = ?1")
                .setParameter(1, deliveryId)
                .setParameter(2, String.join(" ", outcomeIds))
                .executeUpdate();
    }

    /** Failed this time; the payload stays so the retry job can try again. */
    @Transactional
    public void failed(String deliveryId, String error) {
        em.createNativeQuery("UPDATE github_delivery SET status = 'failed', last_error = ?2 WHERE delivery_id = ?1")
                .setParameter(1, deliveryId)
                .setParameter(
                        2, error == null ? "unknown error" : error.length() > 2000 ? error.substring(0, 2000) : error)
                .executeUpdate();
    }

    /**
     * Deliveries whose last allowed attempt never finished (the instance stopped while processing it):
     * {@code failed} with that reason, instead of {@code processing} for good, since {@link #due} no
     * longer retries them. Returns how many.
     */
    @Transactional
    public int giveUpUnfinished(Duration processingTimeout, int maxAttempts) {
        return em.createNativeQuery("UPDATE github_delivery SET status = 'failed', last_error = ?1 "
                        + "WHERE status = 'processing' AND attempts >= ?2 AND last_attempt_at < ?3")
                .setParameter(
                        1,
                        "its last attempt (" + maxAttempts + " of " + maxAttempts + ") did not finish "
                                + "within the processing timeout (the instance stopped?); not retried")
                .setParameter(2, maxAttempts)
                .setParameter(3, Instant.now().minus(processingTimeout))
                .executeUpdate();
    }

    /** Deliveries due for another try: received or failed a while ago, or stuck in processing. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> due(Duration retryAfter, Duration processingTimeout, int maxAttempts, int limit) {
        Instant now = Instant.now();
        return em.createNativeQuery("SELECT delivery_id FROM github_delivery WHERE attempts < ?1 AND ("
                        + "(status = 'received' AND received_at < ?2) OR (status = 'failed' AND last_attempt_at < ?2) "
                        + "OR (status = 'processing' AND last_attempt_at < ?3)) ORDER BY received_at LIMIT ?4")
                .setParameter(1, maxAttempts)
                .setParameter(2, now.minus(retryAfter))
                .setParameter(3, now.minus(processingTimeout))
                .setParameter(4, limit)
                .getResultList();
    }

    @Transactional
    public Optional<State> state(String deliveryId) {
        List<?> rows = em.createNativeQuery(
                        "SELECT status, attempts, last_error, outcome_ids FROM github_delivery WHERE delivery_id = ?1")
                .setParameter(1, deliveryId)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return Optional.of(new State((String) r[0], ((Number) r[1]).intValue(), (String) r[2], (String) r[3]));
    }
}
