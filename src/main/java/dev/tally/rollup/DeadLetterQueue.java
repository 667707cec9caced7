package dev.tally.rollup;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.CloudEvent;
import dev.tally.events.Topics;

/**
 * Sends dead letters to {@code tally.dlq.v1} and waits for the broker's acknowledgement, so a batch
 * is committed to PostgreSQL only once its bad messages are safe on the DLQ. A crash between the
 * two re-sends them (at least once on the DLQ; {@code dlq_entry} keeps one row per source offset).
 *
 * <p>Each DLQ message is a CloudEvent of type {@value #TYPE}, id {@code topic/partition/offset},
 * whose data holds the original message (as text when it is UTF-8, always as base64) and the reason.
 */
final class DeadLetterQueue implements AutoCloseable {

    static final String TYPE = "dev.tally.dlq.v1";
    static final String SOURCE = "/tally/aggregator";

    /** Data of a DLQ CloudEvent. */
    record Envelope(
            String topic,
            int partition,
            long offset,
            String key,
            Instant timestamp,
            String reason,
            String value,
            String valueBase64) {}

    private final KafkaProducer<String, byte[]> producer;
    private final ObjectMapper mapper;

    DeadLetterQueue(Map<String, Object> commonProps, ObjectMapper mapper) {
        this.mapper = mapper;
        commonProps.put(ProducerConfig.ACKS_CONFIG, "all");
        commonProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        commonProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        commonProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        commonProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        commonProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(commonProps);
    }

    /** Sends all letters and returns once the broker has acknowledged every one of them. */
    void sendAll(List<DeadLetter> letters) throws DeliveryException {
        if (letters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (DeadLetter d : letters) {
            acks.add(producer.send(new ProducerRecord<>(Topics.DLQ, d.key(), toJson(d))));
        }
        producer.flush();
        for (Future<RecordMetadata> f : acks) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException("interrupted while waiting for the DLQ", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new DeliveryException("DLQ send failed: " + e.getMessage(), e);
            }
        }
    }

    byte[] toJson(DeadLetter d) {
        String text = utf8(d.value());
        Envelope env = new Envelope(
                d.topic(),
                d.partition(),
                d.offset(),
                d.key(),
                d.timestamp() < 0 ? null : Instant.ofEpochMilli(d.timestamp()),
                d.reason(),
                text,
                d.value() == null ? null : Base64.getEncoder().encodeToString(d.value()));
        CloudEvent<Envelope> event = new CloudEvent<>(
                CloudEvent.SPEC_VERSION,
                d.topic() + "/" + d.partition() + "/" + d.offset(),
                SOURCE,
                TYPE,
                d.key(),
                Instant.now(),
                "application/json",
                env);
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("DLQ envelope cannot be written", e);
        }
    }

    private static String utf8(byte[] value) {
        if (value == null) {
            return null;
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The DLQ did not acknowledge; the batch is not committed and will be read again. */
    static final class DeliveryException extends Exception {
        DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
