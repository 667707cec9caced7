package dev.tally.outcomes.github;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

import dev.tally.events.OutcomeData;
import dev.tally.outcomes.OutcomeEmitter;
import dev.tally.outcomes.config.GitHubConfig;

/**
 * Processes recorded deliveries off the request thread (the GitHub API call blocks): claim, build the
 * outcomes, publish, mark processed. A failure marks the delivery failed with its reason and the
 * retry job tries again later; republishing is safe because outcome ids are natural ids.
 */
@ApplicationScoped
public class DeliveryProcessor {

    private static final Logger LOG = Logger.getLogger(DeliveryProcessor.class);

    private final DeliveryStore store;
    private final GitHubOutcomes outcomes;
    private final OutcomeEmitter emitter;
    private final ObjectMapper mapper;
    private final GitHubConfig config;
    private final MeterRegistry metrics;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "tally-github-delivery");
        t.setDaemon(true);
        return t;
    });

    public DeliveryProcessor(
            DeliveryStore store,
            GitHubOutcomes outcomes,
            OutcomeEmitter emitter,
            ObjectMapper mapper,
            GitHubConfig config,
            MeterRegistry metrics) {
        this.store = store;
        this.outcomes = outcomes;
        this.emitter = emitter;
        this.mapper = mapper;
        this.config = config;
        this.metrics = metrics;
    }

    /** {@code tally_github_delivery_processing_total{result="processed"|"failed"|"gave_up"}}. */
    public static final String METRIC = "tally.github.delivery.processing";

    public void submit(String deliveryId) {
        workers.execute(() -> process(deliveryId));
    }

    /** Processes one delivery now, on the calling thread (which must be allowed to block). */
    public void process(String deliveryId) {
        Optional<DeliveryStore.Claimed> claimed;
        try {
            claimed = store.claim(deliveryId, config.maxAttempts(), config.processingTimeout());
        } catch (RuntimeException e) {
            LOG.warnf("delivery %s could not be claimed (will be retried): %s", deliveryId, e.getMessage());
            return;
        }
        if (claimed.isEmpty()) {
            return;
        }
        DeliveryStore.Claimed d = claimed.get();
        try {
            JsonNode payload = mapper.readTree(d.payload());
            Map<String, OutcomeData> produced =
                    outcomes.outcomes(d.event(), payload, d.attempt() >= config.maxAttempts());
            produced.forEach(emitter::emit);
            store.processed(deliveryId, new ArrayList<>(produced.keySet()));
            metrics.counter(METRIC, "result", "processed").increment();
        } catch (Exception e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            boolean last = d.attempt() >= config.maxAttempts();
            metrics.counter(METRIC, "result", last ? "gave_up" : "failed").increment();
            if (last) {
                LOG.errorf(
                        "delivery %s (%s) failed on its last attempt %d: %s",
                        deliveryId, d.event(), d.attempt(), reason);
            } else {
                LOG.warnf(
                        "delivery %s (%s) failed on attempt %d, will be retried: %s",
                        deliveryId, d.event(), d.attempt(), reason);
            }
            try {
                store.failed(deliveryId, reason);
            } catch (RuntimeException again) {
                LOG.warnf("delivery %s: could not record the failure: %s", deliveryId, again.getMessage());
            }
        }
    }

    @Scheduled(
            every = "${tally.github.retry-every:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void retryDue() {
        int gaveUp = store.giveUpUnfinished(config.processingTimeout(), config.maxAttempts());
        if (gaveUp > 0) {
            LOG.errorf("%d GitHub deliveries stopped on their last attempt and are marked failed", gaveUp);
        }
        List<String> due = store.due(config.retryAfter(), config.processingTimeout(), config.maxAttempts(), 100);
        due.forEach(this::submit);
    }

    @PreDestroy
    void stop() {
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
