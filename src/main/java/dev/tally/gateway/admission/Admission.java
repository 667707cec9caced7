package dev.tally.gateway.admission;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.tally.gateway.Api;

/**
 * The one place a call can be refused: every {@link AdmissionCheck} bean, run in order, phase by
 * phase, the first refusal wins. The chains are sorted once per API at start-up, so a call walks a
 * plain array: no iterator, no allocation while it is admitted.
 */
@Singleton // no client proxy: called on every gateway request
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);

    /** Checks by phase, then by {@link Api#ordinal()}, in order. */
    private final AdmissionCheck[][][] chains;

    @Inject
    public Admission(Instance<AdmissionCheck> beans) {
        this(beans.stream().toList());
    }

    Admission(List<AdmissionCheck> checks) {
        List<AdmissionCheck> sorted = new ArrayList<>(checks);
        sorted.sort(Comparator.comparingInt(AdmissionCheck::order)
                .thenComparing(c -> c.getClass().getName()));
        AdmissionCheck.Phase[] phases = AdmissionCheck.Phase.values();
        Api[] apis = Api.values();
        chains = new AdmissionCheck[phases.length][apis.length][];
        for (AdmissionCheck.Phase phase : phases) {
            for (Api api : apis) {
                chains[phase.ordinal()][api.ordinal()] = sorted.stream()
                        .filter(c -> c.phase() == phase && c.appliesTo(api))
                        .toArray(AdmissionCheck[]::new);
            }
            LOG.infof("gateway admission, %s: %s", phase, names(chains[phase.ordinal()][Api.MESSAGES.ordinal()]));
        }
    }

    /** Runs the checks that need only the headers; null = admitted so far. */
    public Refusal preBody(PendingCall call) {
        return run(chains[AdmissionCheck.Phase.PRE_BODY.ordinal()][call.api().ordinal()], call);
    }

    /** Runs the checks that need the parsed body; null = admitted. */
    public Refusal postBody(PendingCall call) {
        return run(chains[AdmissionCheck.Phase.POST_BODY.ordinal()][call.api().ordinal()], call);
    }

    /** The checks of a phase for an API, in the order they run (for the docs and tests). */
    public List<String> chain(AdmissionCheck.Phase phase, Api api) {
        return names(chains[phase.ordinal()][api.ordinal()]);
    }

    private static Refusal run(AdmissionCheck[] chain, PendingCall call) {
        for (int i = 0; i < chain.length; i++) {
            Refusal r = chain[i].check(call);
            if (r != null) {
                return r;
            }
        }
        return AdmissionCheck.PASS;
    }

    private static List<String> names(AdmissionCheck[] chain) {
        List<String> out = new ArrayList<>(chain.length);
        for (AdmissionCheck c : chain) {
            out.add(c.getClass().getSimpleName());
        }
        return out;
    }
}
