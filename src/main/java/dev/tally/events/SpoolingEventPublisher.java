package dev.tally.events;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@link EventPublisher}: callers hand an event over to a bounded in-memory queue and return at
 * once (the gateway publishes from the event loop). One thread drains the queue:
 *
 * <ul>
 * <li><b>direct</b> while Kafka takes events: each is sent through an idempotent, {@code acks=all}
 * producer and tracked until acknowledged;
 * <li><b>spooling</b> once a send fails or times out (broker down, metadata unavailable): every
 * event not yet acknowledged, then every new one, is appended to the {@link Spool} on disk, in the
 * order they were published, and fsync'd per batch.
 * </ul>
 *
 * A second thread replays the spool in order and acknowledges it batch by batch; only when the
 * spool is empty do events go direct again, so no new event overtakes a spooled one. A spool left
 * non-empty by a previous run is replayed at start.
 *
 * <p>Delivery is at least once: an event whose acknowledgement was lost in the outage, or whose
 * replay batch failed half way (Kafka gone again for longer than
 * {@link EventProducers#REPLAY_DELIVERY_TIMEOUT}), may reach Kafka twice. Consumers dedupe by the
 * event id (the aggregator does). Logs name event ids only, never payloads.
 *
 * <p>Started before Kafka has answered ({@link #startBeforeKafka()}), it spools from the first event.
 *
 * <p>Over 400 lines on purpose: the drain thread, the replay thread and the mode switch share one
 * lock, one in-flight map and one ordering rule (nothing overtakes a spooled event); split into
 * classes, that protocol would be spread over several files' fields. The file format is apart
 * ({@link SpoolFormat}), as is the storage ({@link Spool}).
 */
public final class SpoolingEventPublisher implements EventPublisher, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SpoolingEventPublisher.class);
    private static final int DRAIN_BATCH = 4096;
    static final long IDLE_NAP_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long IDLE_NAP_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Tuning; {@link EventsConfig} documents each. */
    public record Options(
            int queueCapacity,
            long maxSpoolBytes,
            long segmentBytes,
            Duration deliveryTimeout,
            Duration retryBackoff,
            int replayBatch,
            Duration shutdownTimeout) {}

    public enum Mode {
        DIRECT,
        SPOOLING
    }

    private record Pending(String topic, String key, String id, byte[] value) {
        SpoolRecord toSpool() {
            return new SpoolRecord(topic, key, id, value);
        }
    }

    private final EventProducers producers;
    private final Path spoolDir;
    private final Options options;
    private final ObjectMapper mapper;

    private final BlockingQueue<Pending> queue;
    /** Sent directly, not yet acknowledged, by send order: spooled as they are if Kafka fails. */
    private final ConcurrentSkipListMap<Long, Pending> inflight = new ConcurrentSkipListMap<>();

    private final ReentrantLock modeLock = new ReentrantLock();
    private final Semaphore replayWake = new Semaphore(0);

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();

    /** Told where each acknowledged event landed; copy-on-write: added at start-up, read per acknowledgement. */
    private final List<DeliveryListener> listeners = new CopyOnWriteArrayList<>();

    private volatile Producer<String, byte[]> producer;
    /** Only the replay thread uses it (and close(), after that thread has ended); null when not replaying. */
    private volatile Producer<String, byte[]> replayProducer;

    private volatile Mode mode = Mode.DIRECT;
    private volatile boolean directFailed;
    private volatile String lastError;
    private volatile boolean spoolRefused;
    /** Started before Kafka answered: spool, and do not replay, until {@link #kafkaAnswered()}. */
    private volatile boolean awaitingKafka;

    private volatile boolean running;
    private Spool spool;
    private long nextSeq;
    private Thread drainer;
    private Thread replayer;

    /**
     * @param producerProps base Kafka client properties (bootstrap servers, security): start from
     *        {@code KafkaClients.common(...)}; acks, idempotence, serializers and timeouts are set here
     */
    public SpoolingEventPublisher(
            Map<String, Object> producerProps, Path spoolDir, Options options, ObjectMapper mapper) {
        this.producers = new EventProducers(producerProps, options.deliveryTimeout());
        this.spoolDir = spoolDir;
        this.options = options;
        this.mapper = mapper;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    }

    /** Opens the spool (replaying what an earlier run left in it) and starts the two threads. */
    public synchronized SpoolingEventPublisher start() {
        try {
            spool = Spool.open(spoolDir, options.maxSpoolBytes(), options.segmentBytes());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "event spool at " + spoolDir + " cannot be opened: " + e.getMessage()
                            + ": make the data directory writable",
                    e);
        }
        if (!awaitingKafka) {
            producer = producers.direct();
        } // else created when Kafka has answered: until then it would only retry a broker that is not there
        if (!spool.isDrained()) {
            mode = Mode.SPOOLING;
            LOG.infof("replaying %d events spooled before the last stop", spool.records());
        }
        running = true;
        drainer = thread("tally-events-drain", this::drainLoop);
        replayer = thread("tally-events-replay", this::replayLoop);
        return this;
    }

    /**
     * As {@link #start()}, before Kafka has answered (the application starts it beside the broker):
     * events spool, and the spool waits, until {@link #kafkaAnswered()}, so that no event waits on a
     * producer that cannot reach Kafka yet, and health and metrics say "spooling" from the start.
     */
    public synchronized SpoolingEventPublisher startBeforeKafka() {
        awaitingKafka = true;
        mode = Mode.SPOOLING;
        return start();
    }

    /** Kafka answers and the topics exist: replay what spooled meanwhile, then send directly. */
    public void kafkaAnswered() {
        awaitingKafka = false;
        replayWake.release();
    }

    public boolean awaitingKafka() {
        return awaitingKafka;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void publish(String topic, CloudEvent<?> event) {
        try {
            byte[] value = event.data() instanceof UsageData
                    ? UsageEventJson.write((CloudEvent<UsageData>) event)
                    : mapper.writeValueAsBytes(event);
            if (!running || !queue.offer(new Pending(topic, event.subject(), event.id(), value))) {
                drop(event.id(), running ? "the event queue is full" : "the publisher is stopped");
            }
        } catch (Exception e) {
            drop(event == null ? null : event.id(), "it cannot be serialised: " + e.getMessage());
        }
    }

    // ---- drain: queue → Kafka or spool -----------------------------------------------------------

    /**
     * Publishers never wake this thread: it takes whatever has queued up and, when nothing has, naps
     * for {@link #IDLE_NAP_MIN_NANOS}, doubling up to {@link #IDLE_NAP_MAX_NANOS} while it stays idle.
     * Waking a parked consumer on every publish (a blocking {@code poll}) cost a futex call on the
     * event loop and two context switches per call, about a tenth of the gateway's CPU at saturation;
     * the nap adds at most a few milliseconds before the producer, which lingers longer anyway
     * ({@link EventProducers#DIRECT_LINGER_MS}), and
     * keeps this thread's own wake-ups to at most 200 a second whatever the call rate (5 ms of
     * events at 30,000 calls/s fit the queue many times over).
     */
    private void drainLoop() {
        List<Pending> batch = new ArrayList<>();
        long nap = IDLE_NAP_MIN_NANOS;
        while (running || !queue.isEmpty()) {
            try {
                if (directFailed && mode == Mode.DIRECT) {
                    switchToSpooling();
                }
                batch.clear();
                queue.drainTo(batch, DRAIN_BATCH);
                if (batch.isEmpty()) {
                    if (Thread.interrupted()) {
                        break;
                    }
                    LockSupport.parkNanos(this, nap);
                    nap = Math.min(nap * 2, IDLE_NAP_MAX_NANOS);
                    continue;
                }
                nap = IDLE_NAP_MIN_NANOS;
                handle(batch);
            } catch (RuntimeException e) {
                LOG.error("event drain loop error (continuing)", e);
            }
        }
        finishOnStop();
    }

    private void handle(List<Pending> batch) {
        modeLock.lock();
        try {
            // Only this thread moves DIRECT → SPOOLING; the replayer moves back only with this lock
            // held and the spool empty. So DIRECT seen here stays DIRECT for the whole batch.
            if (mode == Mode.SPOOLING) {
                toSpool(batch);
                return;
            }
        } finally {
            modeLock.unlock();
        }
        for (int i = 0; i < batch.size(); i++) {
            if (directFailed) {
                switchToSpooling();
            }
            if (mode == Mode.SPOOLING) {
                spoolUnderLock(batch.subList(i, batch.size()));
                return;
            }
            sendDirect(batch.get(i));
        }
    }

    private void sendDirect(Pending p) {
        long seq = nextSeq++;
        inflight.put(seq, p);
        try {
            producer.send(new ProducerRecord<>(p.topic(), p.key(), p.value()), (md, ex) -> {
                if (ex == null) {
                    if (inflight.remove(seq) != null) {
                        delivered.incrementAndGet();
                        tellDelivered(p.topic(), p.id(), md);
                    }
                } else if (permanent(ex)) {
                    if (inflight.remove(seq) != null) {
                        drop(p.id(), "Kafka refuses it for good: " + ex.getMessage());
                    }
                } else if (inflight.containsKey(seq)) {
                    lastError = ex.toString();
                    directFailed = true;
                }
            });
        } catch (RuntimeException ex) {
            // send() itself throws when metadata stays unavailable or the buffer stays full for max.block.ms
            lastError = ex.toString();
            directFailed = true;
        }
    }

    /**
     * Kafka failed: from now on events go to the spool. The events sent but not acknowledged go
     * first, in send order; the producer is replaced so that its stuck batches cannot land later
     * behind the replay (they are aborted, and the spooled copies are replayed instead).
     */
    private void switchToSpooling() {
        String cause = lastError; // before the aborted producer's callbacks overwrite it
        // closed before its successor exists: two producers with one client.id clash in JMX
        producer.close(Duration.ZERO);
        producer = producers.direct();
        modeLock.lock();
        try {
            mode = Mode.SPOOLING;
            List<Pending> unacked = new ArrayList<>(inflight.values());
            inflight.clear();
            directFailed = false;
            toSpool(unacked);
            lastError = cause;
            LOG.warnf("Kafka is unreachable (%s): spooling events to %s until it is back", cause, spoolDir);
        } finally {
            modeLock.unlock();
        }
        replayWake.release();
    }

    private void spoolUnderLock(List<Pending> batch) {
        modeLock.lock();
        try {
            toSpool(batch);
        } finally {
            modeLock.unlock();
        }
    }

    private void toSpool(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        int written = 0;
        try {
            written = spool.append(batch.stream().map(Pending::toSpool).toList());
            spool.sync();
        } catch (IOException e) {
            LOG.errorf("event spool write failed: %s", e.getMessage());
        }
        spooled.addAndGet(written);
        warnAsItFills();
        if (written < batch.size()) {
            spoolRefused = true;
            for (Pending p : batch.subList(written, batch.size())) {
                drop(p.id(), "the spool is full (" + spool.bytes() + " of " + spool.maxBytes() + " bytes)");
            }
        }
    }

    /** One warning as the spool passes each of these fill levels; the health check says it too. */
    private static final double[] FILL_LEVELS = {0.5, 0.8, 0.95};

    private int warnedLevel;

    private void warnAsItFills() {
        double ratio = (double) spool.bytes() / options.maxSpoolBytes();
        int level = 0;
        while (level < FILL_LEVELS.length && ratio >= FILL_LEVELS[level]) {
            level++;
        }
        if (level > warnedLevel) {
            LOG.warnf(
                    "event spool %d%% full (%d events, %d of %d bytes): events will be lost when it is full",
                    Math.round(ratio * 100), spool.records(), spool.bytes(), options.maxSpoolBytes());
        }
        warnedLevel = level;
    }

    /** On stop: wait a little for acknowledgements, then spool whatever Kafka has not confirmed. */
    private void finishOnStop() {
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        while (mode == Mode.DIRECT && !inflight.isEmpty() && !directFailed && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        List<Pending> unacked = new ArrayList<>(inflight.values());
        inflight.clear();
        if (!unacked.isEmpty()) {
            LOG.infof("%d events not yet acknowledged by Kafka kept in the spool for the next start", unacked.size());
            spoolUnderLock(unacked);
        }
    }

    // ---- replay: spool → Kafka -------------------------------------------------------------------

    private void replayLoop() {
        while (running) {
            try {
                if (mode != Mode.SPOOLING || awaitingKafka) {
                    replayWake.tryAcquire(1, TimeUnit.SECONDS);
                    continue;
                }
                if (!replayBatch()) {
                    replayWake.tryAcquire(options.retryBackoff().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return; // interrupted by close(): the batch stays in the spool for the next start
                }
                LOG.errorf("event replay error (retrying): %s", e.getMessage());
                spool.rewind();
                LockSupport.parkNanos(options.retryBackoff().toNanos());
            }
        }
    }

    /** Sends the next batch and waits for every acknowledgement; false when Kafka failed it. */
    private boolean replayBatch() throws IOException, InterruptedException {
        List<Spool.Entry> batch = spool.read(options.replayBatch());
        if (batch.isEmpty()) {
            modeLock.lock();
            try {
                if (spool.isDrained()) {
                    spool.clear();
                    closeReplayProducer();
                    if (producer == null) {
                        producer = producers.direct();
                    }
                    mode = Mode.DIRECT;
                    // a late failure callback of the aborted producer must not send us back to the spool
                    directFailed = false;
                    spoolRefused = false;
                    // nothing replayed: Kafka answered at start before any event waited for it, nothing to say
                    if (replayed.get() > 0) {
                        LOG.infof(
                                "Kafka is back: the spool is replayed (%d events in all), sending directly again",
                                replayed.get());
                    }
                    return true;
                }
            } finally {
                modeLock.unlock();
            }
            // records appended but not yet synced: the drainer syncs per batch, so this is brief
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            return true;
        }
        if (replayProducer == null) {
            replayProducer = producers.replay();
        }
        Producer<String, byte[]> p = replayProducer;
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        try {
            for (Spool.Entry e : batch) {
                SpoolRecord r = e.record();
                acks.add(p.send(new ProducerRecord<>(r.topic(), r.key(), r.value())));
            }
        } catch (RuntimeException ex) {
            return replayFailed(ex);
        }
        long waitMs = producers.replayAckWait().toMillis();
        for (int i = 0; i < acks.size(); i++) {
            try {
                RecordMetadata md = acks.get(i).get(waitMs, TimeUnit.MILLISECONDS);
                tellDelivered(
                        batch.get(i).record().topic(), batch.get(i).record().id(), md);
            } catch (ExecutionException ex) {
                if (permanent(ex.getCause())) {
                    drop(
                            batch.get(i).record().id(),
                            "Kafka refuses it for good: " + ex.getCause().getMessage());
                } else {
                    return replayFailed(ex.getCause());
                }
            } catch (TimeoutException ex) {
                return replayFailed(ex);
            }
        }
        spool.ack(batch.get(batch.size() - 1).next(), batch.size());
        replayed.addAndGet(batch.size());
        delivered.addAndGet(batch.size());
        return true;
    }

    private boolean replayFailed(Throwable ex) {
        lastError = String.valueOf(ex);
        spool.rewind();
        // A fresh producer per failed attempt: an idempotent producer can end up in a fatal state after
        // its batches expire, and the replay must never stay stuck behind it.
        closeReplayProducer();
        LOG.debugf("spool replay not acknowledged yet (%s), retrying", lastError);
        return false;
    }

    @Override
    public void onDelivered(DeliveryListener listener) {
        listeners.add(listener);
    }

    private void tellDelivered(String topic, String id, RecordMetadata md) {
        for (DeliveryListener l : listeners) {
            try {
                l.delivered(topic, id, md.partition(), md.offset());
            } catch (RuntimeException e) {
                LOG.errorf("a delivery listener failed on event %s: %s", id, e.toString());
            }
        }
    }

    private void closeReplayProducer() {
        if (replayProducer != null) {
            replayProducer.close(Duration.ZERO);
            replayProducer = null;
        }
    }

    // ---- state ---------------------------------------------------------------------------------

    public Mode mode() {
        return mode;
    }

    /** Events in the spool not yet acknowledged by Kafka. */
    public long spoolRecords() {
        return spool == null ? 0 : spool.records();
    }

    public long spoolBytes() {
        return spool == null ? 0 : spool.bytes();
    }

    public long spoolMaxBytes() {
        return options.maxSpoolBytes();
    }

    /** True when the spool has refused events since it was last emptied: it is full. */
    public boolean spoolFull() {
        return spoolRefused || spoolBytes() >= options.maxSpoolBytes();
    }

    public int queueDepth() {
        return queue.size();
    }

    /** Events lost: queue full, spool full, not serialisable, or refused by Kafka for good. */
    public long dropped() {
        return dropped.get();
    }

    public long spooled() {
        return spooled.get();
    }

    public long replayed() {
        return replayed.get();
    }

    public long delivered() {
        return delivered.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Stops taking events; sends or spools every event already handed over, then closes. Idempotent. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        join(drainer, options.shutdownTimeout().plusSeconds(5));
        replayWake.release();
        replayer.interrupt();
        join(replayer, Duration.ofSeconds(5));
        closeReplayProducer();
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        try {
            spool.close();
        } catch (IOException e) {
            LOG.errorf("event spool did not close cleanly: %s", e.getMessage());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Errors no retry can fix: the event would block the spool forever, so it is dropped and counted. */
    private static boolean permanent(Throwable ex) {
        return ex instanceof RecordTooLargeException || ex instanceof InvalidTopicException;
    }

    private void drop(String id, String why) {
        long n = dropped.incrementAndGet();
        // one line per event would flood the log in a long outage with a full spool
        if (n <= 10 || n % 1000 == 0) {
            LOG.errorf("event %s lost: %s (%d lost so far)", id, why, n);
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t, Duration timeout) {
        try {
            t.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
