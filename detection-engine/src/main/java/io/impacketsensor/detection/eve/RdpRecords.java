package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.RdpEvent;
import io.impacketsensor.core.event.RdpEvent.ClientHello;
import io.impacketsensor.core.event.RdpEvent.RdpConnectConfirm;
import io.impacketsensor.core.event.RdpEvent.RdpConnectRequest;
import io.impacketsensor.core.event.RdpEvent.RdpTlsHandshake;
import io.impacketsensor.detection.rules.Text;

import java.io.IOException;
import java.util.List;

/**
 * The {@code rdp} EVE protocol record of an RDP event: common header, then Suricata's {@code rdp}
 * object ({@code tx_id}, {@code event_type} initial_request / initial_response / tls_handshake,
 * {@code cookie}, {@code flags}, {@code server_supports}, {@code protocol}, {@code error_code},
 * {@code reason}, {@code x509_serials}, in Suricata's spelling), then our decoded fields under
 * {@code impacket_sensor.rdp}: the requested protocols, a routing token, the TLS ClientHello and the
 * server's choice.
 */
public final class RdpRecords {
    private RdpRecords() {
    }

    /** Writes one whole record (start and end object included). */
    public static void write(JsonGenerator g, RdpEvent e) throws IOException {
        g.writeStartObject();
        EveCommon.writeHeader(g, e.header(), "rdp", "rdp");
        g.writeObjectFieldStart("rdp");
        if (e instanceof RdpConnectRequest q) {
            g.writeNumberField("tx_id", q.txId());
            g.writeStringField("event_type", "initial_request");
            if (q.cookie() != null) {
                g.writeStringField("cookie", Text.quote(q.cookie()));
            }
            // MS-RDPBCGR 2.2.1.1.1 RDP_NEG_REQ flags, as Suricata names them (bit 0x4 is reserved).
            names(g, "flags", q.negFlags(), new int[]{0x1, 0x2, 0x8}, new String[]{"restricted_admin_mode_required",
                    "redirected_authentication_mode_required", "correlation_info_present"});
        } else if (e instanceof RdpConnectConfirm c) {
            g.writeNumberField("tx_id", c.txId());
            g.writeStringField("event_type", "initial_response");
            if (c.negType() == 2) {
                // 2.2.1.2.1 RDP_NEG_RSP flags; NEGRSP_FLAG_RESERVED (0x4) is not written, as in Suricata.
                names(g, "server_supports", c.flags(), new int[]{0x1, 0x2, 0x8, 0x10}, new String[]{
                        "extended_client_data", "dynvc_gfx", "restricted_admin", "redirected_authentication"});
                String p = protocol(c.selectedProtocol());
                if (p != null) {
                    g.writeStringField("protocol", p);
                }
            } else if (c.negType() == 3) {
                g.writeNumberField("error_code", c.failureCode());
                String r = reason(c.failureCode());
                if (r != null) {
                    g.writeStringField("reason", r);
                }
            }
        } else if (e instanceof RdpTlsHandshake t) {
            g.writeNumberField("tx_id", t.txId());
            g.writeStringField("event_type", "tls_handshake");
            g.writeArrayFieldStart("x509_serials");
            for (String s : t.x509Serials()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        EveCommon.startExtension(g);
        g.writeObjectFieldStart("rdp");
        if (e instanceof RdpConnectRequest q) {
            request(g, q);
        } else if (e instanceof RdpConnectConfirm c) {
            g.writeStringField("negotiation", c.negType() == 2 ? "response" : c.negType() == 3 ? "failure" : "none");
            if (c.negType() == 2) {
                g.writeNumberField("selected_protocol", c.selectedProtocol());
            }
        } else if (e instanceof RdpTlsHandshake t) {
            if (t.selectedProtocol() >= 0) {
                g.writeNumberField("selected_protocol", t.selectedProtocol());
            }
            if (t.request() != null) {
                g.writeBooleanField("cookie", t.request().cookie() != null);
            }
            ClientHello h = t.clientHello();
            if (h != null) {
                g.writeObjectFieldStart("client_hello");
                g.writeStringField("version", hex16(h.version()));
                g.writeNumberField("cipher_suite_count", h.cipherSuites().size());
                g.writeNumberField("anonymous_suites", h.anonymousSuites());
                if (!h.serverName().isEmpty()) {
                    g.writeStringField("server_name", Text.quote(h.serverName()));
                }
                hexes(g, "supported_versions", h.versions());
                g.writeObjectFieldStart("ja3");
                g.writeStringField("hash", h.ja3Hash());
                g.writeStringField("string", h.ja3());
                g.writeEndObject();
                g.writeEndObject();
            }
            if (t.cipherSuite() >= 0) {
                g.writeStringField("server_version", hex16(t.serverVersion()));
                g.writeStringField("cipher_suite", hex16(t.cipherSuite()));
            }
        }
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void request(JsonGenerator g, RdpConnectRequest q) throws IOException {
        if (q.routingToken() != null) {
            g.writeStringField("routing_token", Text.quote(q.routingToken()));
        }
        if (q.requestedProtocols() >= 0) {
            g.writeNumberField("requested_protocols", q.requestedProtocols());
            g.writeArrayFieldStart("requested_protocol_names");
            if (q.requestedProtocols() == 0) {
                g.writeString("rdp");
            }
            for (int bit = 1; bit <= 0x10; bit <<= 1) {
                if ((q.requestedProtocols() & bit) != 0) {
                    g.writeString(protocol(bit));
                }
            }
            g.writeEndArray();
        } else {
            g.writeBooleanField("negotiation_request", false);
        }
        if (q.trailing() > 0) {
            g.writeNumberField("trailing_bytes", q.trailing());
        }
    }

    /** The names of the set bits of {@code v} among {@code bits}, as an array; nothing when none is set. */
    private static void names(JsonGenerator g, String field, int v, int[] bits, String[] names) throws IOException {
        if ((v & or(bits)) == 0) {
            return;
        }
        g.writeArrayFieldStart(field);
        for (int i = 0; i < bits.length; i++) {
            if ((v & bits[i]) != 0) {
                g.writeString(names[i]);
            }
        }
        g.writeEndArray();
    }

    private static int or(int[] bits) {
        int m = 0;
        for (int b : bits) {
            m |= b;
        }
        return m;
    }

    private static void hexes(JsonGenerator g, String field, List<Integer> v) throws IOException {
        if (v.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(field);
        for (int x : v) {
            g.writeString(hex16(x));
        }
        g.writeEndArray();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code 0x} and four lowercase hex digits (a TLS version or cipher suite, as tshark shows them). */
    static String hex16(int v) {
        return new String(new char[]{'0', 'x', HEX[(v >> 12) & 0xF], HEX[(v >> 8) & 0xF], HEX[(v >> 4) & 0xF], HEX[v & 0xF]});
    }

    /** [MS-RDPBCGR] 2.2.1.1.1 protocol values, in Suricata's spelling; null for another value. */
    static String protocol(long p) {
        return switch ((int) p) {
            case 0 -> "rdp";
            case 1 -> "ssl";
            case 2 -> "hybrid";
            case 4 -> "rds_tls";
            case 8 -> "hybrid_ex";
            case 0x10 -> "rdsaad";
            default -> null;
        };
    }

    /** [MS-RDPBCGR] 2.2.1.2.2 failure codes, in Suricata's wording; null for another code. */
    static String reason(int code) {
        return switch (code) {
            case 1 -> "ssl required by server";
            case 2 -> "ssl not allowed by server";
            case 3 -> "ssl cert not on server";
            case 4 -> "inconsistent flags";
            case 5 -> "hybrid required by server";
            case 6 -> "ssl with user auth required by server";
            default -> null;
        };
    }
}
