package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tally.platform.aot.AotTraining.JdkBuild;

/**
 * The {@code ./tally} launcher picks the start-up cache the AOT build trained only when the JDK
 * running it is the one that trained it and the package is in the directory it was trained in, and
 * otherwise starts without it, saying so in one line.
 * With CAP_SYS_NICE it runs the JIT ahead of the threads that serve calls, and leaves a
 * ThreadPriorityPolicy of the caller's own alone. Where the kernel hands out transparent huge pages the
 * JVM takes them, where it never does the flag is left out, and a choice in JAVA_OPTS is left alone.
 * C2 takes a method after three times the JDK's default calls, unless JAVA_OPTS sets its own; on JDK
 * 25+ the gateway's own methods are compiled at a hundredth of the thresholds, unless JAVA_OPTS scales them. A
 * gateway-only instance on 2 or 3 CPUs on JDK 25+ gets a second C2 thread, unless JAVA_OPTS sets the
 * count. With its AOT cache, JDK 25 (and no later JDK) leaves the adapters out of the cache's use,
 * unless JAVA_OPTS says otherwise. A small probe jar stands in for the package; every case but that
 * one really starts a JVM (it reads the command the launcher would run: the JDK that runs the tests
 * refuses JDK 25's flags). The JDK 25 case needs a JDK 25+: the one {@code TALLY_TEST_JDK25_HOME}
 * names, else one installed beside the JDK running the tests; it says so when there is none.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("tally").toAbsolutePath();
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path app;

    @TempDir
    Path jdks;

    @BeforeEach
    void probePackage() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(app.resolve("quarkus-run.jar"));
                JarOutputStream jar = new JarOutputStream(out, m);
                InputStream cls = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            cls.transferTo(jar);
            jar.closeEntry();
        }
    }

    @Test
    void withoutACacheItStartsPlainAndSaysHowToBuildOne() throws Exception {
        Run r = launch(JAVA_HOME, Map.of(), "--flag");
        assertThat(r.out).contains("args [--flag]");
        assertThat(startedWithoutACache(r))
                .startsWith("tally: no " + ownKind() + " for JDK " + build(JAVA_HOME))
                .contains("starting without it")
                .contains("-Paot");
    }

    @Test
    void theOtherKindOfCacheIsLeftOutOnThisJdkWhichSaysSo() throws Exception {
        // the cache kind this JDK cannot use (a JDK 17 JVM refuses -XX:AOTCache as an unknown option,
        // so that the probe ran proves the flag was left out)
        String other = leyden() ? "app-cds.jsa" : "app.aot";
        Files.write(app.resolve(other), new byte[] {1, 2, 3});
        Files.writeString(app.resolve(other + ".jdk"), "21.0.1+12");
        Run r = launch(JAVA_HOME, Map.of());
        assertThat(startedWithoutACache(r))
                .contains("no " + ownKind() + " for JDK " + build(JAVA_HOME))
                .contains("the package has one for JDK 21.0.1+12")
                .contains("starting without it");
    }

    @Test
    void aCacheTrainedOnAnotherBuildOfThisJdkIsLeftOutAndTheFallbackIsSaid() throws Exception {
        String own = leyden() ? "app.aot" : "app-cds.jsa";
        Files.write(app.resolve(own), new byte[] {1, 2, 3});
        Files.writeString(app.resolve(own + ".jdk"), major(build(JAVA_HOME)) + ".0.0+1-training");
        Run r = launch(JAVA_HOME, Map.of());
        assertThat(startedWithoutACache(r))
                .isEqualTo("tally: the " + ownKind() + " was trained on JDK " + major(build(JAVA_HOME))
                        + ".0.0+1-training, this is JDK " + build(JAVA_HOME)
                        + ": starting without it (rebuild with -Paot on this JDK)");
    }

    @Test
    void aCacheTrainedForThePackageInAnotherDirectoryIsLeftOutAndSaysWhere() throws Exception {
        // a package copied elsewhere with its files' times: the JDK would take the cache, then fail on
        // the jars' sealed packages, so the launcher must not pass it
        String own = leyden() ? "app.aot" : "app-cds.jsa";
        Files.write(app.resolve(own), new byte[] {1, 2, 3});
        Files.writeString(app.resolve(own + ".jdk"), build(JAVA_HOME));
        Files.writeString(app.resolve(own + ".dir"), "/srv/build/target/quarkus-app");
        assertThat(startedWithoutACache(launch(JAVA_HOME, Map.of())))
                .isEqualTo("tally: the " + ownKind() + " was trained for the package in /srv/build/target/quarkus-app,"
                        + " this one is in " + app.toRealPath()
                        + ": starting without it (rebuild with -Paot where the package runs)");

        // a cache from before the directory was recorded is not trusted either
        Files.delete(app.resolve(own + ".dir"));
        assertThat(startedWithoutACache(launch(JAVA_HOME, Map.of())))
                .contains("trained for the package in a directory it does not record")
                .contains("starting without it");
    }

    @Test
    void anArchiveTrainedOnThisJdkIsUsed() throws Exception {
        Assumptions.assumeFalse(leyden(), "this JDK takes the AOT cache: see the JDK 25 case");
        train(JAVA_HOME, "-XX:ArchiveClassesAtExit=" + app.resolve("app-cds.jsa"));
        Files.writeString(app.resolve("app-cds.jsa.jdk"), build(JAVA_HOME));
        Files.writeString(app.resolve("app-cds.jsa.dir"), app.toRealPath().toString());
        // -Xshare:on: the JVM stops instead of running without the archive, so a run proves it was mapped
        Run r = launch(JAVA_HOME, Map.of("JAVA_OPTS", "-Xshare:on"));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("-XX:SharedArchiveFile=" + app.resolve("app-cds.jsa"));
        assertThat(r.err).isEmpty();
    }

    @Test
    void onJdk25AMatchingAotCacheIsUsedAndTheSameCacheIsLeftOutOnJdk17() throws Exception {
        Path jdk25 = jdk25OrLater();
        Assumptions.assumeTrue(
                jdk25 != null,
                System.getenv("TALLY_TEST_JDK25_HOME") != null
                        ? "TALLY_TEST_JDK25_HOME names no JDK (no bin/java in it)"
                        : "no JDK 25+ beside " + JAVA_HOME
                                + ": set TALLY_TEST_JDK25_HOME to one to run the AOT cache case");
        train(jdk25, "-XX:AOTCacheOutput=" + app.resolve("app.aot"));
        Files.writeString(app.resolve("app.aot.jdk"), build(jdk25));
        Files.writeString(app.resolve("app.aot.dir"), app.toRealPath().toString());
        // -XX:AOTMode=on: the JVM stops instead of running without the cache
        Run on25 = launch(jdk25, Map.of("JAVA_OPTS", "-XX:AOTMode=on"));
        assertThat(on25.exit).as(on25.err).isZero();
        assertThat(on25.out).contains("-XX:AOTCache=" + app.resolve("app.aot"));
        assertThat(on25.err).isEmpty();
        if (major(build(jdk25)) == 25) {
            assertThat(on25.out).contains("-XX:-AOTAdapterCaching");
        }

        Assumptions.assumeFalse(leyden(), "the tests run on JDK 25: no older JDK to check the fallback on");
        Run on17 = launch(JAVA_HOME, Map.of());
        assertThat(on17.exit).isZero();
        assertThat(on17.out).doesNotContain("AOTCache");
        assertThat(on17.errLines()).singleElement().asString().contains("the package has one for JDK " + build(jdk25));
    }

    @Test
    void withCapSysNiceTheJitRunsAheadOfTheThreadsThatServeCalls() throws Exception {
        Assumptions.assumeTrue(mayRaisePriority(), "this process lacks CAP_SYS_NICE: see the case without it");
        Run r = launch(JAVA_HOME, Map.of());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("-XX:ThreadPriorityPolicy=1");
        Nice nice = Nice.of(r.out);
        assertThat(nice.compilers()).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThan(nice.main()));
        assertThat(r.err).doesNotContain("ThreadPriorityPolicy");
    }

    @Test
    void withoutCapSysNiceThePolicyIsLeftOutSoTheJvmHasNothingToWarnAbout() throws Exception {
        List<String> without = List.of();
        if (mayRaisePriority()) {
            Assumptions.assumeTrue(Files.isExecutable(SETPRIV), "needs " + SETPRIV + " to drop CAP_SYS_NICE");
            // what a container without CAP_SYS_NICE gives the launcher, root or not
            without = List.of(SETPRIV.toString(), "--bounding-set=-sys_nice", "--inh-caps=-sys_nice");
        }
        Run r = launch(JAVA_HOME, Map.of(), without);
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("probe ran with").doesNotContain("ThreadPriorityPolicy");
        Nice nice = Nice.of(r.out);
        assertThat(nice.compilers()).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(nice.main()));
        assertThat(r.err).doesNotContain("ThreadPriorityPolicy").doesNotContain("warning");
    }

    @Test
    void aThreadPriorityPolicyInJavaOptsIsTheCallersAndLeftAsGiven() throws Exception {
        Run r = launch(JAVA_HOME, Map.of("JAVA_OPTS", "-XX:ThreadPriorityPolicy=0"));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("-XX:ThreadPriorityPolicy=0").doesNotContain("-XX:ThreadPriorityPolicy=1");
        Nice nice = Nice.of(r.out);
        assertThat(nice.compilers()).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(nice.main()));
    }

    @Test
    void whereTheKernelHandsOutHugePagesTheHeapAndTheJitsCodeUseThem() throws Exception {
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        Assumptions.assumeTrue(
                Files.isReadable(setting) && Files.readString(setting).matches("(?s).*\\[(madvise|always)].*"),
                "this kernel hands out no transparent huge pages: see the case where it never does");
        Run r = launch(JAVA_HOME, Map.of());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("-XX:+UseTransparentHugePages").contains("transparent huge pages true");
        assertThat(r.err).doesNotContain("warning");
    }

    @Test
    void whereTheKernelNeverHandsThemOutTheFlagIsLeftOutSoTheJvmHasNothingToWarnAbout() throws Exception {
        Path never = app.resolve("thp-never");
        Files.writeString(never, "always madvise [never]\n");
        Run r = launch(JAVA_HOME, Map.of("TALLY_LAUNCHER_THP_FILE", never.toString()));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("probe ran with").doesNotContain("TransparentHugePages");
        assertThat(r.out).contains("transparent huge pages false");
        assertThat(r.err).doesNotContain("warning");

        Path madvise = app.resolve("thp-madvise");
        Files.writeString(madvise, "always [madvise] never\n");
        Run offered = launch(JAVA_HOME, Map.of("TALLY_LAUNCHER_THP_FILE", madvise.toString()));
        assertThat(offered.out).contains("-XX:+UseTransparentHugePages");
    }

    @Test
    void aHugePageChoiceInJavaOptsIsTheCallersAndLeftAsGiven() throws Exception {
        Path madvise = app.resolve("thp-madvise");
        Files.writeString(madvise, "always [madvise] never\n");
        Run r = launch(
                JAVA_HOME,
                Map.of("JAVA_OPTS", "-XX:-UseTransparentHugePages", "TALLY_LAUNCHER_THP_FILE", madvise.toString()));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("-XX:-UseTransparentHugePages").doesNotContain("-XX:+UseTransparentHugePages");
        assertThat(r.out).contains("transparent huge pages false");
    }

    @Test
    void c2WaitsForThreeTimesTheJdksDefaultCalls() throws Exception {
        Run r = launch(JAVA_HOME, Map.of());
        assertThat(r.exit).as(r.err).isZero();
        // the JDK's defaults are 5000 600 15000 40000 (JDK 17 and 25 alike)
        assertThat(r.out).contains("C2 thresholds 15000 1800 45000 120000");
        assertThat(r.err).doesNotContain("warning");
    }

    @Test
    void c2ThresholdsInJavaOptsAreTheCallersAndLeftAsGiven() throws Exception {
        Run r = launch(JAVA_HOME, Map.of("JAVA_OPTS", "-XX:Tier4InvocationThreshold=7000"));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("C2 thresholds 7000 600 15000 40000");
    }

    @Test
    void onJdk25TheGatewaysMethodsAreRecompiledAfterATrapAndNettysEventLoopEarlyQuietly() throws Exception {
        for (String build : List.of("25.0.3+9-standin", "26.0.1+4-standin")) {
            Run r = launch(jdkReporting(build), Map.of());
            assertThat(r.exit).as(r.err).isZero();
            // read back from the JVM: the commands it took, for the gateway's package and its subpackages
            // and for Netty's event loops' run() alone
            assertThat(r.out)
                    .as(build)
                    .contains("compile commands [quiet CompileThresholdScaling,dev.tally.gateway.*::*,0.01"
                            + " CompileThresholdScaling,io.netty.channel.epoll.EpollEventLoop::run,0.05"
                            + " CompileThresholdScaling,io.netty.channel.nio.NioEventLoop::run,0.05]");
            // without "quiet" the JVM prints "CompileCommand: CompileThresholdScaling ..." at every start
            assertThat(r.out).doesNotContain("CompileCommand:");
            assertThat(r.err).doesNotContain("warning");
        }
    }

    @Test
    void onJdk17TheGatewaysMethodsKeepTheJdksThresholds() throws Exception {
        Run r = launch(JAVA_HOME, Map.of());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("compile commands []");
    }

    @Test
    void aCompileThresholdScalingInJavaOptsIsTheCallersAndLeftAsGiven() throws Exception {
        Run r = launch(jdkReporting("25.0.3+9-standin"), Map.of("JAVA_OPTS", "-XX:CompileThresholdScaling=2"));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("compile commands []").contains("-XX:CompileThresholdScaling=2");
    }

    @Test
    void onJdk25WithItsCacheTheAdaptersAreLeftOutOfTheCacheUnlessJavaOptsSaysOtherwise() throws Exception {
        for (String build : List.of("25.0.3+9-standin", "26.0.1+4-standin")) {
            Path jdk = jdkReporting(build);
            Files.write(app.resolve("app.aot"), new byte[] {1, 2, 3});
            Files.writeString(app.resolve("app.aot.jdk"), build);
            Files.writeString(app.resolve("app.aot.dir"), app.toRealPath().toString());
            Map<String, String> dryRun = Map.of("TALLY_LAUNCHER_DRY_RUN", "1");
            String cmd = launch(jdk, dryRun).out;
            assertThat(cmd).contains("-XX:AOTCache=" + app.resolve("app.aot"));
            if (build.startsWith("25.")) {
                assertThat(cmd).contains("-XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching");
            } else {
                assertThat(cmd).as(build).doesNotContain("AOTAdapterCaching");
            }
            Map<String, String> own = Map.of("TALLY_LAUNCHER_DRY_RUN", "1", "JAVA_OPTS", "-XX:+AOTAdapterCaching");
            assertThat(launch(jdk, own).out).doesNotContain("-AOTAdapterCaching");
        }
        // without its cache the JVM has no adapters to link back
        Files.delete(app.resolve("app.aot"));
        Files.delete(app.resolve("app.aot.jdk"));
        String plain = launch(jdkReporting("25.0.3+9-standin"), Map.of("TALLY_LAUNCHER_DRY_RUN", "1")).out;
        assertThat(plain).contains("quarkus-run.jar").doesNotContain("AOTAdapterCaching");
    }

    @Test
    void onJdk25AGatewayOnlyInstanceOnTwoOrThreeCpusGetsASecondC2Thread() throws Exception {
        for (String cpus : List.of("2", "3")) {
            Run r = launch(
                    jdkReporting("25.0.0+0-standin"), Map.of("TALLY_ROLES", "gateway", "TALLY_LAUNCHER_CPUS", cpus));
            assertThat(r.exit).as(r.err).isZero();
            // one C1 and two C2 threads; the JDK's own count below 4 CPUs is 2, one of each
            assertThat(r.out).as(cpus).contains("-XX:CICompilerCount=3").contains("compiler threads at most 3");
            assertThat(r.err).doesNotContain("warning");
        }
    }

    @Test
    void otherRolesLargerMachinesAndJdk17KeepTheJdksCompilerThreads() throws Exception {
        Path jdk25 = jdkReporting("25.0.0+0-standin");
        for (Map<String, String> env : List.of(
                Map.of("TALLY_LAUNCHER_CPUS", "2"),
                Map.of("TALLY_ROLES", "gateway,aggregator", "TALLY_LAUNCHER_CPUS", "2"),
                Map.of("TALLY_ROLES", "dashboard", "TALLY_LAUNCHER_CPUS", "2"),
                Map.of("TALLY_ROLES", "gateway", "TALLY_LAUNCHER_CPUS", "4"),
                Map.of("TALLY_ROLES", "gateway", "TALLY_LAUNCHER_CPUS", "1"))) {
            Run r = launch(jdk25, env);
            assertThat(r.exit).as(r.err).isZero();
            assertThat(r.out).as(env.toString()).contains("probe ran with").doesNotContain("CICompilerCount");
        }
        Run on17 =
                launch(jdkReporting("17.0.15+6-standin"), Map.of("TALLY_ROLES", "gateway", "TALLY_LAUNCHER_CPUS", "2"));
        assertThat(on17.exit).as(on17.err).isZero();
        assertThat(on17.out).contains("probe ran with").doesNotContain("CICompilerCount");
    }

    @Test
    void aContainersCpuQuotaIsTheCpuCountAsTheJvmReadsIt() throws Exception {
        Path jdk25 = jdkReporting("25.0.0+0-standin");
        // cgroup v2's cpu.max and v1's quota and period, at the root a container sees; rounded up
        record Case(String nproc, String v2, String v1Quota, boolean secondC2Thread) {}
        for (Case c : List.of(
                new Case("16", "200000 100000", null, true),
                new Case("16", "150000 100000", null, true),
                new Case("16", "max 100000", null, false),
                new Case("2", "800000 100000", null, true),
                new Case("16", "50000 100000", null, false),
                new Case("16", null, "300000", true),
                new Case("16", null, "-1", false))) {
            Path root = Files.createTempDirectory(jdks, "cgroup-");
            if (c.v2() != null) {
                Files.writeString(root.resolve("cpu.max"), c.v2() + "\n");
            } else {
                Files.createDirectories(root.resolve("cpu"));
                Files.writeString(root.resolve("cpu/cpu.cfs_quota_us"), c.v1Quota() + "\n");
                Files.writeString(root.resolve("cpu/cpu.cfs_period_us"), "100000\n");
            }
            Run r = launch(
                    jdk25,
                    Map.of(
                            "TALLY_ROLES",
                            "gateway",
                            "TALLY_LAUNCHER_CPUS",
                            c.nproc(),
                            "TALLY_LAUNCHER_CGROUP_ROOT",
                            root.toString()));
            assertThat(r.exit).as(r.err).isZero();
            if (c.secondC2Thread()) {
                assertThat(r.out).as(c.toString()).contains("-XX:CICompilerCount=3");
            } else {
                assertThat(r.out).as(c.toString()).contains("probe ran with").doesNotContain("CICompilerCount");
            }
        }
    }

    @Test
    void aCompilerCountInJavaOptsIsTheCallersAndLeftAsGiven() throws Exception {
        Run r = launch(
                jdkReporting("25.0.0+0-standin"),
                Map.of("TALLY_ROLES", "gateway", "TALLY_LAUNCHER_CPUS", "2", "JAVA_OPTS", "-XX:CICompilerCount=2"));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).doesNotContain("-XX:CICompilerCount=3").contains("compiler threads at most 2");
    }

    /**
     * A JDK home whose release file reports {@code build} (the launcher reads the JDK's build from
     * it), its {@code bin/java} running this JVM's own java: the launcher's choice for that build,
     * taken by a real JVM.
     */
    private Path jdkReporting(String build) throws IOException {
        Path home = jdks.resolve(build);
        Path java = home.resolve("bin").resolve("java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\nexec '" + JAVA_HOME.resolve("bin").resolve("java") + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Files.writeString(home.resolve("release"), "JAVA_RUNTIME_VERSION=\"" + build + "\"\n");
        return home;
    }

    /** CAP_SYS_NICE (bit 23) in this process' effective capabilities, which the launcher inherits. */
    private static boolean mayRaisePriority() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:"))
                .map(l -> new BigInteger(l.substring("CapEff:".length()).trim(), 16))
                .anyMatch(caps -> caps.testBit(23));
    }

    /** The probe's "compiler threads at nice [..], main thread at nice n" line. */
    private record Nice(List<Integer> compilers, int main) {
        static Nice of(String out) {
            Matcher m = Pattern.compile("compiler threads at nice \\[([-0-9, ]*)\\], main thread at nice (-?\\d+)")
                    .matcher(out);
            assertThat(m.find()).as(out).isTrue();
            List<Integer> compilers = m.group(1).isBlank()
                    ? List.of()
                    : Arrays.stream(m.group(1).split(", "))
                            .map(Integer::valueOf)
                            .toList();
            return new Nice(compilers, Integer.parseInt(m.group(2)));
        }
    }

    /** Asserts that the probe ran with neither cache's flag and one line said why; returns that line. */
    private static String startedWithoutACache(Run r) {
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out)
                .contains("probe ran with")
                .doesNotContain("SharedArchiveFile")
                .doesNotContain("AOTCache");
        assertThat(r.errLines()).as(r.err).hasSize(1);
        return r.errLines().get(0);
    }

    private record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Run launch(Path javaHome, Map<String, String> env, String... args) throws Exception {
        return launch(javaHome, env, List.of(), args);
    }

    /** Runs the launcher, after {@code prefix} (a command that runs the rest) when one is given. */
    private Run launch(Path javaHome, Map<String, String> env, List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("TALLY_ROLES");
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("TALLY_APP_DIR", app.toString());
        // no CPU quota unless a case gives one: this machine's own cgroup stays out of the cases
        pb.environment()
                .put("TALLY_LAUNCHER_CGROUP_ROOT", jdks.resolve("no-cgroup").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    /** A training run of the probe, as the AOT build does for Tally. */
    private void train(Path javaHome, String flag) throws Exception {
        Process p = new ProcessBuilder(
                        javaHome.resolve("bin/java").toString(),
                        flag,
                        "-jar",
                        app.resolve("quarkus-run.jar").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** The exact JDK build, as the launcher and the training read it (the release file). */
    private static String build(Path javaHome) throws IOException {
        try {
            return JdkBuild.of(javaHome.resolve("bin").resolve("java"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * The JDK 25+ to train and run the AOT cache with: {@code TALLY_TEST_JDK25_HOME} when set, else
     * the first JDK 25+ installed beside the one running the tests (as Debian's packages and
     * Temurin's put them in {@code /usr/lib/jvm}), so that the suite on a machine with both, such
     * as CI's, runs this case without a setting; {@code null} when there is none.
     */
    private static Path jdk25OrLater() throws IOException {
        String home = System.getenv("TALLY_TEST_JDK25_HOME");
        if (home != null) {
            Path given = Path.of(home);
            return Files.isExecutable(given.resolve("bin").resolve("java")) ? given : null;
        }
        Path beside = JAVA_HOME.toRealPath().getParent();
        if (beside == null) {
            return null;
        }
        try (var jdks = Files.list(beside)) {
            for (Path jdk : jdks.sorted().toList()) {
                Path release = jdk.resolve("release");
                if (!Files.isExecutable(jdk.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
                    continue;
                }
                try {
                    if (major(build(jdk)) >= 25) {
                        return jdk;
                    }
                } catch (IOException | RuntimeException e) {
                    // not a JDK whose build this can read: not the one to use
                }
            }
        }
        return null;
    }

    /** True when the JDK running the tests takes the AOT cache (25+) rather than AppCDS. */
    private static boolean leyden() throws IOException {
        return major(build(JAVA_HOME)) >= 25;
    }

    private static String ownKind() throws IOException {
        return leyden() ? "AOT cache" : "AppCDS archive";
    }

    private static int major(String build) {
        return JdkBuild.major(build);
    }
}
