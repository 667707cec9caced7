package dev.tally.platform;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Stands in for quarkus-run.jar in {@link LauncherTest}: says it ran, with which JVM flags, and at
 * which nice values its JIT compiler threads and its own thread run (from {@code /proc}), and whether
 * the JVM took transparent huge pages (it turns the flag off, with a warning, where the kernel has none),
 * and the call counts after which C2 compiles a method (the Tier4 thresholds), how many compiler
 * threads the JIT may run, and the compile commands it took.
 */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) throws IOException {
        System.out.println("probe ran with ["
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()) + "] args ["
                + String.join(" ", args) + "]");
        TreeSet<Integer> compilers = new TreeSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat = stat(task);
                if (stat != null && comm(stat).matches("C[12] CompilerThre.*")) {
                    compilers.add(nice(stat));
                }
            }
        }
        System.out.println("compiler threads at nice " + compilers + ", main thread at nice "
                + nice(stat(Path.of("/proc/thread-self"))));
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println("transparent huge pages "
                + vm.getVMOption("UseTransparentHugePages").getValue());
        System.out.println(
                "C2 thresholds " + vm.getVMOption("Tier4InvocationThreshold").getValue() + " "
                        + vm.getVMOption("Tier4MinInvocationThreshold").getValue() + " "
                        + vm.getVMOption("Tier4CompileThreshold").getValue() + " "
                        + vm.getVMOption("Tier4BackEdgeThreshold").getValue());
        System.out.println(
                "compiler threads at most " + vm.getVMOption("CICompilerCount").getValue());
        System.out.println("compile commands ["
                + vm.getVMOption("CompileCommand").getValue().replace('\n', ' ') + "]");
    }

    private static String stat(Path task) {
        try {
            return Files.readString(task.resolve("stat"));
        } catch (IOException gone) { // a thread that ended meanwhile
            return null;
        }
    }

    /** proc(5): "pid (comm) state ..."; comm may hold spaces and parentheses, so up to the last ')'. */
    private static String comm(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** Field 19 of proc(5)'s stat; the fields after comm start at field 3 (state). */
    private static int nice(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[19 - 3]);
    }
}
