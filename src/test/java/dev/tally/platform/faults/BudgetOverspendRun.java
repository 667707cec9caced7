package dev.tally.platform.faults;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.gateway.FakeProvider;

/**
 * The two-gateway overspend test of issue 9 ({@code bench/budget-overspend.sh} runs it): two whole
 * gateways in separate JVMs (plus an aggregator, on the {@code kafka/cluster.sh} Kafka cluster and
 * PostgreSQL) drive concurrent calls against one {@code block} budget until each of their callers has
 * been refused for five seconds without a break. Passes only when:
 *
 * <ol>
 * <li>the spend the budget counted (rolled up, equal to the usage events) reached the budget, and
 * exceeds it by at most the stated bound: N gateways × the largest single reservation (the calls here
 * never cost more than their reservation, so the third term of the bound is zero; docs/budgets.md);
 * <li>every call after that point is refused, on both gateways (402, {@code budget_exceeded}).
 * </ol>
 *
 * System properties: {@code overspend.budgetUsd} (0.05), {@code overspend.threads} (callers per
 * gateway, 8), {@code faults.repo}, {@code faults.keep}.
 */
public final class BudgetOverspendRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.now();
    private static final int GATEWAYS = 2;
    /** The calls' max_tokens: the reservation covers the fake's whole answer, so no call costs more than it reserved. */
    private static final int MAX_TOKENS = 1000;

    private static final String MODEL = "gpt-4o-mini";
    /** How long a caller is refused without a break before it stops: several of the gateways' 1 s refreshes. */
    private static final Duration REFUSED_FOR = Duration.ofSeconds(5);

    private static final Duration BACKOFF = Duration.ofMillis(100);

    private final Cluster cluster;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private ClusterApi api;

    BudgetOverspendRun(Cluster cluster) {
        this.cluster = cluster;
    }

    public static void main(String[] args) throws Exception {
        Path repo =
                Path.of(System.getProperty("faults.repo", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("tally-overspend-");
        FakeProvider provider = new FakeProvider(false);
        Map<String, String> settings = new HashMap<>(provider.start().entrySet().stream()
                .filter(e -> e.getKey().matches("tally\\.providers\\.(openai|anthropic)\\.(base-url|api-key)"))
                .collect(Collectors.toMap(
                        e -> e.getKey().toUpperCase().replace('.', '_').replace('-', '_'), Map.Entry::getValue)));
        // only the budget limits these calls: not the key's per-minute or in-flight limits
        settings.put("TALLY_GATEWAY_REQUESTS_PER_MINUTE", "0");
        settings.put("TALLY_GATEWAY_TOKENS_PER_MINUTE", "0");
        settings.put("TALLY_GATEWAY_MAX_IN_FLIGHT_PER_KEY", "0");
        Cluster cluster = new Cluster(repo, dir, settings);
        boolean passed = false;
        try {
            passed = new BudgetOverspendRun(cluster)
                    .run(
                            Double.parseDouble(System.getProperty("overspend.budgetUsd", "0.05")),
                            Integer.getInteger("overspend.threads", 8));
        } finally {
            if (Boolean.getBoolean("faults.keep")) {
                say("cluster left in %s (stopped); logs there", dir);
                cluster.run("stop");
            } else {
                cluster.run("destroy");
            }
            provider.stop();
        }
        System.exit(passed ? 0 : 1);
    }

    boolean run(double budgetUsd, int threads) throws Exception {
        say("starting brokers, PostgreSQL, an aggregator and two gateways in %s", cluster.dir());
        cluster.run("start");
        // the first instance migrates the empty database; the gateways start once it is ready (as cluster.sh up does)
        cluster.run("tally", "start", "agg-1", "aggregator,dashboard");
        cluster.run("tally", "await", "agg-1", "600");
        cluster.run("tally", "start", "gw-1", "gateway");
        cluster.run("tally", "start", "gw-2", "gateway");
        for (String name : List.of("gw-1", "gw-2")) {
            cluster.run("tally", "await", name, "600");
        }
        api = new ClusterApi(cluster.env(), http);
        List<URI> gateways = List.of(api.uri("TALLY_URL_GW_1"), api.uri("TALLY_URL_GW_2"));

        String team = api.create("/api/admin/teams", Map.of("name", "Overspend " + T0, "department", "Engineering"));
        String employee = api.create(
                "/api/admin/employees",
                Map.of(
                        "email",
                        "overspend-" + UUID.randomUUID() + "@example.com",
                        "name",
                        "Overspend Run",
                        "teamId",
                        team));
        String key = JSON.readTree(api.post("/api/admin/keys", Map.of("employeeId", employee)))
                .path("key")
                .asText();
        long budgetNanos = Math.round(budgetUsd * 1e9);
        api.post(
                "/api/admin/budgets",
                Map.of(
                        "name",
                        "Overspend block",
                        "scope",
                        "team",
                        "scopeId",
                        team,
                        "period",
                        "month",
                        "amountUsd",
                        Double.toString(budgetUsd),
                        "mode",
                        "block"));
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + MAX_TOKENS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"How far is the budget?\"}]}";
        long reservation = reservation(body.getBytes(StandardCharsets.UTF_8).length);
        long bound = GATEWAYS * reservation;
        // both gateways know the key and the budget (a call under a $0 spend is admitted: ok to spend here)
        for (URI gateway : gateways) {
            Awaitility.await(gateway + " knows the key")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> call(gateway, key, body).statusCode() == 200);
        }
        say(
                "budget $%s (%,d nano-dollars), %d callers per gateway; largest reservation %,d nano-dollars, bound %,d",
                budgetUsd, budgetNanos, threads, reservation, bound);

        AtomicLong ok = new AtomicLong(2);
        AtomicLong refused = new AtomicLong();
        AtomicLong other = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(GATEWAYS * threads);
        List<Future<?>> callers = new ArrayList<>();
        for (URI gateway : gateways) {
            for (int t = 0; t < threads; t++) {
                callers.add(pool.submit(() -> {
                    // Each caller stops once it has been refused without a break for REFUSED_FOR: then no
                    // gateway found room in several refreshes. (A refusal can be only for a moment: near
                    // the end, calls in flight hold reservations larger than what they cost, and their
                    // room comes back when they settle.) After a refusal it backs off briefly, as a client
                    // would, instead of spinning on 402s.
                    long refusedSince = 0;
                    while (true) {
                        int status = call(gateway, key, body).statusCode();
                        if (status == 200) {
                            ok.incrementAndGet();
                            refusedSince = 0;
                        } else if (status == 402) {
                            refused.incrementAndGet();
                            long now = System.nanoTime();
                            if (refusedSince == 0) {
                                refusedSince = now;
                            } else if (now - refusedSince > REFUSED_FOR.toNanos()) {
                                return null;
                            }
                            LockSupport.parkNanos(BACKOFF.toNanos());
                        } else {
                            other.incrementAndGet();
                        }
                    }
                }));
            }
        }
        for (Future<?> f : callers) {
            f.get();
        }
        pool.shutdown();
        say("load done: %,d answered 200, %,d refused 402, %,d other", ok.get(), refused.get(), other.get());

        // every call after that point is refused, on both gateways
        int laterAdmitted = 0;
        for (URI gateway : gateways) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = call(gateway, key, body);
                if (r.statusCode() == 200) {
                    ok.incrementAndGet(); // spent, and counted by the rollups like any other
                }
                if (r.statusCode() != 402 || !r.body().contains("budget_exceeded")) {
                    laterAdmitted++;
                }
            }
        }

        // the rolled-up spend (= the usage events' sum) once the aggregator has every admitted call
        Awaitility.await("the aggregator has every admitted call")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> totals(team).path("requests").asLong() == ok.get());
        long spent = totals(team).path("spend_nanos").asLong();
        long over = spent - budgetNanos;
        boolean reached = spent >= budgetNanos;
        boolean withinBound = over <= bound;
        System.out.println();
        System.out.println("| budget | spent (rolled up) | over the budget | stated bound (2 × largest reservation) | "
                + "within? | calls after the point admitted |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        System.out.printf(
                "| %,d | %,d | %,d | %,d | %s | %d of %d |%n",
                budgetNanos, spent, over, bound, reached && withinBound ? "yes" : "NO", laterAdmitted, GATEWAYS * 20);
        System.out.printf(
                "(nano-dollars; %,d calls admitted, %,d refused, %,d other answers; %d callers per gateway)%n",
                ok.get(), refused.get(), other.get(), threads);
        return reached && withinBound && laterAdmitted == 0 && other.get() == 0;
    }

    /**
     * What the gateway reserves for one of these calls, as {@code BudgetCheck} estimates it: the body's
     * bytes / 3 (tally.budgets.bytes-per-token) + 1 input tokens and max_tokens output, at list price.
     */
    private long reservation(int bodyBytes) throws IOException, InterruptedException {
        JsonNode price = JSON.readTree(api.get("/api/admin/prices/" + MODEL));
        long inputTokens = bodyBytes / 3 + 1;
        long perMillion = inputTokens * nanos(price.path("input").asText())
                + MAX_TOKENS * nanos(price.path("output").asText());
        return (perMillion + 500_000L) / 1_000_000L;
    }

    /** USD per million tokens, as the price API writes it, in nano-dollars per million tokens. */
    private static long nanos(String usd) {
        return new BigDecimal(usd).movePointRight(9).longValueExact();
    }

    private JsonNode totals(String team) throws IOException, InterruptedException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return JSON.readTree(api.get(
                        "/api/reports/teams/" + team + "?from=" + today.minusDays(1) + "&to=" + today.plusDays(1)))
                .path("totals");
    }

    private HttpResponse<String> call(URI gateway, String key, String body) {
        try {
            return http.send(
                    HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + key)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf(
                "[overspend %4ds] %s%n", Duration.between(T0, Instant.now()).toSeconds(), String.format(format, args));
    }
}
