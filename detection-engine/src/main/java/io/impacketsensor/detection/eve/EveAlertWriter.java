package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.detection.model.Analysis;
import io.impacketsensor.detection.model.ChainStep;
import io.impacketsensor.detection.model.RuleHit;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.engine.AlertSink;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Writes alerts (and engine statistics) as EVE JSON lines in Suricata's layout (ARCHITECTURE §6),
 * streamed with one reused {@link JsonGenerator}. The alert's source is the attacker: when the
 * attacker was the flow's server (an Impacket SMB server, a relay host), source and destination are
 * swapped from the flow's. Schema: {@code schema/eve.schema.json}.
 */
public final class EveAlertWriter implements AlertSink, AutoCloseable {
    private final JsonGenerator g;
    private final OutputStream out;
    /** True while blocks reach a packet filter (live with nftables enforcement working). */
    private volatile BooleanSupplier enforcing = () -> false;

    /** A writer that flushes {@code out} after each alert, so every alert reaches it at once. */
    public EveAlertWriter(OutputStream out) {
        this(out, true);
    }

    /**
     * @param flushEach false when the caller flushes {@code out} itself ({@link #flush()} or its own):
     *                  each alert's bytes are then handed to {@code out} without flushing it, and a
     *                  buffered stream writes many alerts at once
     */
    public EveAlertWriter(OutputStream out, boolean flushEach) {
        this.out = out;
        try {
            // The generator keeps the quoted form of the alert's constant field names.
            this.g = EveJson.generator(out);
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.configure(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM, flushEach);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Tells the writer whether blocks are enforced right now (nftables set in place, no failure);
     * without it every alert says {@code allowed}, as nothing stops the traffic.
     */
    public void enforcement(BooleanSupplier enforcing) {
        this.enforcing = enforcing;
    }

    @Override
    public void accept(Alert alert) {
        try {
            write(alert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(Alert a) throws IOException {
        Analysis an = a.analysis();
        EventHeader h = a.header();
        EveJson.NameKeeping k = (EveJson.NameKeeping) g;
        EveCommon.FlowText t = k.flowText(h);
        boolean swapped = an.sourceIp() != null && !an.sourceIp().equals(t.client.getValue())
                && an.sourceIp().equals(t.server.getValue());
        g.writeStartObject();
        EveCommon.writeTimestamp(g, "timestamp", h.timestampNanos());
        g.writeNumberField("flow_id", t.flowId);
        g.writeFieldName("event_type");
        k.writeKept("alert");
        g.writeFieldName("src_ip");
        g.writeString(swapped ? t.server : t.client);
        g.writeNumberField("src_port", swapped ? h.serverPort() : h.clientPort());
        g.writeFieldName("dest_ip");
        g.writeString(swapped ? t.client : t.server);
        g.writeNumberField("dest_port", swapped ? h.clientPort() : h.serverPort());
        g.writeFieldName("proto");
        k.writeKept(h.transport().name());
        g.writeFieldName("community_id");
        // The same whichever side is the source. Written from its text: the flows of alerts are many
        // and their alerts few, and the quoted form would be made for about one write.
        g.writeString(t.communityId.getValue());
        if (a.appProto() != null && !a.appProto().isEmpty()) {
            g.writeFieldName("app_proto");
            k.writeKept(a.appProto());
        }
        g.writeObjectFieldStart("alert");
        // Suricata's alert.action says what happened to the traffic: "blocked" only when a packet
        // filter enforces the block; the engine's own decision is impacket.action.
        kept("action", an.blocked() && enforcing.getAsBoolean() ? "blocked" : "allowed");
        g.writeNumberField("gid", 1);
        // The strongest contributing rule names the alert (Suricata's one-rule-one-sid); the attack
        // type's own id and text remain for an alert no rule led.
        RuleHit top = an.strongestRule();
        g.writeNumberField("signature_id", top != null ? top.sid() : an.attackType().signatureId());
        g.writeNumberField("rev", top != null ? top.rev() : 1);
        kept("signature", top != null ? top.msg() : an.attackType().signature());
        kept("category", an.attackType().category());
        g.writeNumberField("severity", an.severity().eveSeverity());
        g.writeObjectFieldStart("metadata");
        keptArray("mitre_technique_id", an.mitreTechniques());
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectFieldStart("impacket");
        kept("attack_type", an.attackType().id());
        g.writeNumberField("confidence", an.confidence());
        kept("severity", an.severity().id());
        g.writeNumberField("severity_score", an.severityScore());
        kept("action", an.action().id());
        g.writeNumberField("instance_id", an.instanceId());
        g.writeNumberField("revision", a.revision());
        EveCommon.writeTimestamp(g, "first_seen", a.firstSeenNanos());
        g.writeNumberField("event_count", a.eventCount());
        if (an.tool() != null) {
            kept("tool", an.tool());
        }
        // An instance's indicators are the same strings in each of its alerts (its revisions): kept
        // once seen, like the constants, while the table has room.
        keptArray("indicators", an.indicators());
        keptArray("matched_signatures", an.matchedSignatures());
        keptArray("recommendations", an.recommendations());
        g.writeArrayFieldStart("rules");
        // Lists by index here and below: a for-each makes an iterator per list under C1, and an
        // alert writes six lists.
        List<RuleHit> rules = an.rules();
        for (int i = 0; i < rules.size(); i++) {
            RuleHit r = rules.get(i);
            g.writeStartObject();
            g.writeNumberField("sid", r.sid());
            g.writeNumberField("rev", r.rev());
            kept("name", r.name());
            g.writeNumberField("confidence", r.confidence());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("chain");
        List<ChainStep> chain = an.chain();
        for (int i = 0; i < chain.size(); i++) {
            ChainStep s = chain.get(i);
            g.writeStartObject();
            EveCommon.writeTimestamp(g, "timestamp", s.timestampNanos());
            kept("step", s.step());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.flush();
        out.write('\n');
    }

    /** Writes the engine's counters as an EVE {@code stats} record (section {@code detection}). */
    public void writeStats(long timestampNanos, Statistics s) {
        try {
            g.writeStartObject();
            g.writeStringField("timestamp", EveCommon.timestamp(timestampNanos));
            g.writeStringField("event_type", "stats");
            // Suricata's detect counters; the engine's own under the extension key.
            g.writeObjectFieldStart("stats");
            g.writeObjectFieldStart("detect");
            g.writeNumberField("alert", s.alertsEmitted());
            g.writeNumberField("alerts_suppressed", s.alertsSuppressed());
            g.writeEndObject();
            g.writeEndObject();
            EveCommon.startExtension(g);
            writeDetection(g, s);
            g.writeEndObject();
            g.writeEndObject();
            g.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the engine's counters as the field {@code "detection":{...}} of an open {@code stats}
     * object (the sensor's stats record embeds it next to the pipeline counters).
     */
    public static void writeDetection(JsonGenerator g, Statistics s) throws IOException {
        g.writeObjectFieldStart("detection");
        // total_events, attacks_detected, smb_attacks, kerberos_attacks, ntlm_relay_attempts and
        // secret_dumps are the specification's get_statistics() names.
        g.writeNumberField("total_events", s.totalEvents());
        g.writeNumberField("engine_events", s.engineEvents());
        g.writeNumberField("auth_attempts", s.authAttempts());
        g.writeNumberField("attacks_detected", s.attacksDetected());
        g.writeNumberField("smb_attacks", s.smbAttacks());
        g.writeNumberField("kerberos_attacks", s.kerberosAttacks());
        g.writeNumberField("ntlm_relay_attempts", s.ntlmRelayAttempts());
        g.writeNumberField("secret_dumps", s.secretDumps());
        g.writeNumberField("blocked_ips", s.blockedIps());
        g.writeNumberField("alerts_emitted", s.alertsEmitted());
        g.writeNumberField("alerts_suppressed", s.alertsSuppressed());
        g.writeNumberField("tracked_sources", s.trackedSources());
        g.writeNumberField("evicted_sources", s.evictedSources());
        g.writeNumberField("blocklist_evictions", s.blocklistEvictions());
        counts(g, "by_attack_type", s.byAttackType());
        counts(g, "by_action", s.byAction());
        counts(g, "dcs_learned", s.dcsLearned());
        g.writeNumberField("dc_promotions_refused", s.dcPromotionsRefused());
        g.writeNumberField("kdc_relays", s.kdcRelays());
        g.writeEndObject();
    }

    private static void counts(JsonGenerator g, String name, Map<String, Long> m) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, Long> en : m.entrySet()) {
            g.writeNumberField(en.getKey(), en.getValue());
        }
        g.writeEndObject();
    }

    /**
     * A field whose value is a string of the catalog or the model (a rule's message or name, an
     * attack type's id, a recommendation): written from the generator's kept form of that string.
     */
    private void kept(String name, String value) throws IOException {
        g.writeFieldName(name);
        ((EveJson.NameKeeping) g).writeKept(value);
    }

    /** As {@link #stringArray}, for strings of the catalog or the model ({@link #kept}). */
    private void keptArray(String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        EveJson.NameKeeping k = (EveJson.NameKeeping) g;
        for (int i = 0; i < values.size(); i++) {
            k.writeKept(values.get(i));
        }
        g.writeEndArray();
    }

    private void stringArray(String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    public void flush() throws IOException {
        g.flush();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        g.close();
        out.flush();
    }
}
