import java.util.Arrays;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads, over JMX, every Yammer histogram and timer the embedded Kafka broker registers (request
 * metrics and the like) and prints how many there are, how many have samples, and the sum of
 * min(count, 1028): what their exponentially decaying reservoirs hold (1,028 samples at most each,
 * one ConcurrentSkipListMap entry with a Double key per sample). Used by bench/reservoirs.sh.
 *
 * <pre>java bench/lib/BrokerReservoirs.java &lt;jmx port&gt;</pre>
 */
public class BrokerReservoirs {

    private static final int RESERVOIR = 1028;

    public static void main(String[] args) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + args[0] + "/jmxrmi");
        try (JMXConnector c = JMXConnectorFactory.connect(url)) {
            MBeanServerConnection s = c.getMBeanServerConnection();
            long histograms = 0, used = 0, counts = 0, held = 0;
            for (ObjectName n : s.queryNames(null, null)) {
                if (!n.getDomain().startsWith("kafka")) {
                    continue;
                }
                boolean sampled = Arrays.stream(s.getMBeanInfo(n).getAttributes())
                        .anyMatch(a -> a.getName().equals("50thPercentile"));
                if (!sampled) {
                    continue;
                }
                long count = ((Number) s.getAttribute(n, "Count")).longValue();
                histograms++;
                counts += count;
                held += Math.min(count, RESERVOIR);
                if (count > 0) {
                    used++;
                }
            }
            System.out.printf(
                    "broker histograms %d, with samples %d (bound %d), samples taken %d, held min(count,%d) %d%n",
                    histograms, used, used * RESERVOIR, counts, RESERVOIR, held);
        }
    }
}
