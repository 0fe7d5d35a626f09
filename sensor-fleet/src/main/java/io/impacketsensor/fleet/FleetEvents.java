package io.impacketsensor.fleet;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.engine.Alert;
import io.impacketsensor.detection.engine.KdcRelays;
import io.impacketsensor.detection.eve.EveCommon;
import io.impacketsensor.detection.model.ChainStep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The compact, typed detection events a sensor publishes for the fleet layers (schema
 * {@code fleet-event.schema.json}, version {@value #VERSION}): authentications with their outcome
 * and account, NTLM challenges and proofs as digests, Kerberos requests per account and SPN, chain
 * steps of the sensor's own alerts, and DC facts. Each is keyed by the entity the fleet state is
 * kept for ({@code entity}: {@code challenge:DIGEST}, {@code account:REALM\NAME}, {@code spn:NAME},
 * {@code source:IP}, {@code dc:IP}).
 *
 * <p>Secrets stay on the sensor: a challenge and an NTProofStr are published as the first 16 bytes
 * of their SHA-256, enough to match the two legs of a relay, not enough to crack a password
 * (NetNTLMv2 cracking needs the proof and the blob, MS-NLMP 3.3.2).
 *
 * <p>Runs on the events thread. Only authentication and Kerberos events produce a record (a few per
 * login, not per packet); the record is built in one reused buffer.
 */
public final class FleetEvents {
    /** Version of the event schema; a consumer ignores versions it does not know. */
    public static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();
    private static final HexFormat HEX = HexFormat.of();
    /** DC facts are published once per address; past this many DCs, once per address per restart is moot. */
    private static final int MAX_DC_FACTS = 4096;

    private final String sensor;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
    private final JsonGenerator g;
    private final MessageDigest sha256;
    private final Set<String> dcFacts = new LinkedHashSet<>();

    /** One built record: its key (the entity) and its JSON. */
    public record Built(String key, byte[] value) {
    }

    /** Hosts relaying Kerberos: their answers are no DC facts. */
    private final KdcRelays relays = new KdcRelays();

    public FleetEvents(String sensor) {
        this.sensor = sensor;
        try {
            this.g = JSON.createGenerator(buf, JsonEncoding.UTF8);
            g.setRootValueSeparator(null);
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * The fleet events of one sensor event, handed to {@code out} (none for most events: only
     * NTLM, Kerberos and LDAP binds carry authentication state).
     */
    public void of(SensorEvent e, java.util.function.BiConsumer<String, byte[]> out) {
        try {
            if (e instanceof NtlmEvent.NtlmChallenge c && c.serverChallenge() != null) {
                String digest = digest(c.serverChallenge());
                String entity = "challenge:" + digest;
                start("ntlm_challenge", entity, e.header());
                g.writeStringField("challenge", digest);
                g.writeStringField("server_domain", c.nbDomain());
                g.writeStringField("server_name", c.nbComputer());
                out.accept(entity, end());
            } else if (e instanceof NtlmEvent.NtlmAuthenticate a) {
                String account = account(a.domain(), a.user());
                String challenge = a.serverChallenge() != null ? digest(a.serverChallenge()) : null;
                String entity = challenge != null ? "challenge:" + challenge : "account:" + account;
                start("ntlm_auth", entity, e.header());
                g.writeStringField("account", account);
                g.writeBooleanField("anonymous", a.anonymous());
                g.writeNumberField("ntlm_version", a.ntlmVersion());
                outcome(a.status());
                if (challenge != null) {
                    g.writeStringField("challenge", challenge);
                }
                if (a.ntProofStr() != null) {
                    g.writeStringField("proof", digest(a.ntProofStr()));
                }
                g.writeStringField("workstation", a.workstation());
                g.writeStringField("target", a.avTargetName());
                out.accept(entity, end());
            } else if (e instanceof KerberosEvent.KerberosRequest r && (r.msgType() == 10 || r.msgType() == 12)) {
                relays.request(r);
                String account = r.cname() != null ? account(r.realm(), r.cname().toString()) : null;
                String spn = r.sname() != null ? r.sname().toString().toLowerCase(Locale.ROOT) : "";
                String entity = account != null ? "account:" + account : "spn:" + spn;
                start(r.msgType() == 10 ? "krb_as_request" : "krb_tgs_request", entity, e.header());
                if (account != null) {
                    g.writeStringField("account", account);
                }
                g.writeStringField("spn", spn);
                g.writeBooleanField("preauth", r.padataTypes().contains(2)); // PA-ENC-TIMESTAMP, RFC 4120 5.2.7.2
                g.writeArrayFieldStart("etypes");
                for (int t : r.etypes()) {
                    g.writeNumber(t);
                }
                g.writeEndArray();
                out.accept(entity, end());
            } else if (e instanceof KerberosEvent.KerberosReply r) {
                dcFact(r, out);
                String account = account(r.crealm(), r.cname() != null ? r.cname().toString() : "");
                String entity = "account:" + account;
                start("krb_outcome", entity, e.header());
                g.writeStringField("account", account);
                g.writeStringField("request", r.msgType() == 11 ? "as" : "tgs");
                g.writeStringField("outcome", "success");
                if (r.ticket() != null && r.ticket().sname() != null) {
                    g.writeStringField("spn", r.ticket().sname().toString().toLowerCase(Locale.ROOT));
                }
                out.accept(entity, end());
            } else if (e instanceof KerberosEvent.KerberosError r) {
                dcFact(r, out);
                KerberosEvent.PrincipalName cname = r.cname() != null ? r.cname()
                        : r.request() != null ? r.request().cname() : null;
                if (cname == null) {
                    return;
                }
                String realm = r.request() != null && r.request().realm() != null ? r.request().realm() : r.realm();
                String account = account(realm, cname.toString());
                String entity = "account:" + account;
                start("krb_outcome", entity, e.header());
                g.writeStringField("account", account);
                g.writeStringField("request", r.request() != null && r.request().msgType() == 12 ? "tgs" : "as");
                // 25 KDC_ERR_PREAUTH_REQUIRED is the normal first answer, not a failed guess (RFC 4120 3.1.5).
                g.writeStringField("outcome", r.errorCode() == 25 ? "continue" : "failure");
                g.writeNumberField("error_code", r.errorCode());
                out.accept(entity, end());
            } else if (e instanceof LdapEvent.LdapBind b && b.resultCode() >= 0 && b.name() != null && !b.name().isEmpty()) {
                String account = b.name().toLowerCase(Locale.ROOT);
                String entity = "account:" + account;
                start("ldap_bind", entity, e.header());
                g.writeStringField("account", account);
                g.writeStringField("outcome", b.resultCode() == 0 ? "success" : "failure");
                g.writeNumberField("result_code", b.resultCode());
                // A simple bind names its account; a SASL or Sicily bind's attempt is its NTLM or Kerberos
                // exchange, published on its own, so a consumer counting attempts counts simple binds only.
                g.writeStringField("bind_type", b.bindType() == null ? "unknown" : b.bindType().name().toLowerCase(Locale.ROOT));
                out.accept(entity, end());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The chain steps of one of the sensor's alerts (its first revision and every update that added a step). */
    public void of(Alert a, java.util.function.BiConsumer<String, byte[]> out) {
        List<ChainStep> chain = a.analysis().chain();
        if (chain.isEmpty() || a.analysis().sourceIp() == null) {
            return;
        }
        try {
            String entity = "source:" + a.analysis().sourceIp();
            start("chain_step", entity, a.header());
            g.writeStringField("attack_type", a.analysis().attackTypeId());
            g.writeNumberField("instance_id", a.analysis().instanceId());
            g.writeNumberField("revision", a.revision());
            if (a.analysis().targetIp() != null) {
                g.writeStringField("target_ip", a.analysis().targetIp());
            }
            g.writeArrayFieldStart("steps");
            for (ChainStep s : chain) {
                g.writeStartObject();
                g.writeStringField("timestamp", EveCommon.timestamp(s.timestampNanos()));
                g.writeStringField("step", s.step());
                g.writeEndObject();
            }
            g.writeEndArray();
            out.accept(entity, end());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A host answering Kerberos serves as a KDC, so as a DC (as the engine's own DC learning holds),
     * unless it relays its clients' requests to another KDC ({@link KdcRelays}): a proxy on port 88
     * must not become a DC whose replication the fleet trusts.
     */
    private void dcFact(KerberosEvent answer, java.util.function.BiConsumer<String, byte[]> out) throws IOException {
        if (relays.relayed(answer)) {
            return;
        }
        EventHeader h = answer.header();
        String ip = h.serverIp().getHostAddress();
        if (dcFacts.contains(ip) || dcFacts.size() >= MAX_DC_FACTS) {
            return;
        }
        dcFacts.add(ip);
        String entity = "dc:" + ip;
        start("dc_fact", entity, h);
        g.writeStringField("dc_ip", ip);
        g.writeStringField("fact", "kdc");
        out.accept(entity, end());
    }

    private void start(String type, String entity, EventHeader h) throws IOException {
        buf.reset();
        g.writeStartObject();
        g.writeNumberField("v", VERSION);
        g.writeStringField("type", type);
        g.writeStringField("sensor", sensor);
        g.writeStringField("entity", entity);
        g.writeStringField("timestamp", EveCommon.timestamp(h.timestampNanos()));
        g.writeNumberField("ts_ns", h.timestampNanos());
        g.writeStringField("src_ip", h.clientIp().getHostAddress());
        g.writeNumberField("src_port", h.clientPort());
        g.writeStringField("dest_ip", h.serverIp().getHostAddress());
        g.writeNumberField("dest_port", h.serverPort());
        g.writeStringField("community_id", EveCommon.communityId(h));
    }

    private byte[] end() throws IOException {
        g.writeEndObject();
        g.flush();
        return buf.toByteArray();
    }

    private void outcome(long status) throws IOException {
        if (status == SensorEvent.NO_STATUS) {
            g.writeStringField("outcome", "unknown");
        } else {
            // 0 STATUS_SUCCESS; 0xC0000016 STATUS_MORE_PROCESSING_REQUIRED is mid-exchange (MS-ERREF 2.3.1).
            g.writeStringField("outcome", status == 0 ? "success" : status == 0xC0000016L ? "continue" : "failure");
            g.writeStringField("status", "0x" + Long.toHexString(status));
        }
    }

    /** DOMAIN\\user in lower case (accounts compare case-insensitively in AD). */
    static String account(String domain, String user) {
        String d = domain == null ? "" : domain.toLowerCase(Locale.ROOT);
        String u = user == null ? "" : user.toLowerCase(Locale.ROOT);
        return d.isEmpty() ? u : d + "\\" + u;
    }

    /** First 16 bytes of SHA-256, hex. */
    String digest(byte[] b) {
        sha256.reset();
        byte[] h = sha256.digest(b);
        return HEX.formatHex(h, 0, 16);
    }
}
