package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.ChainStep;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.RuleCatalog;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer 3: attack chains — ordered steps per (source, target) within a window. Reaching a later
 * step gives more confidence than any single indicator; the steps seen go into the alert. State is
 * a progress index and the step times per chain per pair, in a bounded LRU map.
 */
final class ChainLayer {

    /**
     * A chain: its attack type, name, the steps (each a set of {@link Step}s as a mask) and the catalog
     * rule each step raises ({@code <name>_step<N>}); a null rule is a step that only records progress.
     */
    record Def(AttackType type, String name, long[] steps, Rule[] rules) {
    }

    /**
     * A chain definition whose steps raise the catalog rules {@code <name>_step<N>}; when
     * {@code silentFirst} the first step only records progress (no finding of its own).
     */
    private static Def def(AttackType type, String name, boolean silentFirst, long... steps) {
        RuleCatalog c = RuleCatalog.builtin();
        Rule[] rules = new Rule[steps.length];
        for (int i = silentFirst ? 1 : 0; i < steps.length; i++) {
            rules[i] = c.require(name + "_step" + (i + 1));
            if (rules[i].attackType() != type) {
                throw new IllegalStateException("rule " + rules[i].name() + " is not of attack type " + type.id());
            }
        }
        return new Def(type, name, steps, rules);
    }

    /** The steps of one chain seen on one pair, as handed to the engine when the chain advanced. */
    record Progress(Def def, List<ChainStep> steps) {
    }

    /**
     * (source, target). The engine thread reuses one instance as a lookup probe; keys stored in the
     * map are fresh copies and never change.
     */
    static final class PairKey {
        InetAddress source;
        InetAddress target;

        PairKey(InetAddress source, InetAddress target) {
            this.source = source;
            this.target = target;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PairKey k && k.source.equals(source) && java.util.Objects.equals(k.target, target);
        }

        @Override
        public int hashCode() {
            return source.hashCode() * 31 + (target == null ? 0 : target.hashCode());
        }
    }

    private static final class PairState {
        final int[] progress = new int[DEFS.size()];
        final long[][] times = new long[DEFS.size()][];
        final Step[][] matched = new Step[DEFS.size()][];
    }

    private static long any(Step... s) {
        long m = 0;
        for (Step x : s) {
            m |= x.bit;
        }
        return m;
    }

    /** The chains of INDICATORS.md §2. */
    static final List<Def> DEFS = List.of(
            def(AttackType.PSEXEC, "psexec_chain", false, any(Step.ADMIN_SHARE, Step.EXE_ON_ADMIN),
                    any(Step.SERVICE_CREATE), any(Step.PSEXEC_PIPE)),
            def(AttackType.SECRETSDUMP, "secretsdump_chain", false, any(Step.SMB_SESSION, Step.IPC_SHARE,
                    Step.ADMIN_SHARE, Step.REMOTE_REGISTRY_SVC), any(Step.WINREG), any(Step.SECRET_KEYS, Step.TEMP_TMP)),
            def(AttackType.SMBEXEC, "smbexec_chain", false, any(Step.SMB_SESSION, Step.C_SHARE, Step.IPC_SHARE,
                    Step.ADMIN_SHARE), any(Step.SMBEXEC_SERVICE), any(Step.OUTPUT_READ)),
            def(AttackType.WMIEXEC, "wmiexec_chain", false, any(Step.DCOM_ACTIVATION),
                    any(Step.WMI_LOGIN, Step.WMI_EXEC), any(Step.WMI_EXEC, Step.OUTPUT_READ)),
            def(AttackType.DCOMEXEC, "dcomexec_chain", false, any(Step.DCOM_ACTIVATION), any(Step.DISPATCH_EXEC),
                    any(Step.OUTPUT_READ)),
            def(AttackType.ATEXEC, "atexec_chain", false, any(Step.TASK_REGISTER), any(Step.TASK_RUN),
                    any(Step.TEMP_TMP)),
            def(AttackType.DCSYNC, "dcsync_chain", true, any(Step.DRS_LOOKUP), any(Step.DRS_REPLICATE)),
            def(AttackType.PASS_THE_HASH, "pass_the_hash_chain", false, any(Step.IMPACKET_NTLM),
                    any(Step.ADMIN_SHARE, Step.C_SHARE, Step.SERVICE_CREATE, Step.WINREG)),
            // The Impacket client followed by a technique's first move: when the target refuses the
            // technique early (no task, no DCOM server, service creation denied) this is all the wire
            // shows. The first step alone is no finding (confidence 0); the fingerprint has its own type.
            def(AttackType.ATEXEC, "impacket_atexec_chain", true, any(Step.IMPACKET_NTLM),
                    any(Step.ATSVC_PIPE, Step.TASK_REGISTER)),
            def(AttackType.WMIEXEC, "impacket_dcom_chain", true, any(Step.IMPACKET_NTLM),
                    any(Step.DCOM_BIND, Step.DCOM_ACTIVATION)),
            def(AttackType.SERVICE_MANIPULATION, "impacket_services_chain", true, any(Step.IMPACKET_NTLM),
                    any(Step.SERVICE_ENUM, Step.SERVICE_CREATE), any(Step.SERVICE_CREATE)),
            // reg.py: RemoteRegistry checked over SVCCTL (or the Impacket client), then winreg. At the
            // winreg step this outweighs secretsdump's step 2 (0.7), so plain registry access is named
            // remote_registry; secretsdump still follows once the secrets are touched.
            def(AttackType.REMOTE_REGISTRY, "remote_registry_chain", true, any(Step.REMOTE_REGISTRY_SVC,
                    Step.IMPACKET_NTLM), any(Step.WINREG)),
            def(AttackType.SILVER_TICKET, "impacket_silver_chain", true, any(Step.IMPACKET_SMB),
                    any(Step.AP_REQ_NT_PRINCIPAL)),
            // A service created, started and deleted within the window: how PsExec-style tools (Metasploit,
            // Empire, Impacket) run one payload; visible even when the SVCCTL stubs are sealed (opnums are not).
            def(AttackType.PSEXEC, "service_exec_chain", true, any(Step.SERVICE_CREATE),
                    any(Step.SERVICE_START), any(Step.SERVICE_DELETE)),
            def(AttackType.SAMR_ENUMERATION, "impacket_samr_chain", true, any(Step.IMPACKET_NTLM),
                    any(Step.SAMR_ENUM_USERS)),
            // GetUserSPNs / Rubeus: the SPN-bearing accounts are listed over LDAP, then their RC4 tickets
            // are asked from the same DC. One RC4 ticket for a service account alone is ordinary.
            def(AttackType.KERBEROASTING, "kerberoast_chain", true, any(Step.LDAP_SPN_QUERY),
                    any(Step.RC4_USER_TICKET)),
            // Service DLL hijack (Empire/Covenant "service_dll_hijack"): a DLL dropped into the target's
            // System32 over C$/ADMIN$, then a service stopped or started there so it loads the DLL as
            // SYSTEM. Visible when SVCCTL is sealed: the opnums are not.
            def(AttackType.SERVICE_MANIPULATION, "service_dll_hijack_chain", false, any(Step.SYSTEM_DLL_WRITE),
                    any(Step.SERVICE_STOP, Step.SERVICE_START)),
            // net group "Domain Admins" /domain, SharpHound's local-admin collection: a privileged group
            // opened by RID, then its members listed.
            def(AttackType.SAMR_ENUMERATION, "samr_privileged_group_chain", true, any(Step.SAMR_OPEN_PRIV_GROUP),
                    any(Step.SAMR_GROUP_MEMBERS)),
            // net user NAME /domain, PowerView Get-NetUser over SAMR: one domain account opened on a DC,
            // then its group memberships read (T1087.002, T1069.002). Windows logons take groups from the
            // PAC and domain joins open only their own machine account to set its password: neither
            // reads a user's groups over SAMR. With the anomaly layer's 0.3 for SamrGetGroupsForUser on a DC
            // this combines to about 0.5: alert level, below a listing of every account (0.55).
            def(AttackType.SAMR_ENUMERATION, "samr_account_lookup_chain", true, any(Step.SAMR_OPEN_DOMAIN_USER),
                    any(Step.SAMR_USER_GROUPS)),
            // secretsdump's extraction made visible: a hive saved to a file (BaseRegSaveKey) or NTDS.DIT
            // copied from a shadow copy, then that Temp\<8>.tmp file read back over the admin share.
            // The specification scores evidenced hive/NTDS extraction 1.0 (critical).
            def(AttackType.SECRETSDUMP, "secret_extraction_chain", true, any(Step.SECRETS_SAVED),
                    any(Step.TEMP_TMP)));

    private static final Step[] STEPS = Step.values();

    private final LruMap<PairKey, PairState> pairs;
    private final PairKey probe = new PairKey(null, null);
    private final long windowNanos;

    ChainLayer(int maxPairs, long windowSeconds) {
        this.pairs = new LruMap<>(maxPairs);
        this.windowNanos = windowSeconds * 1_000_000_000L;
    }

    /** Advances the chains this event is a step of; adds a finding per chain that advanced. */
    void analyse(long stepMask, InetAddress source, InetAddress target, long now, Evidence e) {
        if (stepMask == 0) {
            return;
        }
        probe.source = source;
        probe.target = target;
        PairState st = pairs.get(probe);
        if (st == null) {
            st = new PairState();
            pairs.put(new PairKey(source, target), st);
        }
        for (int c = 0; c < DEFS.size(); c++) {
            Def d = DEFS.get(c);
            int p = st.progress[c];
            if (p > 0 && now - st.times[c][0] > windowNanos) {
                p = 0;
                st.progress[c] = 0;
            }
            if (p == d.steps().length) {
                continue;
            }
            long hit = stepMask & d.steps()[p];
            if (hit == 0) {
                continue;
            }
            if (st.times[c] == null) {
                st.times[c] = new long[d.steps().length];
                st.matched[c] = new Step[d.steps().length];
            }
            st.times[c][p] = now;
            st.matched[c][p] = STEPS[Long.numberOfTrailingZeros(hit)];
            st.progress[c] = p + 1;
            Rule rule = d.rules()[p];
            if (rule == null) {
                // A zero-confidence step (the Impacket client seen, the first service call) only
                // records progress: no finding, no indicator, no chain in this event's alert.
                continue;
            }
            List<ChainStep> steps = new ArrayList<>(p + 1);
            for (int i = 0; i <= p; i++) {
                steps.add(new ChainStep(st.times[c][i], st.matched[c][i].label));
            }
            e.add(rule, "Attack chain " + d.type().id() + " step " + (p + 1) + "/" + d.steps().length + ": "
                    + st.matched[c][p].label);
            if (e.chainCount < e.chains.length) {
                e.chains[e.chainCount++] = new Progress(d, List.copyOf(steps));
            }
        }
    }

    int size() {
        return pairs.size();
    }
}
