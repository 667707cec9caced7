package dev.tally.platform.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.gateway.FakeProvider;

/**
 * The fault run of issue 12 ({@code bench/faults.sh} runs it): a multi-process Tally on a
 * three-broker cluster ({@code kafka/cluster.sh up}: two gateways, two aggregator + dashboard
 * instances, PostgreSQL apart), a fixed number of calls over both gateways (OpenAI and Anthropic,
 * JSON and streams, to a fake provider in the providers' documented shapes), and while they run:
 *
 * <ol>
 * <li>kill -9 one broker, restart it after 30 s;
 * <li>kill -9 the leader of usage partition 0, restart it after 20 s;
 * <li>kill -9 one aggregator, restart it;
 * <li>SIGSTOP PostgreSQL for 20 s, then SIGCONT;
 * <li>stop all three brokers for at least 60 s, restarting one gateway meanwhile (it must start and
 * serve);
 * <li>once the calls are done, restart everything.
 * </ol>
 *
 * Then it waits until the spools are empty and the aggregators have caught up, and prints the
 * reconciliation table. Exit code 0 only when every column is equal, the ids answered 2xx are
 * exactly the ids on the topic, and the spools and DLQ are empty.
 *
 * <p>System properties: {@code faults.calls} (20000), {@code faults.rate} (calls/s; default the
 * calls spread over 300 s), {@code faults.repo} (the repository, default the working directory),
 * {@code faults.keep} (keep the cluster directory and its logs).
 */
public final class FaultRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.now();

    private final Cluster cluster;
    private final long calls;
    private final double rate;
    private final List<String> timeline = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private Map<String, String> env;
    private ClusterApi api;
    private Load load;
    /** Calls sent to the gateway restarted while Kafka is down, to it alone. */
    static final int PROBE_CALLS = 20;

    private boolean restartedGatewayServed = true;

    FaultRun(Cluster cluster, long calls, double rate) {
        this.cluster = cluster;
        this.calls = calls;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        long calls = Long.getLong("faults.calls", 20_000);
        double rate = Double.parseDouble(System.getProperty("faults.rate", String.valueOf(calls / 300.0)));
        Path repo =
                Path.of(System.getProperty("faults.repo", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("tally-faults-");
        FakeProvider provider = new FakeProvider(false);
        Map<String, String> upstream = provider.start().entrySet().stream()
                .filter(e -> e.getKey().matches("tally\\.providers\\.(openai|anthropic)\\.(base-url|api-key)"))
                .collect(Collectors.toMap(
                        e -> e.getKey().toUpperCase().replace('.', '_').replace('-', '_'), Map.Entry::getValue));
        Map<String, String> settings = new HashMap<>(upstream);
        // one key sends every call: the gateways' default per-key limits (600 calls and 2M tokens a
        // minute, 32 calls in flight) would refuse many of them, and this run is about losing nothing,
        // not about limits
        settings.put("TALLY_GATEWAY_REQUESTS_PER_MINUTE", "0");
        settings.put("TALLY_GATEWAY_TOKENS_PER_MINUTE", "0");
        settings.put("TALLY_GATEWAY_MAX_IN_FLIGHT_PER_KEY", "0");
        Cluster cluster = new Cluster(repo, dir, settings);
        boolean passed = false;
        try {
            passed = new FaultRun(cluster, calls, rate).run();
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

    boolean run() throws Exception {
        say("%,d calls at %.0f calls/s over two gateways; cluster in %s", calls, rate, cluster.dir());
        cluster.run("up");
        env = cluster.env();
        api = new ClusterApi(env, http);
        List<URI> gateways = List.of(api.uri("TALLY_URL_GW_1"), api.uri("TALLY_URL_GW_2"));
        String team = api.create("/api/admin/teams", Map.of("name", "Fault run " + T0, "department", "Engineering"));
        String employee = api.create(
                "/api/admin/employees",
                Map.of("email", "faults-" + UUID.randomUUID() + "@example.com", "name", "Fault Run", "teamId", team));
        String key = JSON.readTree(api.post("/api/admin/keys", Map.of("employeeId", employee)))
                .path("key")
                .asText();
        for (URI gateway : gateways) {
            awaitKey(gateway, key);
        }
        load = new Load(gateways, key, calls, rate);
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                load.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Void> progress = CompletableFuture.runAsync(this::reportProgress);

        at(0.10, "kill -9 broker 2; restart it after 30 s");
        cluster.run("kill", "2");
        pause(30);
        cluster.run("start-broker", "2");

        String leader = cluster.run("leader", Reconciliation.USAGE, "0").trim();
        at(0.25, "kill -9 broker " + leader + ", the leader of " + Reconciliation.USAGE + "/0; restart it after 20 s");
        cluster.run("kill", leader);
        pause(20);
        cluster.run("start-broker", leader);

        at(0.40, "kill -9 aggregator agg-1; restart it");
        cluster.run("tally", "kill", "agg-1");
        cluster.run("tally", "start", "agg-1", "aggregator,dashboard");
        cluster.run("tally", "await", "agg-1", "600");
        mark("agg-1 ready again");

        at(0.55, "SIGSTOP PostgreSQL for 20 s, then SIGCONT");
        cluster.run("pg-pause");
        Instant paused = Instant.now();
        pause(10);
        health("gw-1");
        health("agg-1");
        pauseUntil(paused.plusSeconds(20));
        cluster.run("pg-resume");

        at(0.70, "stop all three brokers for at least 60 s; restart gateway gw-2 meanwhile");
        Instant down = Instant.now();
        cluster.run("stop-brokers");
        mark("all brokers stopped");
        pause(10);
        health("gw-1");
        health("agg-1");
        cluster.run("tally", "stop", "gw-2");
        cluster.run("tally", "start", "gw-2", "gateway");
        cluster.run("tally", "await", "gw-2", "600");
        mark("gw-2 ready with Kafka down (readiness 200)");
        awaitServed();
        health("gw-2");
        pauseUntil(down.plusSeconds(60));
        cluster.run("start-brokers");
        mark("brokers back after " + Duration.between(down, Instant.now()).toSeconds() + " s");

        running.join();
        progress.cancel(true);
        mark(String.format("calls done: %,d answered 2xx", load.ok()));
        at(1.0, "restart everything (SIGTERM all, start all)");
        cluster.run("stop");
        cluster.run("up");
        mark("everything up again");
        return reconcile(team);
    }

    private boolean reconcile(String team) throws Exception {
        Reconciliation rec = new Reconciliation(env);
        List<URI> managements = List.of(api.uri("TALLY_MANAGEMENT_URL_GW_1"), api.uri("TALLY_MANAGEMENT_URL_GW_2"));
        long previous = -1;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        while (true) {
            long waiting = 0;
            for (URI m : managements) {
                waiting += rec.waiting(m);
            }
            long lag = rec.lag();
            long rolled = rec.rollups(team).calls();
            if (waiting == 0 && lag == 0 && rolled == previous) {
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                say("not settled after 30 min: %d events waiting in the gateways, lag %d", waiting, lag);
                break;
            }
            say("settling: %d events waiting in the gateways, lag %d, %,d requests rolled up", waiting, lag, rolled);
            previous = rolled;
            TimeUnit.SECONDS.sleep(5);
        }
        mark("settled");
        long waiting = 0;
        for (URI m : managements) {
            waiting += rec.waiting(m);
        }
        Reconciliation.Topic topic = rec.topic(team);
        URI dashboard = api.uri("TALLY_URL_AGG_1");
        // every call the gateways answered carries a usage event (a refusal or an upstream error too,
        // with its outcome): the client's answered ids are the topic's ids, its 2xx ids the ok ones
        Set<String> answered = new HashSet<>(load.okIds());
        answered.addAll(load.otherIds());
        List<Reconciliation.Figure> figures = List.of(
                new Reconciliation.Figure(
                        "calls answered by the gateways (client count)", answered.size(), load.ok(), null),
                new Reconciliation.Figure(
                        "distinct usage ids on " + Reconciliation.USAGE + " (ok = outcome ok)",
                        topic.ids().size(),
                        (long) topic.okIds().size(),
                        topic.spendNanos()),
                rec.rollups(team),
                rec.report(dashboard, team),
                rec.csv(dashboard, team));
        Set<String> missing = new HashSet<>(answered);
        missing.removeAll(topic.ids());
        // a call whose connection broke after it was sent (a gateway stopped under it) has no answer,
        // so the client never saw its id; the gateway may still have recorded it, never as ok
        Set<String> unanswered = new HashSet<>(topic.ids());
        unanswered.removeAll(answered);
        Map<String, Long> unansweredOutcomes = new TreeMap<>();
        unanswered.forEach(id -> unansweredOutcomes.merge(topic.notOk().getOrDefault(id, "ok"), 1L, Long::sum));
        boolean unansweredExplained =
                unanswered.size() <= load.brokenAfterSend() && !unansweredOutcomes.containsKey("ok");
        boolean okSame = topic.okIds().equals(load.okIds());
        long dlqRows = rec.dlqRows();

        // the topic's distinct ids are the calls; the client's answered ids are all among them. The
        // rollups, the report and the CSV count usage: the refused calls (a stopping gateway's 503s)
        // are counted apart, in refusal_team_day
        long refusedInRollups = rec.refusals(team);
        boolean callsEqual = figures.stream().skip(2).allMatch(f -> f.calls() == topic.usageCalls())
                && answered.size() + unanswered.size() == topic.ids().size();
        boolean refusalsEqual = refusedInRollups == topic.rejected();
        boolean notFailedEqual = figures.stream().skip(2).allMatch(f -> f.ok() == null || f.ok() == topic.notFailed());
        boolean spendEqual = figures.stream()
                        .filter(f -> f.spendNanos() != null)
                        .map(Reconciliation.Figure::spendNanos)
                        .distinct()
                        .count()
                == 1;
        boolean passed = callsEqual
                && refusalsEqual
                && notFailedEqual
                && restartedGatewayServed
                && spendEqual
                && missing.isEmpty()
                && unansweredExplained
                && okSame
                && waiting == 0
                && topic.dlqRecords() == 0
                && dlqRows == 0;

        System.out.println();
        System.out.println("## Fault run: " + String.format("%,d", calls) + " calls, " + Instant.now());
        System.out.println();
        System.out.println("| t (s) | event |");
        System.out.println("| ---: | --- |");
        timeline.forEach(System.out::println);
        System.out.println();
        System.out.println("| where | calls | of them 2xx / ok | spend (nano-dollars) |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (Reconciliation.Figure f : figures) {
            System.out.printf(
                    "| %s | %,d | %s | %s |%n",
                    f.where(),
                    f.calls(),
                    f.ok() == null ? "–" : String.format("%,d", f.ok()),
                    f.spendNanos() == null ? "–" : String.format("%,d", f.spendNanos()));
        }
        System.out.println();
        System.out.printf(
                "- calls: %,d sent, %,d answered 2xx (gw-1 %,d, gw-2 %,d), other statuses %s, "
                        + "%,d sent to the other gateway after a refused connection or a stopping gateway's 503, %,d reached no gateway, %,d broken after sending%n",
                load.sent(),
                load.ok(),
                load.okAt(0),
                load.okAt(1),
                load.otherStatus(),
                load.failedOver(),
                load.unreachable(),
                load.brokenAfterSend());
        System.out.printf(
                "- ids answered but not on the topic: %,d; ids on the topic never answered: %,d %s "
                        + "(at most the %,d calls broken after sending, none ok: %s); "
                        + "ids answered 2xx = ids with outcome ok on the topic: %s%n",
                missing.size(),
                unanswered.size(),
                unansweredOutcomes,
                load.brokenAfterSend(),
                unansweredExplained,
                okSame);
        System.out.printf(
                "- refused calls (outcome rejected; the rollups count them apart from usage, in refusal_team_day): "
                        + "%,d on the topic, %,d in the rollups; usage calls on the topic: %,d%n",
                topic.rejected(), refusedInRollups, topic.usageCalls());
        System.out.printf(
                "- requests the fake provider received (key checks and model lists included; informational): %,d%n",
                FakeProvider.REQUESTS.get());
        System.out.printf(
                "- not failed on the topic (ok or client_cancelled, what the rollups count as requests - error_requests): %,d%n",
                topic.notFailed());
        System.out.printf(
                "- records of the run on the topic: %,d for %,d distinct ids (%,d repeats, deduplicated by the aggregator)%n",
                topic.records(),
                topic.ids().size(),
                topic.records() - topic.ids().size());
        System.out.printf(
                "- events still in the gateways' queues and spools: %,d; DLQ: %,d records on %s, %,d rows in dlq_entry%n",
                waiting, topic.dlqRecords(), Reconciliation.DLQ, dlqRows);
        System.out.println();
        System.out.println(
                passed
                        ? "RECONCILED: every count equal, the same ids, spend equal to the nano-dollar, spools and DLQ empty"
                        : "NOT RECONCILED: see the lines above");
        return passed;
    }

    /** Waits until the load has reached this share of its calls, then notes the fault in the timeline. */
    private void at(double share, String fault) throws InterruptedException {
        Awaitility.await()
                .forever()
                .pollInterval(Duration.ofMillis(200))
                .until(() -> load.progress() >= share || (share >= 1.0 && load.done() >= calls));
        mark(String.format("%.0f %% of the calls: %s", share * 100, fault));
    }

    /**
     * The restarted gateway must serve with Kafka down: it gets {@value #PROBE_CALLS} calls of its own
     * (the paced load may have finished, or reach it only by chance), each counted like the others.
     */
    private void awaitServed() throws InterruptedException {
        long ok = load.probe(1, PROBE_CALLS);
        mark(String.format("gw-2 answered %d of %d calls sent to it alone 2xx with Kafka down", ok, PROBE_CALLS));
        if (ok != PROBE_CALLS) {
            restartedGatewayServed = false;
        }
    }

    /** What an operator sees on an instance's readiness: its status and each check's, with the spool's mode. */
    private void health(String instance) {
        String name = instance.toUpperCase().replace('-', '_');
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(
                                    api.uri("TALLY_MANAGEMENT_URL_" + name).resolve("/q/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            StringBuilder checks = new StringBuilder();
            for (var check : JSON.readTree(r.body()).path("checks")) {
                var data = check.path("data");
                checks.append(checks.isEmpty() ? "" : ", ")
                        .append(check.path("name").asText())
                        .append(' ')
                        .append(check.path("status").asText());
                for (String field : List.of("mode", "records", "degraded")) {
                    if (data.has(field)) {
                        checks.append(" ")
                                .append(field)
                                .append('=')
                                .append(data.path(field).asText());
                    }
                }
            }
            mark(instance + " readiness " + r.statusCode() + ": " + checks);
        } catch (IOException e) {
            mark(instance + " readiness: no answer within 5 s (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reportProgress() {
        try {
            while (load.done() < calls) {
                TimeUnit.SECONDS.sleep(15);
                say("progress: %,d of %,d calls, %,d answered 2xx", load.done(), calls, load.ok());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void mark(String what) {
        long t = Duration.between(T0, Instant.now()).toSeconds();
        timeline.add("| " + t + " | " + what + " |");
        say("%s", what);
    }

    private static void pause(long seconds) throws InterruptedException {
        TimeUnit.SECONDS.sleep(seconds);
    }

    private static void pauseUntil(Instant until) throws InterruptedException {
        long left = Duration.between(Instant.now(), until).toMillis();
        if (left > 0) {
            TimeUnit.MILLISECONDS.sleep(left);
        }
    }

    private void awaitKey(URI gateway, String key) throws IOException, InterruptedException {
        Awaitility.await(gateway + " accepts the run's key")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> http.send(
                                        HttpRequest.newBuilder(gateway.resolve("/v1/models"))
                                                .header("Authorization", "Bearer " + key)
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private static void say(String format, Object... args) {
        System.out.printf(
                "[faults %4ds] %s%n", Duration.between(T0, Instant.now()).toSeconds(), String.format(format, args));
    }
}
