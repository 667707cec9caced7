package dev.tally.gateway;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.tally.platform.Ports;

/**
 * A fake OpenAI + Anthropic upstream on a free loopback port, answering in the shapes their API
 * references document (chat completion and chunk objects with {@code usage}; the Responses API's
 * response object and stream events; the Conversations API's conversation, item and list objects; Message and the
 * message_start / content_block_* / message_delta / message_stop stream events), with cache tokens.
 * The model name picks a behaviour: {@code -hang} (stream that never ends), {@code -stall} (one
 * chunk then silence), {@code -slowhead} (headers after 3 s), {@code -ratelimited} (a 429 error),
 * {@code -hold} (never answers), {@code -break} (a stream whose connection drops after one chunk),
 * {@code -breakjson} (a JSON answer whose connection drops after its head and a few bytes),
 * {@code -breakjsontail} (an OpenAI JSON answer sent whole, usage included, whose connection drops
 * short of the length it announced),
 * {@code -endless} (a stream that sends a chunk every 100 ms and never ends), {@code -gated} (an
 * OpenAI stream that sends its first chunk, then the rest when the test calls {@link #openGate()}), {@code -unterminated}
 * (an OpenAI stream whose last event is not followed by a blank line), {@code -absurd} (a
 * chat completion whose usage is negative, not a number and absurdly large, with a header that its
 * {@code Connection} names as hop-by-hop).
 */
public class FakeProvider implements QuarkusTestResourceLifecycleManager {

    /** One request as the fake received it ({@code query}: the raw query string, or null). */
    public record Seen(String method, String path, String query, MultiMap headers, JsonObject body) {}

    public static final String OPENAI_SECRET = "sk-upstream-openai-secret";
    public static final String ANTHROPIC_SECRET = "sk-ant-upstream-secret";

    public static final CopyOnWriteArrayList<Seen> SEEN = new CopyOnWriteArrayList<>();
    /** Upstream connections the gateway closed while a response was still streaming. */
    public static final AtomicInteger CANCELLED = new AtomicInteger();

    public static final Map<String, Seen> BY_MARKER = new ConcurrentHashMap<>();
    /** Requests by Claude Code's session id (the X-Claude-Code-Session-Id Tally forwards), in order. */
    public static final Map<String, List<Seen>> BY_SESSION = new ConcurrentHashMap<>();
    /** What the tool loop's Bash call runs; the model's answer quotes what came back. */
    public static final String TOOL_LOOP_PROMPT = "TALLY_TOOL_LOOP: run the marker command";

    public static final String TOOL_LOOP_COMMAND = "echo tally-tool-loop";
    /** The rest of each {@code -gated} stream, held until {@link #openGate()}. */
    private static final List<Runnable> GATED = new CopyOnWriteArrayList<>();

    /** Sends the rest of every {@code -gated} stream held so far. */
    public static void openGate() {
        for (Runnable rest : GATED) {
            GATED.remove(rest);
            rest.run();
        }
    }

    /** How many {@code -gated} streams wait for {@link #openGate()}. */
    public static int gated() {
        return GATED.size();
    }

    /** Request heads received, counted before the body arrives: what the gateway sent at all. */
    public static final AtomicInteger REQUESTS = new AtomicInteger();

    private final boolean recording;
    private Vertx vertx;

    /** A fake that keeps every request it saw in {@link #SEEN}, for the tests that look at them. */
    public FakeProvider() {
        this(true);
    }

    /**
     * @param recording false for long load runs (the fault run): {@link #SEEN} would otherwise copy
     *        itself on every one of a million requests
     */
    public FakeProvider(boolean recording) {
        this.recording = recording;
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        bigEmbeddings("text-embedding-3-small"); // off the event loop, before any test asks for it
        HttpServer server = vertx.createHttpServer().requestHandler(this::handle);
        int port = Ports.freePort();
        try {
            server.listen(port, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake provider did not start", e);
        }
        return Map.ofEntries(
                Map.entry("tally.providers.openai.base-url", "http://127.0.0.1:" + port + "/v1"),
                Map.entry("tally.providers.openai.api-key", OPENAI_SECRET),
                Map.entry("tally.providers.anthropic.base-url", "http://127.0.0.1:" + port),
                Map.entry("tally.providers.anthropic.api-key", ANTHROPIC_SECRET),
                // nothing listens there: connection refused
                Map.entry("tally.providers.dead.base-url", "http://127.0.0.1:" + Ports.freePort() + "/v1"),
                Map.entry("tally.gateway.extra-routes", "dead-*=dead"),
                Map.entry("tally.gateway.first-byte-timeout", "1500ms"),
                Map.entry("tally.gateway.between-chunks-timeout", "1500ms"),
                // Claude Code's requests (system prompt and tool definitions) are over 64 KB
                Map.entry("tally.gateway.max-body-size", "1M"),
                // every test calls from 127.0.0.1: the throttle of calls without a key (tested with its
                // own limits in HostileInputTest) must not turn one test's 401 into another's 429
                Map.entry("tally.gateway.invalid-key-burst", "100000"));
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    private void handle(HttpServerRequest req) {
        REQUESTS.incrementAndGet();
        req.body().onSuccess(buf -> {
            JsonObject body = buf.length() == 0 ? new JsonObject() : buf.toJsonObject();
            Seen seen = new Seen(
                    req.method().name(),
                    req.path(),
                    req.query(),
                    MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                    body);
            if (recording) {
                SEEN.add(seen);
                String marker = body.getString(
                        "user", body.getJsonObject("metadata", new JsonObject()).getString("user_id"));
                if (marker != null) {
                    BY_MARKER.put(marker, seen);
                }
                String session = req.getHeader("x-claude-code-session-id");
                if (session != null) {
                    BY_SESSION
                            .computeIfAbsent(session, k -> new CopyOnWriteArrayList<>())
                            .add(seen);
                }
            }
            String model = body.getString("model", "");
            boolean stream = body.getBoolean("stream", false);
            var resp = req.response();
            if (model.endsWith("-slowhead")) {
                vertx.setTimer(3000, id -> {
                    if (!resp.closed()) {
                        resp.putHeader("content-type", "application/json").end("{}");
                    }
                });
                return;
            }
            if (model.endsWith("-hold")) {
                resp.closeHandler(v -> CANCELLED.incrementAndGet());
                return;
            }
            if (model.endsWith("-breakjson")) {
                resp.putHeader("content-type", "application/json")
                        .putHeader("content-length", "2000")
                        .write("{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion\",");
                vertx.setTimer(50, id -> req.connection().close());
                return;
            }
            if (model.endsWith("-breakjsontail")) {
                // the whole answer, usage included, then the connection drops short of the announced length
                String whole = OPENAI_JSON.replace("MODEL", model);
                resp.putHeader("content-type", "application/json")
                        .putHeader("content-length", String.valueOf(whole.length() + 100))
                        .write(whole);
                vertx.setTimer(50, id -> req.connection().close());
                return;
            }
            if (model.endsWith("-absurd")) {
                resp.putHeader("content-type", "application/json")
                        .putHeader("connection", "keep-alive, x-provider-hop")
                        .putHeader("x-provider-hop", "for the gateway only")
                        .end(OPENAI_JSON
                                .replace("MODEL", model)
                                .replace("\"prompt_tokens\":1200", "\"prompt_tokens\":-1200")
                                .replace("\"completion_tokens\":300", "\"completion_tokens\":\"lots\"")
                                .replace("\"total_tokens\":1500", "\"total_tokens\":1e300"));
                return;
            }
            if (model.endsWith("-endless")) {
                resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
                String chunk =
                        "data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\","
                                + "\"created\":1741570283,\"model\":\"" + model
                                + "\",\"choices\":[{\"index\":0,\"delta\":"
                                + "{\"content\":\"more \"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
                long timer = vertx.setPeriodic(100, id -> resp.write(chunk));
                resp.closeHandler(v -> {
                    vertx.cancelTimer(timer);
                    CANCELLED.incrementAndGet();
                });
                return;
            }
            if (model.endsWith("-ratelimited")) {
                resp.setStatusCode(429)
                        .putHeader("content-type", "application/json")
                        .putHeader("retry-after", "7")
                        .putHeader("x-request-id", "req_upstream_429")
                        .end("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
                return;
            }
            switch (req.path()) {
                case "/v1/chat/completions" -> {
                    resp.putHeader("x-request-id", "req_upstream_openai")
                            .putHeader("openai-processing-ms", "12")
                            .putHeader("x-ratelimit-remaining-requests", "99");
                    if (stream) {
                        openAiStream(req, model, body);
                    } else {
                        resp.putHeader("content-type", "application/json").end(OPENAI_JSON.replace("MODEL", model));
                    }
                }
                case "/v1/responses/compact" ->
                    // a compaction answers JSON only: the conversation's summary as one opaque item
                    resp.putHeader("content-type", "application/json")
                            .end("{\"id\":\"resp_67ccd3a9da748190baa7f1570fe91ac604becb25c95c1f61\","
                                    + "\"object\":\"response.compaction\",\"created_at\":1741476777,\"output\":"
                                    + "[{\"id\":\"cmp_67ccd3acc8d48190\",\"type\":\"compaction\","
                                    + "\"encrypted_content\":\"gAAAAABoZ2Zw\"}],\"usage\":" + RESPONSES_USAGE + "}");
                case "/v1/responses" -> {
                    resp.putHeader("x-request-id", "req_upstream_responses");
                    if (body.getBoolean("background", false) && !stream) {
                        // OpenAI answers a background response at once, queued: no output, no usage yet
                        resp.putHeader("content-type", "application/json")
                                .end(responseObject(model, "queued", "null").replace(RESPONSES_OUTPUT, "[]"));
                    } else if (stream) {
                        responsesStream(req, model);
                    } else {
                        resp.putHeader("content-type", "application/json")
                                .end(responseObject(model, "completed", RESPONSES_USAGE)
                                        .replace(RESPONSE_ID, newResponseId()));
                    }
                }
                case "/v1/embeddings" -> {
                    if ("many".equals(body.getValue("input"))) {
                        // a large body in many writes: the gateway sees it in many chunks
                        String big = bigEmbeddings(model);
                        resp.setChunked(true).putHeader("content-type", "application/json");
                        for (int i = 0; i < big.length(); i += 16_384) {
                            resp.write(big.substring(i, Math.min(big.length(), i + 16_384)));
                        }
                        resp.end();
                        return;
                    }
                    resp.putHeader("content-type", "application/json")
                            .end(
                                    "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0023064255,-0.009327292]}],"
                                            + "\"model\":\"" + model
                                            + "\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}");
                }
                case "/v1/messages" -> {
                    resp.putHeader("request-id", "req_upstream_anthropic")
                            .putHeader("anthropic-ratelimit-requests-remaining", "49");
                    if (stream && toolLoopStep(body) != null) {
                        anthropicToolLoop(req, model, toolLoopStep(body));
                    } else if (stream) {
                        anthropicStream(req, model);
                    } else {
                        resp.putHeader("content-type", "application/json").end(ANTHROPIC_JSON.replace("MODEL", model));
                    }
                }
                case "/v1/messages/count_tokens" ->
                    resp.putHeader("content-type", "application/json").end("{\"input_tokens\":1234}");
                case "/v1/conversations" ->
                    resp.putHeader("content-type", "application/json")
                            .putHeader("x-request-id", "req_upstream_conversations")
                            .end(conversation(newConversationId(), body.getJsonObject("metadata")));
                default -> {
                    if (req.path().startsWith(STORED)) {
                        storedResponse(req);
                    } else if (req.path().startsWith(CONVERSATIONS)) {
                        conversationCall(req, body);
                    } else {
                        resp.setStatusCode(404).end();
                    }
                }
            }
        });
    }

    private static final String STORED = "/v1/responses/";

    /** A response id the fake holds no response for: its calls answer OpenAI's 404. */
    public static final String MISSING_RESPONSE = "resp_0000000000000000missing";

    /**
     * The Responses API's calls on a stored response, as OpenAI's reference documents them: retrieve
     * ({@code GET /v1/responses/{id}}, with {@code ?stream=true&starting_after=N} the response's stream
     * events after sequence number N), delete ({@code {"id","object":"response","deleted":true}}),
     * cancel ({@code POST …/cancel}: the response, {@code cancelled}) and its input items
     * ({@code GET …/input_items}: a cursor list). Every id but {@link #MISSING_RESPONSE} is held, as
     * a completed {@code gpt-4o-mini} response with usage (which a retrieve must not count again).
     */
    private void storedResponse(HttpServerRequest req) {
        var resp = req.response();
        resp.putHeader("x-request-id", "req_upstream_stored");
        String rest = req.path().substring(STORED.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String call = slash < 0 ? "" : rest.substring(slash);
        if (id.equals(MISSING_RESPONSE)) {
            resp.setStatusCode(404)
                    .putHeader("content-type", "application/json")
                    .end(notFound(id));
            return;
        }
        String method = req.method().name();
        if (call.isEmpty() && method.equals("GET") && "true".equals(req.getParam("stream"))) {
            String after = req.getParam("starting_after");
            int from = after == null ? 0 : Integer.parseInt(after) + 1;
            resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
            List<String> events = responsesEvents("gpt-4o-mini", id);
            resp.end(String.join("", events.subList(Math.min(from, events.size()), events.size())));
            return;
        }
        resp.putHeader("content-type", "application/json");
        switch (method + " " + call) {
            case "GET " -> resp.end(storedResponse(id));
            case "DELETE " -> resp.end(deletedResponse(id));
            case "POST /cancel" -> resp.end(cancelledResponse(id));
            case "GET /input_items" -> resp.end(inputItems());
            default -> resp.setStatusCode(404).end(notFound(id));
        }
    }

    private static final String CONVERSATIONS = "/v1/conversations/";

    /** A conversation id the fake holds no conversation for: its calls answer a 404. */
    public static final String MISSING_CONVERSATION = "conv_0000000000000000missing";

    /**
     * The Conversations API's calls on a conversation, as OpenAI's reference documents them: retrieve
     * and update ({@code GET}, {@code POST /v1/conversations/{id}}: the conversation, with the metadata
     * an update sent), delete ({@code {"id","object":"conversation.deleted","deleted":true}}), its items
     * ({@code POST …/items}: the items added, {@code GET …/items}: a cursor list), one item ({@code GET
     * …/items/{item_id}}: the item; {@code DELETE}: the conversation). Every id but
     * {@link #MISSING_CONVERSATION} is held.
     */
    private void conversationCall(HttpServerRequest req, JsonObject body) {
        var resp = req.response();
        resp.putHeader("x-request-id", "req_upstream_conversation").putHeader("content-type", "application/json");
        String rest = req.path().substring(CONVERSATIONS.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String call = slash < 0 ? "" : rest.substring(slash);
        if (id.equals(MISSING_CONVERSATION)) {
            resp.setStatusCode(404).end(conversationNotFound(id));
            return;
        }
        String method = req.method().name();
        if (call.startsWith("/items/")) {
            String item = call.substring("/items/".length());
            switch (method) {
                case "GET" -> resp.end(conversationItem(item));
                case "DELETE" -> resp.end(conversation(id, null));
                default -> resp.setStatusCode(405).end();
            }
            return;
        }
        switch (method + " " + call) {
            case "GET " -> resp.end(conversation(id, null));
            case "POST " -> resp.end(conversation(id, body.getJsonObject("metadata")));
            case "DELETE " -> resp.end(deletedConversation(id));
            case "POST /items", "GET /items" -> resp.end(conversationItems());
            default -> resp.setStatusCode(404).end(conversationNotFound(id));
        }
    }

    /** A conversation object as OpenAI's reference shows one. */
    public static String conversation(String id, JsonObject metadata) {
        return "{\"id\":\"" + id + "\",\"object\":\"conversation\",\"created_at\":1741900000,\"metadata\":"
                + (metadata == null ? "{}" : metadata.encode()) + "}";
    }

    /** What deleting a held conversation answers. */
    public static String deletedConversation(String id) {
        return "{\"id\":\"" + id + "\",\"object\":\"conversation.deleted\",\"deleted\":true}";
    }

    /** One item of a conversation: a user's message. */
    public static String conversationItem(String itemId) {
        return "{\"type\":\"message\",\"id\":\"" + itemId + "\",\"status\":\"completed\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"Hello!\"}]}";
    }

    /** What adding items to a conversation, or listing them, answers: a list of its items. */
    public static String conversationItems() {
        String item = "msg_68b0cbd1f6a48196a5e0b0b8e0b5d7d00bd3e8c0f7d6b8a1";
        return "{\"object\":\"list\",\"data\":[" + conversationItem(item) + "],\"first_id\":\"" + item
                + "\",\"last_id\":\"" + item + "\",\"has_more\":false}";
    }

    /** The answer for a conversation id the provider does not hold. */
    public static String conversationNotFound(String id) {
        return "{\"error\":{\"message\":\"Conversation with id '" + id + "' not found.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
    }

    /** A new conversation's id, as OpenAI's look: {@code conv_} and 48 hex digits, a new one each time. */
    static String newConversationId() {
        return "conv_" + newResponseId().substring("resp_".length());
    }

    /** What retrieving a held response answers. */
    public static String storedResponse(String id) {
        return responseObject("gpt-4o-mini", "completed", RESPONSES_USAGE).replace(RESPONSE_ID, id);
    }

    /** What deleting a held response answers. */
    public static String deletedResponse(String id) {
        return "{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}";
    }

    /** What cancelling a held response answers: the response, cancelled (a background one had not finished). */
    public static String cancelledResponse(String id) {
        return responseObject("gpt-4o-mini", "cancelled", "null")
                .replace(RESPONSE_ID, id)
                .replace(RESPONSES_OUTPUT, "[]");
    }

    /** What listing a held response's input items answers. */
    public static String inputItems() {
        return "{\"object\":\"list\",\"data\":[{\"id\":\"msg_67ccd3a9da748190bb2ba0d1a0c3a6a2\","
                + "\"type\":\"message\",\"role\":\"user\",\"status\":\"completed\",\"content\":"
                + "[{\"type\":\"input_text\",\"text\":\"Say hello\"}]}],"
                + "\"first_id\":\"msg_67ccd3a9da748190bb2ba0d1a0c3a6a2\","
                + "\"last_id\":\"msg_67ccd3a9da748190bb2ba0d1a0c3a6a2\",\"has_more\":false}";
    }

    /** OpenAI's answer for a response id it does not hold. */
    public static String notFound(String id) {
        return "{\"error\":{\"message\":\"Response with id '" + id + "' not found.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
    }

    /** A held response's stream, as a resumed retrieve streams it: every event, then the client skips some. */
    public static String storedStream(String id, int startingAfter) {
        List<String> events = responsesEvents("gpt-4o-mini", id);
        return String.join("", events.subList(startingAfter + 1, events.size()));
    }

    /** 64 embeddings of 1,536 numbers (about 1.2 MB), as OpenAI shapes them; usage 64 × 8 tokens. */
    public static String bigEmbeddings(String model) {
        // made once per model: formatting 98,304 numbers takes seconds on a busy machine, on the fake's event loop
        return BIG_EMBEDDINGS.computeIfAbsent(model, FakeProvider::formatBigEmbeddings);
    }

    private static final Map<String, String> BIG_EMBEDDINGS = new ConcurrentHashMap<>();

    private static String formatBigEmbeddings(String model) {
        StringBuilder b = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < 64; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"object\":\"embedding\",\"index\":")
                    .append(i)
                    .append(",\"embedding\":[");
            for (int j = 0; j < 1536; j++) {
                b.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9f", Math.sin(i * 1536 + j)));
            }
            b.append("]}");
        }
        return b.append("],\"model\":\"")
                .append(model)
                .append("\",\"usage\":{\"prompt_tokens\":512,\"total_tokens\":512}}")
                .toString();
    }

    private void openAiStream(HttpServerRequest req, String model, JsonObject body) {
        var resp = req.response();
        resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        String head = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1741570283,\"model\":\"" + model + "\",\"system_fingerprint\":\"fp_06737a9306\",";
        boolean includeUsage =
                body.getJsonObject("stream_options", new JsonObject()).getBoolean("include_usage", false);
        String usageNull = includeUsage ? ",\"usage\":null" : "";
        resp.write("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}\n\n");
        if (model.endsWith("-break")) {
            resp.write(
                    "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello there, this breaks\"},"
                            + "\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}\n\n");
            vertx.setTimer(50, id -> req.connection().close());
            return;
        }
        if (model.endsWith("-hang") || model.endsWith("-stall")) {
            resp.write("data: " + head
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello there, this is a long answer\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}\n\n");
            resp.closeHandler(v -> CANCELLED.incrementAndGet());
            return;
        }
        if (model.endsWith("-gated")) {
            var context = vertx.getOrCreateContext();
            GATED.add(() -> context.runOnContext(v -> openAiStreamRest(resp, model, head, usageNull, includeUsage)));
            return;
        }
        openAiStreamRest(resp, model, head, usageNull, includeUsage);
    }

    private static void openAiStreamRest(
            io.vertx.core.http.HttpServerResponse resp,
            String model,
            String head,
            String usageNull,
            boolean includeUsage) {
        for (String word : new String[] {"Hello", " there", "!"}) {
            resp.write("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word
                    + "\"},\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}\n\n");
        }
        resp.write("data: " + head
                + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]" + usageNull
                + "}\n\n");
        if (includeUsage) {
            // split across two writes on purpose: the gateway must reassemble lines across chunks
            String usage =
                    "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300,"
                            + "\"total_tokens\":1500,\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},"
                            + "\"completion_tokens_details\":{\"reasoning_tokens\":64,\"audio_tokens\":0,"
                            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n";
            resp.write(usage.substring(0, 40));
            resp.write(usage.substring(40));
        }
        // -unterminated: the last event has no blank line after it (the stream simply ends)
        resp.end(model.endsWith("-unterminated") ? "data: [DONE]" : "data: [DONE]\n\n");
    }

    /**
     * A Responses API stream as OpenAI's reference documents it: response.created and .in_progress
     * (usage null), the output item and its content part, text deltas, the .done events repeating
     * the text, then response.completed with the usage; no [DONE]. The model {@code -metadata} puts
     * an object named "usage" in the response's metadata, before the real usage.
     */
    private void responsesStream(HttpServerRequest req, String model) {
        var resp = req.response();
        resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        List<String> events = responsesEvents(model, newResponseId());
        resp.write(String.join("", events.subList(0, 4)));
        resp.write(String.join("", events.subList(4, events.size() - 1)));
        String completed = events.get(events.size() - 1);
        // split across two writes on purpose: the gateway must reassemble the line across chunks
        resp.write(completed.substring(0, 60));
        resp.end(completed.substring(60));
    }

    /** The events of a Responses API stream, in order; each one's index is its {@code sequence_number}. */
    private static List<String> responsesEvents(String model, String id) {
        String started = responseObject(model, "in_progress", "null")
                .replace(RESPONSES_OUTPUT, "[]")
                .replace(RESPONSE_ID, id);
        String where = ",\"item_id\":\"msg_67ccd3acc8d48190a77525dc6de64b4104becb25c95c1f61\",\"output_index\":0,"
                + "\"content_index\":0";
        List<String> b = new java.util.ArrayList<>();
        int seq = 0;
        b.add(responsesEvent(
                "response.created",
                "{\"type\":\"response.created\",\"sequence_number\":" + seq++ + ",\"response\":" + started + "}"));
        b.add(responsesEvent(
                "response.in_progress",
                "{\"type\":\"response.in_progress\",\"sequence_number\":" + seq++ + ",\"response\":" + started + "}"));
        b.add(responsesEvent(
                "response.output_item.added",
                "{\"type\":\"response.output_item.added\",\"sequence_number\":" + seq++ + ",\"output_index\":0,"
                        + "\"item\":{\"id\":\"msg_67ccd3acc8d48190a77525dc6de64b4104becb25c95c1f61\",\"type\":\"message\","
                        + "\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}"));
        b.add(responsesEvent(
                "response.content_part.added",
                "{\"type\":\"response.content_part.added\",\"sequence_number\":" + seq++ + where
                        + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}}"));
        for (String word : new String[] {"Hello", " there", "!"}) {
            b.add(responsesEvent(
                    "response.output_text.delta",
                    "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + seq++ + where + ",\"delta\":\""
                            + word + "\",\"logprobs\":[]}"));
        }
        b.add(responsesEvent(
                "response.output_text.done",
                "{\"type\":\"response.output_text.done\",\"sequence_number\":" + seq++ + where
                        + ",\"text\":\"Hello there!\",\"logprobs\":[]}"));
        b.add(responsesEvent(
                "response.content_part.done",
                "{\"type\":\"response.content_part.done\",\"sequence_number\":" + seq++ + where
                        + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":\"Hello there!\"}}"));
        b.add(responsesEvent(
                "response.output_item.done",
                "{\"type\":\"response.output_item.done\",\"sequence_number\":" + seq++ + ",\"output_index\":0,"
                        + "\"item\":" + RESPONSES_OUTPUT.substring(1, RESPONSES_OUTPUT.length() - 1) + "}"));
        b.add(responsesEvent(
                "response.completed",
                "{\"type\":\"response.completed\",\"sequence_number\":" + seq + ",\"response\":"
                        + responseObject(model, "completed", RESPONSES_USAGE).replace(RESPONSE_ID, id) + "}"));
        return b;
    }

    private static String responsesEvent(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    /** A Responses API response object, as its reference shows one, with the given status and usage. */
    static String responseObject(String model, String status, String usage) {
        String metadata = model.endsWith("-metadata") ? "{\"usage\":\"tracked by the caller\"}" : "{}";
        return "{\"id\":\"" + RESPONSE_ID + "\",\"object\":\"response\","
                + "\"created_at\":1741476777,\"status\":\"" + status + "\",\"error\":null,\"incomplete_details\":null,"
                + "\"instructions\":null,\"max_output_tokens\":null,\"model\":\"" + model + "\",\"output\":"
                + RESPONSES_OUTPUT + ",\"parallel_tool_calls\":true,\"previous_response_id\":null,"
                + "\"reasoning\":{\"effort\":null,\"summary\":null},\"store\":true,\"temperature\":1.0,"
                + "\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":1.0,"
                + "\"truncation\":\"disabled\",\"user\":null,\"metadata\":" + metadata + ",\"usage\":" + usage + "}";
    }

    /** The id in {@link #responseObject}'s answer; each response the fake creates gets its own ({@link #newResponseId}). */
    static final String RESPONSE_ID = "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c95c1f61";

    /** A new response's id, as OpenAI's look: {@code resp_} and 48 hex digits, a new one each time. */
    static String newResponseId() {
        return "resp_"
                + java.util.HexFormat.of()
                        .formatHex(java.nio.ByteBuffer.allocate(24)
                                .putLong(System.nanoTime())
                                .putLong(java.util.concurrent.ThreadLocalRandom.current()
                                        .nextLong())
                                .putLong(java.util.concurrent.ThreadLocalRandom.current()
                                        .nextLong())
                                .array());
    }

    static final String RESPONSES_OUTPUT =
            "[{\"type\":\"message\",\"id\":\"msg_67ccd3acc8d48190a77525dc6de64b4104becb25c95c1f61\","
                    + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                    + "\"text\":\"Hello there!\",\"annotations\":[]}]}]";

    /** The same counts as {@link #OPENAI_JSON}'s, under the Responses API's names. */
    static final String RESPONSES_USAGE = "{\"input_tokens\":1200,\"input_tokens_details\":{\"cached_tokens\":1024},"
            + "\"output_tokens\":300,\"output_tokens_details\":{\"reasoning_tokens\":64},\"total_tokens\":1500}";

    private void anthropicStream(HttpServerRequest req, String model) {
        var resp = req.response();
        resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        resp.write(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"" + model
                        + "\",\"stop_reason\":null,"
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":50,\"cache_creation_input_tokens\":1000,"
                        + "\"cache_read_input_tokens\":2000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":800,"
                        + "\"ephemeral_1h_input_tokens\":200},\"output_tokens\":1,\"service_tier\":\"standard\"}}}\n\n");
        resp.write("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        resp.write("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        if (model.endsWith("-hang")) {
            resp.write(
                    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello there, this answer has forty characters!\"}}\n\n");
            resp.closeHandler(v -> CANCELLED.incrementAndGet());
            return;
        }
        for (String word : new String[] {"Hello", "!"}) {
            resp.write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + word + "\"}}\n\n");
        }
        resp.write("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        resp.write("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":400}}\n\n");
        resp.end("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    /**
     * In a tool loop (the prompt holds {@link #TOOL_LOOP_PROMPT} and the request offers a Bash tool):
     * "call" when the model should call the tool, or the tool's output once its result came back.
     * Null for any other request.
     */
    static String toolLoopStep(JsonObject body) {
        var messages = body.getJsonArray("messages", new JsonArray());
        var tools = body.getJsonArray("tools", new JsonArray());
        boolean bash = tools.stream().anyMatch(t -> t instanceof JsonObject o && "Bash".equals(o.getString("name")));
        if (!bash || messages.isEmpty() || !messages.encode().contains(TOOL_LOOP_PROMPT)) {
            return null;
        }
        Object content = messages.getJsonObject(messages.size() - 1).getValue("content");
        if (content instanceof JsonArray blocks) {
            for (Object b : blocks) {
                if (b instanceof JsonObject block && "tool_result".equals(block.getString("type"))) {
                    Object out = block.getValue("content");
                    return out instanceof String text ? text : String.valueOf(out);
                }
            }
        }
        return "call";
    }

    /**
     * The two answers of a tool loop as Anthropic streams them: a {@code tool_use} block whose input
     * arrives as {@code input_json_delta} fragments (stop reason {@code tool_use}), then, once the
     * tool's result is sent back, a text answer quoting its first line (stop reason {@code end_turn}).
     */
    private void anthropicToolLoop(HttpServerRequest req, String model, String step) {
        var resp = req.response();
        resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        boolean call = step.equals("call");
        resp.write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01ToolLoop"
                + (call ? "Call" : "Done")
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\""
                + model + "\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":"
                + (call ? 120 : 180)
                + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1,"
                + "\"service_tier\":\"standard\"}}}\n\n");
        if (call) {
            resp.write(
                    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                            + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01TallyToolLoop\",\"name\":\"Bash\",\"input\":{}}}\n\n");
            resp.write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"command\\\": \\\""
                    + TOOL_LOOP_COMMAND
                    + "\\\", \"}}\n\n");
            resp.write(
                    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"description\\\": \\\"Print the marker\\\"}\"}}\n\n");
            resp.write("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
            resp.write(
                    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                            + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":30}}\n\n");
        } else {
            String said =
                    "The command printed " + step.lines().findFirst().orElse("").trim();
            resp.write("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
            resp.write("event: content_block_delta\ndata: "
                    + new JsonObject()
                            .put("type", "content_block_delta")
                            .put("index", 0)
                            .put(
                                    "delta",
                                    new JsonObject().put("type", "text_delta").put("text", said))
                            .encode()
                    + "\n\n");
            resp.write("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
            resp.write(
                    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                            + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}\n\n");
        }
        resp.end("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    static final String OPENAI_JSON =
            "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion\","
                    + "\"created\":1741570283,\"model\":\"MODEL\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"Hello there!\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300,\"total_tokens\":1500,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},\"completion_tokens_details\":"
                    + "{\"reasoning_tokens\":64,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                    + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\"}";

    static final String ANTHROPIC_JSON =
            "{\"id\":\"msg_013Zva2CMHLNnXjNJJKqJ2EF\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"MODEL\",\"content\":[{\"type\":\"text\",\"text\":\"Hello there!\"}],\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":50,\"cache_creation_input_tokens\":1000,"
                    + "\"cache_read_input_tokens\":2000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":800,"
                    + "\"ephemeral_1h_input_tokens\":200},\"output_tokens\":400,\"service_tier\":\"standard\"}}";
}
