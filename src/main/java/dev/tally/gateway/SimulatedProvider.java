package dev.tally.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Singleton;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The built-in simulated provider (on with {@code tally.gateway.simulate=true} or
 * {@code tally.demo.enabled=true}): answers in the documented OpenAI (chat completions, the Responses
 * API, embeddings; the calls on a stored response and the Conversations API without storing anything)
 * and Anthropic shapes, JSON and SSE, with usage including cache tokens, straight
 * from memory on the event loop. It is an {@link Upstream} like the HTTP one: its answers reach the
 * same receiver (usage is read back from the bytes it produced), so a demo exercises the real relay
 * and accounting. Token counts are
 * plausible, not a tokenizer's.
 */
@Singleton
class SimulatedProvider implements Upstream {

    private static final String[] SENTENCES = {
        "Here is a short answer to your question. ",
        "The configuration key you want is documented in the README. ",
        "Measure first, then change one thing at a time. ",
        "This function can be simplified by returning early. ",
        "The test covers the happy path; add one for the error case. ",
        "Consider caching the lookup, since it is read on every request. ",
        "The migration is safe to run while the service is up. ",
        "Summary: the change is small and the risk is low. "
    };

    private final Clock clock;

    SimulatedProvider(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Exchange open(Request request, Receiver receiver) {
        return new Exchange() {
            @Override
            public void send(Buffer body) {
                answer(request, body.length(), receiver);
            }

            @Override
            public void pause() {
                // the whole answer is handed over in one chunk: nothing to hold back
            }

            @Override
            public void resume() {}

            @Override
            public void cancel() {}
        };
    }

    private void answer(Request call, int requestBytes, Receiver receiver) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long input = Math.max(8, requestBytes / 4);
        int output = 16 + r.nextInt(240);
        String id = call.requestId().replace("-", "").substring(0, 24);
        String model = call.model();
        switch (call.api()) {
            case RESPONSES_RETRIEVE, RESPONSES_DELETE, RESPONSES_CANCEL, RESPONSES_INPUT_ITEMS ->
                // the simulation stores no response: OpenAI's answer for an id it does not hold
                json(receiver, 404, notFound("Response with id '" + Api.objectId(call.path()) + "' not found."));
            case CONVERSATIONS_CREATE -> json(receiver, conversation("conv_sim" + id));
            // the simulation keeps no conversation: each call answers a plausible one, with no metadata
            // and no items (nothing of the request's body is read)
            case CONVERSATIONS_RETRIEVE, CONVERSATIONS_UPDATE, CONVERSATIONS_ITEMS_DELETE ->
                json(receiver, conversation(Api.objectId(call.path())));
            case CONVERSATIONS_DELETE ->
                json(
                        receiver,
                        "{\"id\":\"" + Api.objectId(call.path())
                                + "\",\"object\":\"conversation.deleted\",\"deleted\":true}");
            case CONVERSATIONS_ITEMS_CREATE, CONVERSATIONS_ITEMS_LIST ->
                json(
                        receiver,
                        "{\"object\":\"list\",\"data\":[],\"first_id\":null,\"last_id\":null,\"has_more\":false}");
            case CONVERSATIONS_ITEMS_RETRIEVE -> {
                String path = call.path();
                json(
                        receiver,
                        404,
                        notFound("Item with id '" + path.substring(path.lastIndexOf('/') + 1) + "' not found."));
            }
            case COUNT_TOKENS -> json(receiver, "{\"input_tokens\":" + input + "}");
            case EMBEDDINGS ->
                json(
                        receiver,
                        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                                + "\"embedding\":[0.0023064255,-0.009327292,-0.0028842222,0.017829148,-0.01137,0.0061]}],"
                                + "\"model\":\"" + model + "\",\"usage\":{\"prompt_tokens\":" + input
                                + ",\"total_tokens\":" + input + "}}");
            case MESSAGES -> {
                long cacheRead = r.nextInt(3) == 0 ? input * (1 + r.nextInt(4)) : 0;
                long cacheWrite = cacheRead == 0 && r.nextInt(4) == 0 ? input / 2 : 0;
                String usage = "\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":" + cacheWrite
                        + ",\"cache_read_input_tokens\":" + cacheRead
                        + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":"
                        + cacheWrite + ",\"ephemeral_1h_input_tokens\":0}";
                String text = text(output, r);
                if (!call.stream()) {
                    json(
                            receiver,
                            "{\"id\":\"msg_sim" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                                    + model + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + text
                                    + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{" + usage
                                    + ",\"output_tokens\":" + output + ",\"service_tier\":\"standard\"}}");
                    return;
                }
                StringBuilder sse = new StringBuilder(2048);
                event(
                        sse,
                        "message_start",
                        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_sim" + id
                                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
                                + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{" + usage
                                + ",\"output_tokens\":1,\"service_tier\":\"standard\"}}}");
                event(
                        sse,
                        "content_block_start",
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
                event(sse, "ping", "{\"type\": \"ping\"}");
                for (String part : parts(text)) {
                    event(
                            sse,
                            "content_block_delta",
                            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                                    + "{\"type\":\"text_delta\",\"text\":\"" + part + "\"}}");
                }
                event(sse, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
                event(
                        sse,
                        "message_delta",
                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + output + "}}");
                event(sse, "message_stop", "{\"type\":\"message_stop\"}");
                sse(receiver, sse);
            }
            case RESPONSES_COMPACT ->
                json(
                        receiver,
                        "{\"id\":\"resp_sim" + id + "\",\"object\":\"response.compaction\",\"created_at\":"
                                + (clock.millis() / 1000) + ",\"output\":[{\"id\":\"cmp_sim" + id
                                + "\",\"type\":\"compaction\",\"encrypted_content\":\"gAAAAABsimulated\"}],"
                                + "\"usage\":{\"input_tokens\":" + input
                                + ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":" + output
                                + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":"
                                + (input + output) + "}}");
            case RESPONSES -> {
                long cached = r.nextInt(3) == 0 && input >= 1024 ? (input / 128) * 128 / 2 : 0;
                long prompt = input + cached;
                String text = text(output, r);
                String respId = "resp_sim" + id;
                String msgId = "msg_sim" + id;
                String head = "\"id\":\"" + respId + "\",\"object\":\"response\",\"created_at\":"
                        + (clock.millis() / 1000) + ",\"model\":\"" + model + "\"";
                String rest = ",\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
                        + "\"max_output_tokens\":null,\"parallel_tool_calls\":true,\"previous_response_id\":null,"
                        + "\"reasoning\":{\"effort\":null,\"summary\":null},\"store\":false,\"temperature\":1.0,"
                        + "\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],"
                        + "\"top_p\":1.0,\"truncation\":\"disabled\",\"user\":null,\"metadata\":{}";
                String item = "{\"type\":\"message\",\"id\":\"" + msgId + "\",\"status\":\"completed\","
                        + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + text
                        + "\",\"annotations\":[]}]}";
                String usage = "\"usage\":{\"input_tokens\":" + prompt + ",\"input_tokens_details\":{\"cached_tokens\":"
                        + cached + "},\"output_tokens\":" + output
                        + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (prompt + output)
                        + "}";
                String done =
                        "{" + head + ",\"status\":\"completed\",\"output\":[" + item + "]" + rest + "," + usage + "}";
                if (!call.stream()) {
                    json(receiver, done);
                    return;
                }
                String started = "{" + head + ",\"status\":\"in_progress\",\"output\":[]" + rest + ",\"usage\":null}";
                StringBuilder sse = new StringBuilder(4096);
                int seq = 0;
                event(
                        sse,
                        "response.created",
                        "{\"type\":\"response.created\",\"sequence_number\":" + seq++ + ",\"response\":" + started
                                + "}");
                event(
                        sse,
                        "response.in_progress",
                        "{\"type\":\"response.in_progress\",\"sequence_number\":" + seq++ + ",\"response\":" + started
                                + "}");
                event(
                        sse,
                        "response.output_item.added",
                        "{\"type\":\"response.output_item.added\","
                                + "\"sequence_number\":" + seq++ + ",\"output_index\":0,\"item\":{\"id\":\"" + msgId
                                + "\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}");
                String where = ",\"item_id\":\"" + msgId + "\",\"output_index\":0,\"content_index\":0";
                event(
                        sse,
                        "response.content_part.added",
                        "{\"type\":\"response.content_part.added\","
                                + "\"sequence_number\":" + seq++ + where
                                + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}}");
                for (String part : parts(text)) {
                    event(
                            sse,
                            "response.output_text.delta",
                            "{\"type\":\"response.output_text.delta\"," + "\"sequence_number\":" + seq++ + where
                                    + ",\"delta\":\"" + part + "\",\"logprobs\":[]}");
                }
                event(
                        sse,
                        "response.output_text.done",
                        "{\"type\":\"response.output_text.done\"," + "\"sequence_number\":" + seq++ + where
                                + ",\"text\":\"" + text + "\",\"logprobs\":[]}");
                event(
                        sse,
                        "response.content_part.done",
                        "{\"type\":\"response.content_part.done\","
                                + "\"sequence_number\":" + seq++ + where
                                + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":\"" + text + "\"}}");
                event(
                        sse,
                        "response.output_item.done",
                        "{\"type\":\"response.output_item.done\"," + "\"sequence_number\":" + seq++
                                + ",\"output_index\":0,\"item\":" + item + "}");
                event(
                        sse,
                        "response.completed",
                        "{\"type\":\"response.completed\",\"sequence_number\":" + seq + ",\"response\":" + done + "}");
                sse(receiver, sse);
            }
            default -> {
                long cached = r.nextInt(3) == 0 && input >= 1024 ? (input / 128) * 128 / 2 : 0;
                long prompt = input + cached;
                String usage = "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + output
                        + ",\"total_tokens\":" + (prompt + output) + ",\"prompt_tokens_details\":{\"cached_tokens\":"
                        + cached + ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
                        + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
                String head = "\"id\":\"chatcmpl-sim" + id + "\",\"created\":" + (clock.millis() / 1000)
                        + ",\"model\":\"" + model + "\"";
                String text = text(output, r);
                if (!call.stream()) {
                    json(
                            receiver,
                            "{" + head + ",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                                    + "{\"role\":\"assistant\",\"content\":\"" + text
                                    + "\",\"refusal\":null,\"annotations\":[]},"
                                    + "\"logprobs\":null,\"finish_reason\":\"stop\"}]," + usage
                                    + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_tally_sim\"}");
                    return;
                }
                String chunk =
                        "{" + head + ",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_tally_sim\",";
                StringBuilder sse = new StringBuilder(2048);
                data(
                        sse,
                        chunk + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                                + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}");
                for (String part : parts(text)) {
                    data(
                            sse,
                            chunk + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + part
                                    + "\"},\"logprobs\":null,\"finish_reason\":null}]}");
                }
                data(
                        sse,
                        chunk
                                + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
                // always sent: when the client did not ask for it the gateway removes it, as for a real provider
                data(sse, chunk + "\"choices\":[]," + usage + "}");
                sse.append("data: [DONE]\n\n");
                sse(receiver, sse);
            }
        }
    }

    /** OpenAI's error body for an id it does not hold. */
    private static String notFound(String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,"
                + "\"code\":null}}";
    }

    /** A conversation object as OpenAI's reference shows one, created now, without metadata. */
    private String conversation(String conversationId) {
        return "{\"id\":\"" + conversationId + "\",\"object\":\"conversation\",\"created_at\":"
                + (clock.millis() / 1000) + ",\"metadata\":{}}";
    }

    private static String text(int outputTokens, ThreadLocalRandom r) {
        StringBuilder b = new StringBuilder(outputTokens * 4);
        while (b.length() < Math.min(outputTokens * 4, 1200)) {
            b.append(SENTENCES[r.nextInt(SENTENCES.length)]);
        }
        return b.toString().trim();
    }

    private static String[] parts(String text) {
        return text.split("(?<=\\. )");
    }

    private static void event(StringBuilder sse, String name, String json) {
        sse.append("event: ")
                .append(name)
                .append('\n')
                .append("data: ")
                .append(json)
                .append("\n\n");
    }

    private static void data(StringBuilder sse, String json) {
        sse.append("data: ").append(json).append("\n\n");
    }

    private static void json(Receiver receiver, String body) {
        json(receiver, 200, body);
    }

    private static void json(Receiver receiver, int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("content-length", Integer.toString(bytes.length));
        receiver.onHead(status, headers);
        receiver.onChunk(Buffer.buffer(bytes));
        receiver.onEnd();
    }

    private static void sse(Receiver receiver, StringBuilder sse) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "text/event-stream; charset=utf-8")
                .add("cache-control", "no-cache");
        receiver.onHead(200, headers);
        receiver.onChunk(Buffer.buffer(sse.toString()));
        receiver.onEnd();
    }
}
